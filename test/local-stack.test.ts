/**
 * The `local` stack (Pulumi.local.yaml, aks-platform:target: local) under the offline mocks, like
 * the cloud stacks: what it registers (no Azure resource, no Azure call), the exact Helm values
 * it hands the chart (lint, render, Kubernetes schemas — the same checks as the cloud stacks'
 * releases), the in-cluster PostgreSQL and Redis, and the config rules of the target.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import * as YAML from 'yaml';
import { runStack, StackRun } from '../offline/run-stack';
import { isSecretValue, unwrapSecrets } from '../offline/recorded';
import { readStackConfig } from '../offline/stack-config';
import { ConfigValidationError, parseTargetConfig, targetConfigFromPulumiConfig } from '../config/validate';
import { LOCAL_DATA_IMAGES, localDataStoreObjects, localDataStoreProblems, type LocalDataStoreSpec } from '../lib/local-data';
import { localRegistryProblem, stackTargetOf } from '../lib/local-target';
import { helmLint, helmTemplate, Manifest, one, parseManifests, validateManifest } from './support/chart';
import { GATEWAY_API, TRAEFIK_CHART, traefikValues, GATEWAY_SIZING } from '../lib/edge';
import { LOCAL_CLUSTER_GATEWAY, LOCAL_CLUSTERS, LOCAL_GATEWAY_DEFAULTS } from '../lib/local-target';
import { localPlatformArgsFromConfig } from '../config/platform-args';
import { TEST_CLOCK } from './support/clock';

const ROOT = path.resolve(__dirname, '..');

interface ReleaseInputs {
  name: string;
  namespace: string;
  values: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('the local stack under mocks', () => {
  let run: StackRun;
  let rendered: Array<{ release: ReleaseInputs; manifests: Manifest[] }>;
  beforeAll(async () => {
    run = await runStack('local', { clock: TEST_CLOCK });
    // The apps' releases (the repository's chart); the gateway's Traefik release is a pinned remote chart.
    rendered = run.recorder.ofType('kubernetes:helm.sh/v3:Release').filter((r) => (r.inputs as Record<string, unknown>).chart !== TRAEFIK_CHART.chart).map((r) => {
      const release = unwrapSecrets(r.inputs) as ReleaseInputs;
      const result = helmTemplate(release.name, release.namespace, release.values);
      if (result.status !== 0) throw new Error(`helm template ${release.name} failed:\n${result.stderr}`);
      return { release, manifests: parseManifests(result.stdout) };
    });
  }, 60_000);

  it('registers no azure-native resource and calls no Azure function', () => {
    expect(run.recorder.resources.filter((r) => r.type.startsWith('azure-native:')).map((r) => r.type)).toEqual([]);
    expect(run.recorder.calls.filter((c) => c.token.startsWith('azure-native:')).map((c) => c.token)).toEqual([]);
  });

  it('registers the local platform: provider, namespaces, secrets, two StatefulSets, three images and releases', () => {
    const byType: Record<string, number> = {};
    for (const r of run.recorder.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
    expect(byType).toEqual({
      'aks-platform:index:LocalPlatform': 1,
      'pulumi:providers:kubernetes': 1,
      'random:index/randomPassword:RandomPassword': 2,
      'kubernetes:core/v1:Namespace': 5,
      'kubernetes:core/v1:Secret': 3,
      'aks-platform:index:LocalDataStore': 2,
      'kubernetes:apps/v1:StatefulSet': 2,
      'kubernetes:core/v1:Service': 2,
      'kubernetes:networking.k8s.io/v1:NetworkPolicy': 2,
      'aks-platform:index:LocalImage': 3,
      'docker-build:index:Image': 3,
      'aks-platform:index:HelmApp': 3,
      'aks-platform:index:Gateway': 1,
      'kubernetes:yaml/v2:ConfigFile': 1,
      'kubernetes:helm.sh/v3:Release': 4,
    });
    const provider = unwrapSecrets(run.recorder.one('pulumi:providers:kubernetes').inputs) as Record<string, unknown>;
    expect(provider.context).toBeUndefined(); // the current kubeconfig context
  });

  it('builds the images for this machine and pushes them to the local registry, without credentials', () => {
    for (const image of run.recorder.ofType('docker-build:index:Image').map((r) => unwrapSecrets(r.inputs) as Record<string, any>)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(image.push).toBe(true);
      expect(image.tags).toEqual([expect.stringMatching(/^localhost:5001\/aks-platform\/(api|agent|frontend):[A-Za-z0-9_.-]+$/)]);
      expect(image.registries).toBeUndefined();
      expect(image.platforms).toBeUndefined();
      expect(image.dockerfile.location).toMatch(/apps\/(api|agent|frontend)\/Dockerfile$/);
    }
    expect(Object.values(run.outputs.images.value as Record<string, string>)).toEqual(
      ['api', 'agent', 'frontend'].map((app) => expect.stringMatching(new RegExp(`^localhost:5001/aks-platform/${app}@sha256:[0-9a-f]{64}$`))),
    );
  });

  it('keeps the passwords secret: generated, in Kubernetes Secrets in the data, api and agent namespaces', () => {
    const secrets = run.recorder.ofType('kubernetes:core/v1:Secret');
    expect(secrets.map((s) => (unwrapSecrets(s.inputs) as any).metadata.name)).toEqual(['app-credentials', 'app-credentials', 'app-credentials']); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const s of secrets) {
      expect(isSecretValue((s.inputs as Record<string, unknown>).stringData)).toBe(true);
      expect(Object.keys((unwrapSecrets(s.inputs) as any).stringData).sort()).toEqual(['postgres-password', 'redis-password']); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
  });

  it('the releases lint strictly and render objects that pass their Kubernetes schemas (the cloud stacks’ checks)', () => {
    expect(rendered.map((r) => r.release.name).sort()).toEqual(['agent', 'api', 'frontend']);
    for (const { release, manifests } of rendered) {
      const lint = helmLint(release.namespace, release.values);
      expect({ release: release.name, status: lint.status, stderr: lint.stderr }).toEqual({ release: release.name, status: 0, stderr: lint.stderr });
      for (const manifest of manifests) validateManifest(manifest);
      const images = one(manifests, 'Deployment').spec.template.spec.containers.map((c: { image: string }) => c.image);
      for (const image of images) expect(image).toMatch(/^localhost:5001\/aks-platform\/[a-z]+@sha256:[0-9a-f]{64}$/);
    }
  });

  it('api and agent: passwords as files from the Secret, no Key Vault or workload identity, egress only to the data namespace', () => {
    for (const app of ['api', 'agent']) {
      const { manifests } = rendered.find((r) => r.release.name === app)!;
      expect(manifests.map((m) => m.kind)).not.toContain('SecretProviderClass');
      const pod = one(manifests, 'Deployment').spec.template;
      expect(pod.metadata.labels['azure.workload.identity/use']).toBeUndefined();
      expect(pod.spec.volumes.find((v: { name: string }) => v.name === 'secrets-store')).toEqual({
        name: 'secrets-store',
        secret: { secretName: 'app-credentials', defaultMode: 0o440, items: [{ key: 'postgres-password', path: 'postgres-password' }, { key: 'redis-password', path: 'redis-password' }] },
      });
      const env = Object.fromEntries(pod.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));
      expect(env).toMatchObject({
        PGHOST: 'postgres.data.svc.cluster.local',
        PGPORT: '5432',
        PGDATABASE: 'app',
        PGUSER: 'app',
        PGSSLMODE: 'disable',
        PGPASSWORD_FILE: '/mnt/secrets-store/postgres-password',
        REDIS_HOST: 'redis.data.svc.cluster.local',
        REDIS_PORT: '6379',
        REDIS_TLS: 'false',
        REDIS_PASSWORD_FILE: '/mnt/secrets-store/redis-password',
      });
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
      const egress = JSON.stringify(manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.spec.egress ?? []));
      expect(egress).toContain('"kubernetes.io/metadata.name":"data"');
      expect(egress).not.toContain('ipBlock');
    }
  });

  it('PostgreSQL and Redis: official images (the same as compose.yaml), restricted pods, volumes, only the apps may connect', () => {
    const compose = YAML.parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, { image?: string }> };
    for (const sts of run.recorder.ofType('kubernetes:apps/v1:StatefulSet').map((r) => unwrapSecrets(r.inputs) as any)) { // eslint-disable-line @typescript-eslint/no-explicit-any
      const kind = sts.metadata.name as 'postgres' | 'redis';
      new StatefulSet({ apiVersion: 'apps/v1', kind: 'StatefulSet', ...sts }).validate();
      const container = sts.spec.template.spec.containers[0];
      expect(container.image).toBe(compose.services[kind].image);
      expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(kind === 'postgres' ? '1Gi' : '256Mi');
    }
    const policies = run.recorder.ofType('kubernetes:networking.k8s.io/v1:NetworkPolicy').map((r) => unwrapSecrets(r.inputs) as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const p of policies) {
      expect(p.spec.ingress[0].from.map((f: any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual(['api', 'agent']); // eslint-disable-line @typescript-eslint/no-explicit-any
    }
  });

  it('deploys the same gateway as Azure, without Azure: Gateway API CRDs, Traefik pinned, a NodePort Service on the configured port', () => {
    const gateway = run.recorder.one('aks-platform:index:Gateway');
    expect(gateway.name).toBe('aksplat-local-gateway');
    const ns = unwrapSecrets(run.recorder.ofType('kubernetes:core/v1:Namespace').find((r) => r.name === 'aksplat-local-gateway-ns')!.inputs) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(ns.metadata).toMatchObject({ name: 'gateway', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    expect((unwrapSecrets(run.recorder.one('kubernetes:yaml/v2:ConfigFile').inputs) as Record<string, unknown>).file).toBe(GATEWAY_API.standardInstallUrl);
    const traefik = unwrapSecrets(run.recorder.ofType('kubernetes:helm.sh/v3:Release').find((r) => (r.inputs as Record<string, unknown>).chart === TRAEFIK_CHART.chart)!.inputs) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([traefik.name, traefik.namespace, traefik.version, traefik.repositoryOpts.repo]).toEqual(['traefik', 'gateway', TRAEFIK_CHART.version, TRAEFIK_CHART.repo]);
    expect(traefik.values.service).toEqual({ spec: { type: 'NodePort' }, annotations: {} });
    expect(traefik.values.ports.web).toMatchObject({ port: 8000, exposedPort: 80, nodePort: 30080, forwardedHeaders: { trustedIPs: [] } });
    expect(traefik.values.deployment.replicas).toBe(1);
    expect(traefik.values.gateway).toMatchObject({ enabled: true, name: 'platform', listeners: { web: { port: 8000, protocol: 'HTTP' } } });
    expect(traefik.values.gatewayClass).toEqual({ enabled: true, name: 'traefik' });
    expect(JSON.stringify(traefik.values)).not.toMatch(/azure/);
    // The routes need the Gateway: the api and frontend releases wait for it.
    for (const app of ['api', 'frontend']) {
      expect(run.recorder.one('aks-platform:index:HelmApp', `aksplat-local-${app}`).dependencies ?? []).toEqual(expect.arrayContaining([expect.stringContaining('aksplat-local-gateway')]));
    }
  });

  it('the chart’s HTTPRoutes attach to that gateway (frontend at /, api at /api and /socket.io); the agent has none; only the gateway’s pods may reach them', () => {
    const parentRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'platform', namespace: 'gateway', sectionName: 'web' };
    const routes = Object.fromEntries(rendered.map(({ release, manifests }) => [release.name, manifests.filter((m) => m.kind === 'HTTPRoute')]));
    expect(routes.agent).toEqual([]);
    for (const app of ['api', 'frontend']) {
      expect(routes[app]).toHaveLength(1);
      expect(routes[app][0].spec.parentRefs).toEqual([parentRef]);
    }
    const paths = (app: string) => routes[app][0].spec.rules.flatMap((r: { matches: Array<{ path: { value: string } }> }) => r.matches.map((m) => m.path.value)).sort();
    expect(paths('frontend')).toEqual(['/']);
    expect(paths('api')).toEqual(['/api', '/socket.io']);
    for (const app of ['api', 'frontend']) {
      const { manifests } = rendered.find((r) => r.release.name === app)!;
      const ingress = JSON.stringify(manifests.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.spec.ingress ?? []));
      expect(ingress).toContain('"kubernetes.io/metadata.name":"gateway"');
      expect(ingress).toContain('"app.kubernetes.io/name":"traefik"');
    }
  });

  it('exports how to reach the gateway and where everything runs', () => {
    expect(run.outputs.portForward.value).toBe('kubectl port-forward -n gateway svc/traefik 8080:80');
    expect(run.outputs.gateway.value).toMatchObject({ serviceType: 'NodePort', nodePort: 30080 });
    expect(run.outputs.postgresHost.value).toBe('postgres.data.svc.cluster.local');
    expect(run.outputs.target.value).toBe('local');
  });
});

describe('the local target’s config rules', () => {
  const local = () => {
    const flat = readStackConfig('local');
    return Object.fromEntries(Object.entries(flat.values).map(([k, v]) => [k.replace(/^aks-platform:/, ''), k === 'aks-platform:target' || k === 'aks-platform:environment' || k === 'aks-platform:prefix' ? v : JSON.parse(v)]));
  };
  const problems = (values: Record<string, unknown>): string[] => {
    try {
      parseTargetConfig(values);
      return [];
    } catch (err) {
      if (!(err instanceof ConfigValidationError)) throw err;
      return err.problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  test('Pulumi.local.yaml is valid and gets the defaults', () => {
    const parsed = targetConfigFromPulumiConfig(readStackConfig('local').values);
    expect(parsed.target).toBe('local');
    if (parsed.target !== 'local') return;
    expect(parsed.config.local).toEqual({
      registry: 'localhost:5001',
      postgres: { image: LOCAL_DATA_IMAGES.postgres, storageSize: '1Gi' },
      redis: { image: LOCAL_DATA_IMAGES.redis, storageSize: '256Mi' },
      gateway: { serviceType: 'NodePort', nodePort: 30080, replicas: 1 },
    });
  });

  test('local.gateway: a LoadBalancer on another node port reaches the Gateway component and the Traefik values', () => {
    const values = local();
    values.local.gateway = { serviceType: 'LoadBalancer', nodePort: 31080 };
    const parsed = parseTargetConfig(values);
    if (parsed.target !== 'local') throw new Error('expected the local target');
    const args = localPlatformArgsFromConfig(parsed.config, { imageTag: 't', contextDirectory: ROOT });
    expect(args.gateway).toEqual({ serviceType: 'LoadBalancer', nodePort: 31080, replicas: 1 });
    const traefik = traefikValues({ sizing: { ...GATEWAY_SIZING.dev, replicas: 1 }, serviceType: args.gateway.serviceType, serviceAnnotations: {}, nodePort: args.gateway.nodePort }) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect([traefik.service.spec.type, traefik.ports.web.nodePort]).toEqual(['LoadBalancer', 31080]);
    expect((traefikValues({ sizing: GATEWAY_SIZING.dev, serviceType: 'LoadBalancer', serviceAnnotations: {} }) as any).ports.web.nodePort).toBeUndefined(); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  test('every documented local cluster has a supported gateway Service type, and the default works on all of them', () => {
    expect(Object.keys(LOCAL_CLUSTER_GATEWAY).sort()).toEqual([...LOCAL_CLUSTERS].sort());
    for (const cluster of LOCAL_CLUSTERS) {
      expect(LOCAL_CLUSTER_GATEWAY[cluster].supports).toContain(LOCAL_CLUSTER_GATEWAY[cluster].recommended);
      expect(LOCAL_CLUSTER_GATEWAY[cluster].supports).toContain(LOCAL_GATEWAY_DEFAULTS.serviceType);
    }
    expect(LOCAL_CLUSTER_GATEWAY.kind.supports).toEqual(['NodePort']);
  });

  test('the cloud stacks are target azure by default, and may say so', () => {
    const dev = readStackConfig('dev').values;
    expect(targetConfigFromPulumiConfig(dev).target).toBe('azure');
    expect(targetConfigFromPulumiConfig({ ...dev, 'aks-platform:target': 'azure' }).target).toBe('azure');
  });

  test.each<[string, (v: Record<string, any>) => void, string]>([ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['an unknown target', (v) => (v.target = 'gcp'), 'aks-platform:target: got "gcp"; allowed: "azure", "local"'],
    ['an Azure section in a local stack', (v) => (v.cluster = { tier: 'Free' }), 'aks-platform:cluster: unknown key (a typo?); allowed keys here: target, environment, prefix, tags, local, apps'],
    ['a typo in the local section', (v) => (v.local.registy = 'x'), 'aks-platform:local.registy: unknown key (a typo?); allowed keys here: kubeContext, registry, postgres, redis, gateway'],
    ['a ClusterIP gateway', (v) => (v.local.gateway = { serviceType: 'ClusterIP' }), 'aks-platform:local.gateway.serviceType: got "ClusterIP"; allowed: "NodePort", "LoadBalancer"'],
    ['a node port out of range', (v) => (v.local.gateway = { nodePort: 8080 }), 'aks-platform:local.gateway.nodePort: got 8080; must be at least 30000'],
    ['Azure load balancer settings on a local gateway', (v) => (v.local.gateway = { azure: { internalLoadBalancer: true } }), 'aks-platform:local.gateway.azure: unknown key (a typo?); allowed keys here: serviceType, nodePort, replicas'],
    ['a registry URL', (v) => (v.local.registry = 'http://localhost:5001'), 'aks-platform:local.registry: "http://localhost:5001" must be host[:port] without a scheme, e.g. localhost:5001'],
    ['an ACR as local registry', (v) => (v.local.registry = 'cr1.azurecr.io'), 'aks-platform:local.registry: "cr1.azurecr.io" is an Azure Container Registry; the local target pushes to a local registry (localhost:5001)'],
    ['a bad volume size', (v) => (v.local.postgres.storageSize = '1GB'), 'aks-platform:local.postgres.storageSize: got "1GB"; must be a size such as 512Mi or 1Gi'],
    ['a node pool', (v) => (v.apps.api.nodePool = 'system'), 'aks-platform:apps.api.nodePool: node pools are AKS pools; a local cluster has none, remove the key (got "system")'],
    ['a public host', (v) => (v.apps.host = 'app.example.com'), 'aks-platform:apps.host: unknown key (a typo?); allowed keys here: imageTag, api, agent, frontend'],
  ])('%s is refused, naming the key, the value and what is allowed', (_name, mutate, message) => {
    const values = local();
    mutate(values);
    expect(problems(values)).toContain(message);
  });
});

describe('lib rules of the local target', () => {
  test.each<[string, string | undefined]>([
    ['localhost:5001', undefined],
    ['k3d-registry.localhost:5001', undefined],
    ['registry.local', undefined],
    ['127.0.0.1:5000', undefined],
    ['registry.example.com:5000', '"registry.example.com:5000" is not a local registry; use localhost, 127.0.0.1, <name>.localhost or <name>.local (port-forward a registry there), e.g. localhost:5001'],
    ['https://localhost:5001', '"https://localhost:5001" must be host[:port] without a scheme, e.g. localhost:5001'],
    ['localhost:5001/path', '"localhost:5001/path" must be host[:port] (lowercase, no path), e.g. localhost:5001'],
    ['Localhost', '"Localhost" must be host[:port] (lowercase, no path), e.g. localhost:5001'],
    ['localhost:70000', '"localhost:70000": port 70000 is not a TCP port'],
  ])('registry %j', (registry, problem) => {
    expect(localRegistryProblem(registry)).toBe(problem);
  });

  test.each<[unknown, ReturnType<typeof stackTargetOf>]>([
    [undefined, { target: 'azure' }],
    ['azure', { target: 'azure' }],
    ['local', { target: 'local' }],
    ['Local', { problem: 'got "Local"; allowed: "azure", "local"' }],
    [3, { problem: 'got 3; allowed: "azure", "local"' }],
  ])('target %j', (raw, result) => {
    expect(stackTargetOf(raw)).toEqual(result);
  });

  const spec: LocalDataStoreSpec = { kind: 'postgres', namespace: 'data', image: 'postgres:16-alpine', storageSize: '1Gi', secretName: 's', clientNamespaces: ['api'] };
  test.each<[string, Partial<LocalDataStoreSpec>, string[]]>([
    ['a valid spec', {}, []],
    ['a digest-pinned image', { image: `postgres@sha256:${'a'.repeat(64)}` }, []],
    ['latest', { image: 'postgres:latest' }, ['image: "postgres:latest" must name a version (a tag other than latest, or a digest)']],
    ['no tag', { image: 'postgres' }, ['image: "postgres" must name a version (a tag other than latest, or a digest)']],
    ['a bad size', { storageSize: '1G' }, ['storageSize: "1G" must be a quantity such as 1Gi or 512Mi']],
    ['no clients', { clientNamespaces: [] }, ['clientNamespaces: at least one namespace must be allowed to connect']],
  ])('data store: %s', (_name, change, expected) => {
    expect(localDataStoreProblems({ ...spec, ...change })).toEqual(expected);
  });

  test('the data store objects: the password from the Secret, PGDATA below the volume root, Redis with an append-only file', () => {
    const pg = localDataStoreObjects(spec).statefulSet as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const env = pg.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'postgres-password' } } });
    expect(env).toContainEqual({ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' });
    const redis = localDataStoreObjects({ ...spec, kind: 'redis', image: 'redis:7.4-alpine' }).statefulSet as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(redis.spec.template.spec.containers[0].args).toEqual(['--appendonly', 'yes', '--dir', '/data', '--requirepass', '$(REDIS_PASSWORD)']);
    expect(() => localDataStoreObjects({ ...spec, storageSize: 'big' })).toThrow('invalid local postgres:\n  - storageSize: "big" must be a quantity such as 1Gi or 512Mi');
  });
});
