/**
 * The loop between the program and the chart: the exact Helm values each
 * stack's program hands to its releases (recorded under the offline mocks)
 * lint and render with the real helm binary, every rendered object passes its
 * Kubernetes schema, and the environment differences show in the manifests.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { TEST_CLOCK } from './support/clock';
import { unwrapSecrets } from '../offline/recorded';
import { GATEWAY_DEFAULTS, TRAEFIK_CHART } from '../lib/edge';
import { emptyValuePaths, helmLint, helmTemplate, Manifest, one, parseManifests, validateManifest } from './support/chart';

interface ReleaseInputs {
  name: string;
  namespace: string;
  chart: string;
  values: Record<string, unknown>;
}

/** The app releases (the shared chart); the gateway's Traefik release is a remote chart. */
function releases(run: StackRun): ReleaseInputs[] {
  return run.recorder
    .ofType('kubernetes:helm.sh/v3:Release')
    .map((r) => unwrapSecrets(r.inputs) as ReleaseInputs)
    .filter((r) => r.chart !== TRAEFIK_CHART.chart);
}

function render(release: ReleaseInputs): Manifest[] {
  const result = helmTemplate(release.name, release.namespace, release.values);
  if (result.status !== 0) throw new Error(`helm template ${release.name} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

describe.each(['dev', 'prod'])('the %s program’s releases', (stack) => {
  let rendered: Array<{ release: ReleaseInputs; manifests: Manifest[] }>;
  beforeAll(async () => {
    const run = await runStack(stack, { clock: TEST_CLOCK });
    rendered = releases(run).map((release) => ({ release, manifests: render(release) }));
  }, 60_000);

  it('lint strictly and render objects that pass their Kubernetes schemas', () => {
    expect(rendered.map((r) => r.release.name).sort()).toEqual(['agent', 'api', 'frontend']);
    for (const { release, manifests } of rendered) {
      const lint = helmLint(release.namespace, release.values);
      expect({ release: release.name, status: lint.status, stderr: lint.stderr }).toEqual({ release: release.name, status: 0, stderr: lint.stderr });
      for (const manifest of manifests) validateManifest(manifest);
    }
  });

  it('pin every container image by digest from the stack’s registry', () => {
    for (const { manifests } of rendered) {
      const images = one(manifests, 'Deployment').spec.template.spec.containers.map((c: { image: string }) => c.image);
      for (const image of images) expect(image).toMatch(/^craksplat[a-z0-9]+\.azurecr\.io\/aks-platform\/[a-z]+@sha256:[0-9a-f]{64}$/);
    }
  });

  it(stack === 'prod' ? 'run at least 3 replicas with an HPA and a PDB' : 'start from a single replica', () => {
    for (const { release, manifests } of rendered) {
      const kinds = manifests.map((m) => m.kind);
      // The agent scales on queue lag through KEDA (its ScaledObject creates the HPA); the others through the chart's HPA.
      const scaled = manifests.find((m) => m.kind === 'ScaledObject');
      if (stack === 'prod') {
        const min = scaled ? scaled.spec.minReplicaCount : one(manifests, 'HorizontalPodAutoscaler').spec.minReplicas;
        expect({ app: release.name, min: min >= 3, pdb: kinds.includes('PodDisruptionBudget'), keda: scaled !== undefined }).toEqual({
          app: release.name,
          min: true,
          pdb: true,
          keda: release.name === 'agent',
        });
      } else {
        const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler');
        const minimum = scaled ? scaled.spec.minReplicaCount : hpa ? hpa.spec.minReplicas : one(manifests, 'Deployment').spec.replicas;
        expect({ app: release.name, minimum }).toEqual({ app: release.name, minimum: 1 });
      }
    }
  });

  it('scrape the api and agent through a managed-Prometheus PodMonitor on the metrics path of the http port, and let the collector in', () => {
    for (const { release, manifests } of rendered) {
      const monitors = manifests.filter((m) => m.kind === 'PodMonitor');
      if (release.name === 'frontend') {
        expect(monitors).toEqual([]);
        continue;
      }
      const pm = one(manifests, 'PodMonitor');
      expect(pm.apiVersion).toBe('azmonitoring.coreos.com/v1');
      expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scheme: 'http' }]);
      expect(pm.spec.selector.matchLabels).toEqual(one(manifests, 'Deployment').spec.selector.matchLabels);
      const allow = one(manifests, 'NetworkPolicy', `${release.name}-allow-ingress`);
      expect(allow.spec.ingress[0].from).toEqual(
        expect.arrayContaining([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { rsName: 'ama-metrics' } } }]),
      );
    }
  });

  it('route table: every HTTPRoute backend is a Service of the release on its port, attached to the platform Gateway', () => {
    const table: string[] = [];
    for (const { release, manifests } of rendered) {
      for (const route of manifests.filter((m) => m.kind === 'HTTPRoute')) {
        expect(route.spec.parentRefs).toEqual([expect.objectContaining({ kind: 'Gateway', name: GATEWAY_DEFAULTS.gatewayName, namespace: GATEWAY_DEFAULTS.namespace })]);
        for (const rule of route.spec.rules) {
          for (const ref of rule.backendRefs) {
            const svc = one(manifests, 'Service', ref.name);
            expect(svc.spec.type).toBe('ClusterIP');
            expect(svc.spec.ports.map((p: { port: number }) => p.port)).toContain(ref.port);
            table.push(`${rule.matches[0].path.value} -> ${release.namespace}/${ref.name}:${ref.port} (${ref.weight}%)`);
          }
        }
      }
    }
    expect(table.sort()).toEqual(['/ -> frontend/frontend:80 (100%)', '/api -> api/api:5000 (100%)', '/socket.io -> api/api:5000 (100%)']);
  });

  it('every app reachable from outside its namespace is reachable only through the gateway (or from another app), never by a public Service', () => {
    const routed = new Set(rendered.filter((r) => r.manifests.some((m) => m.kind === 'HTTPRoute')).map((r) => r.release.namespace));
    expect([...routed].sort()).toEqual(['api', 'frontend']);
    const appNamespaces = new Set(rendered.map((r) => r.release.namespace));
    for (const { release, manifests } of rendered) {
      for (const svc of manifests.filter((m) => m.kind === 'Service')) expect(svc.spec.type).toBe('ClusterIP');
      const allow = manifests.find((m) => m.kind === 'NetworkPolicy' && m.metadata.name.endsWith('-allow-ingress'));
      const peers: Array<{ namespaceSelector: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } }> = (allow?.spec.ingress ?? []).flatMap((r: { from: unknown[] }) => r.from);
      const fromGateway = peers.filter((p) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === GATEWAY_DEFAULTS.namespace);
      const fromApps = peers.filter((p) => appNamespaces.has(p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']));
      // The managed-Prometheus collector scrapes /metrics in-cluster (not an external path).
      const fromScraper = peers.filter((p) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === 'kube-system' && p.podSelector?.matchLabels.rsName === 'ama-metrics');
      // Every peer is the gateway's pods, another app's pods or the metrics collector: nothing else gets in.
      expect(fromGateway.length + fromApps.length + fromScraper.length).toBe(peers.length);
      for (const p of [...fromGateway, ...fromApps]) expect(p.podSelector?.matchLabels).toBeDefined();
      for (const p of fromGateway) expect(p.podSelector?.matchLabels).toEqual(GATEWAY_DEFAULTS.podLabels);
      // Routed apps admit the gateway; the others do not.
      expect({ app: release.name, gateway: fromGateway.length > 0 }).toEqual({ app: release.name, gateway: routed.has(release.namespace) });
      expect(manifests.filter((m) => m.kind === 'Ingress')).toEqual([]);
      for (const m of manifests) expect(emptyValuePaths(m)).toEqual([]);
    }
  });
});
