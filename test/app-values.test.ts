/**
 * The pure mapping stack config + platform facts -> Helm values, with tables.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { loadAppProfiles } from '../lib/app-profiles';
import {
  AppSizing,
  PlatformFacts,
  SIZING_PRESETS,
  appEnvironmentFor,
  appSizingProblems,
  appValues,
  cpuMillis,
  memoryBytes,
  PRIVATE_RANGES,
  platformFactsProblems,
  resolveAppSizing,
} from '../lib/app-values';
import { AZURE_POSTGRES_ROOTS_PATH } from '../lib/app-identities';
import { FIXTURE_IDENTITIES, fixtureFacts, passwordFacts } from '../scripts/chart-fixtures';

const profiles = loadAppProfiles();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('sizing', () => {
  test('prod presets are highly available, dev presets are small', () => {
    for (const app of ['api', 'agent', 'frontend'] as const) {
      expect(SIZING_PRESETS.prod[app].replicas).toBeGreaterThanOrEqual(3);
      expect(SIZING_PRESETS.prod[app].maxReplicas).toBeGreaterThan(SIZING_PRESETS.prod[app].replicas);
      expect(SIZING_PRESETS.dev[app].replicas).toBe(1);
      expect(appSizingProblems(app, 'prod', SIZING_PRESETS.prod[app])).toEqual([]);
      expect(appSizingProblems(app, 'dev', SIZING_PRESETS.dev[app])).toEqual([]);
    }
  });

  test.each<[string, Partial<AppSizing>, RegExp]>([
    ['prod with 2 replicas', { replicas: 2 }, /apps\.api\.replicas: prod needs at least 3 replicas/],
    ['prod without HPA headroom', { replicas: 3, maxReplicas: 3 }, /apps\.api\.maxReplicas: prod needs an HPA/],
    ['prod with soft zone spread', { zoneSpread: 'preferred' }, /apps\.api\.zoneSpread/],
    ['limit below request', { cpuRequest: '500m', cpuLimit: '250m' }, /apps\.api\.cpuLimit: must be >= cpuRequest/],
    ['memory limit below request', { memoryRequest: '1Gi', memoryLimit: '512Mi' }, /apps\.api\.memoryLimit/],
    ['bad CPU quantity', { cpuLimit: 'lots' }, /apps\.api\.cpuLimit: must be a CPU quantity/],
    ['secret in env', { env: { DB_PASSWORD: 'x' } }, /apps\.api\.env\.DB_PASSWORD: looks like a secret/],
    ['platform-owned env', { env: { PGHOST: 'elsewhere' } }, /apps\.api\.env\.PGHOST: is set by the platform/],
    ['concurrency on the api', { concurrency: 4 }, /apps\.api\.concurrency: only the agent/],
  ])('rejects %s', (_label, override, message) => {
    expect(() => resolveAppSizing('api', 'prod', override)).toThrow(message);
  });

  test('overrides merge over the preset, and the agent gets a default concurrency', () => {
    expect(resolveAppSizing('api', 'prod', { maxReplicas: 20 })).toMatchObject({ replicas: 3, maxReplicas: 20, cpuRequest: '250m' });
    expect(resolveAppSizing('agent', 'dev').concurrency).toBe(2);
    expect(resolveAppSizing('agent', 'prod', { concurrency: 8 }).concurrency).toBe(8);
    expect(() => resolveAppSizing('api', 'staging' as Any)).toThrow(/environment "staging" has no app sizing preset; allowed: dev, prod/);
  });

  test.each([
    ['100m', 100],
    ['1', 1000],
    ['0.5', 500],
  ])('cpuMillis(%s) = %d', (q, n) => expect(cpuMillis(q)).toBe(n));
  test.each([
    ['128Mi', 128 * 1024 ** 2],
    ['1Gi', 1024 ** 3],
  ])('memoryBytes(%s) = %d', (q, n) => expect(memoryBytes(q)).toBe(n));
});

describe('platform facts', () => {
  const good = fixtureFacts('api', 'prod');
  test.each<[string, (f: PlatformFacts) => void, RegExp]>([
    ['a tagged image', (f) => (f.imageRef = 'cr.azurecr.io/api:1.0'), /imageRef: .* must be an image of the platform's registry pinned by digest/],
    ['an image from Docker Hub, even by digest', (f) => (f.imageRef = `docker.io/library/nginx@sha256:${'a'.repeat(64)}`), /imageRef: .*<name>\.azurecr\.io/],
    ['an image from another ACR than the platform\'s', (f) => { f.registryLoginServer = 'craksplatprodweu1a2b3c.azurecr.io'; f.imageRef = `crother12345.azurecr.io/api@sha256:${'a'.repeat(64)}`; }, /is not in the platform's registry craksplatprodweu1a2b3c\.azurecr\.io/],
    ['a shared namespace', (f) => (f.namespaces = { api: 'apps', agent: 'apps', frontend: 'web' }), /each app needs its own namespace/],
    ['the default namespace', (f) => (f.namespaces = { ...f.namespaces, api: 'default' }), /namespaces\.api: "default" is reserved/],
    ['a bad tenant', (f) => (f.tenantId = 'contoso'), /tenantId: "contoso" must be a GUID/],
    ['a bad data subnet', (f) => (f.dataSubnetCidr = '10.20.3.1/24'), /dataSubnetCidr: .*host bits/],
    ['a Redis port of 0', (f) => (f.redis = { host: 'r', port: 0 }), /redis\.port: 0 must be a TCP port/],
    ['a plain-HTTP public origin', (f) => (f.publicOrigin = 'http://jobs.contoso.com'), /publicOrigin: .* must be https:\/\/<host>/],
    ['a gateway with a bad name', (f) => (f.gateway = { ...f.gateway!, name: 'Platform_GW' }), /gateway\.name: must be a Kubernetes object name/],
    ['the gateway namespace as an app namespace', (f) => (f.namespaces = { ...f.namespaces, api: 'gateway' }), /namespaces\.api: "gateway" is reserved/],
    ['a canary weight of 101', (f) => (f.canary = { imageRef: good.imageRef.replace(/.{8}$/, 'deadbeef'), weight: 101 }), /canary\.weight: 101 must be an integer percentage from 0 to 100/],
    ['a canary on the stable image', (f) => (f.canary = { imageRef: good.imageRef, weight: 10 }), /canary\.imageRef: is the stable image/],
    ['a tagged canary image', (f) => (f.canary = { imageRef: 'cr.azurecr.io/api:2.0', weight: 10 }), /canary\.imageRef: .* pinned by digest/],
  ])('rejects %s', (_label, mutate, message) => {
    const f = structuredClone(good);
    mutate(f);
    expect(platformFactsProblems('api', f).join('\n')).toMatch(message);
    expect(() => appValues({ app: 'api', environment: 'prod', sizing: resolveAppSizing('api', 'prod'), profiles, facts: f })).toThrow(/cannot build Helm values for api/);
  });

  test.each(['api', 'frontend'] as const)('sign-in cannot be switched off: %s without auth facts is refused', (app) => {
    const { auth: _auth, ...facts } = fixtureFacts(app, 'prod');
    expect(platformFactsProblems(app, facts)).toEqual([
      'auth: required: the api validates Entra ID tokens and the frontend signs in; sign-in cannot be switched off',
    ]);
    expect(platformFactsProblems('agent', { ...facts, migrations: undefined })).toEqual([]);
    expect(platformFactsProblems(app, { ...facts, auth: { ...fixtureFacts(app, 'prod').auth!, apiClientId: 'api' } })).toEqual(['auth.apiClientId: "api" must be a GUID']);
  });

  test('the frontend needs no data-service facts', () => {
    const f = { ...fixtureFacts('frontend', 'dev'), tenantId: '', identityClientId: '', keyVaultName: '', postgres: { host: '', database: '', user: '' }, redis: { host: '', port: 0 }, dataSubnetCidr: '' };
    expect(platformFactsProblems('frontend', f)).toEqual([]);
  });
});

describe('appValues', () => {
  const values = (app: 'api' | 'agent' | 'frontend', env: 'dev' | 'prod') =>
    appValues({ app, environment: env, sizing: resolveAppSizing(app, env), profiles, facts: fixtureFacts(app, env) }) as Any;

  test.each([
    ['api', 'dev', 1, false, false, 'ScheduleAnyway'],
    ['api', 'prod', 3, true, true, 'DoNotSchedule'],
    // KEDA owns the prod agent's autoscaling (queue lag and CPU): no HPA of the chart's own.
    ['agent', 'prod', 3, false, true, 'DoNotSchedule'],
    ['frontend', 'dev', 1, false, false, 'ScheduleAnyway'],
    ['frontend', 'prod', 3, true, true, 'DoNotSchedule'],
  ] as const)('%s/%s: replicas %d, HPA %s, PDB %s, zone %s', (app, env, replicas, hpa, pdb, zone) => {
    const v = values(app, env);
    expect(v.replicas).toBe(replicas);
    expect(v.autoscaling.enabled).toBe(hpa);
    expect(v.autoscaling.minReplicas).toBe(replicas);
    expect(v.pdb.enabled).toBe(pdb);
    expect(v.topologySpread.zoneWhenUnsatisfiable).toBe(zone);
  });

  test('the per-app profile is included unchanged (port, probes, UID)', () => {
    const v = values('api', 'prod');
    expect(v.containerPort).toBe(profiles.api.containerPort);
    expect(v.probes).toEqual(profiles.api.probes);
    expect(v.podSecurity).toEqual(profiles.api.podSecurity);
  });

  test('api and agent: their own workload identity, Entra for PostgreSQL (verify-full) and Redis, no Key Vault secret; no secrets anywhere', () => {
    for (const app of ['api', 'agent'] as const) {
      const v = values(app, 'prod');
      const facts = fixtureFacts(app, 'prod');
      expect(v.workloadIdentity).toEqual({ enabled: true, clientId: FIXTURE_IDENTITIES[app].clientId, tenantId: facts.tenantId });
      expect(v.keyVault).toEqual({ enabled: false, name: '', tenantId: '', objects: [] });
      expect(v.postgres).toEqual({
        enabled: true,
        host: facts.postgres.host,
        port: 5432,
        database: 'jobs',
        user: `id-aksplat-prod-weu-${app}`,
        sslMode: 'verify-full',
        auth: 'entra',
        sslRootCert: AZURE_POSTGRES_ROOTS_PATH,
      });
      expect(v.redis).toEqual({ enabled: true, host: facts.redis.host, port: 10000, tls: true, auth: 'entra', username: FIXTURE_IDENTITIES[app].objectId });
      expect(JSON.stringify(v)).not.toMatch(/password"\s*:/i);
      expect(v.networkPolicy.egressTo).toEqual([
        { cidr: '10.20.3.0/24', ports: [5432, 10000] },
        { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES], ports: [443] },
      ]);
    }
  });

  test('password mode (local-style facts) still mounts the two secret files', () => {
    const v = appValues({ app: 'agent', environment: 'prod', sizing: resolveAppSizing('agent', 'prod'), profiles, facts: passwordFacts('agent', 'prod') }) as Any;
    expect(v.keyVault.objects).toEqual([
      { name: 'postgres-password', fileEnv: 'PGPASSWORD_FILE' },
      { name: 'redis-password', fileEnv: 'REDIS_PASSWORD_FILE' },
    ]);
    expect(v.postgres.auth).toBe('password');
  });

  test('api: the migration Job with the owner identity and the login roles as name=<object id>; nobody else gets one', () => {
    expect(values('api', 'prod').migrations).toEqual({
      enabled: true,
      user: 'id-aksplat-prod-weu-migrate',
      pgAuth: 'entra',
      createLogins: 'entra',
      workloadIdentity: { clientId: FIXTURE_IDENTITIES.migrate.clientId },
      apiLoginRoles: [`id-aksplat-prod-weu-api=${FIXTURE_IDENTITIES.api.objectId}`],
      agentLoginRoles: [`id-aksplat-prod-weu-agent=${FIXTURE_IDENTITIES.agent.objectId}`],
    });
    expect(values('agent', 'prod').migrations).toEqual({ enabled: false });
    const f = { ...fixtureFacts('agent', 'prod'), migrations: fixtureFacts('api', 'prod').migrations };
    expect(platformFactsProblems('agent', f)).toContain('migrations: only the api release runs the schema migrations (its image holds dist/migrate.js)');
  });

  test('agent: KEDA on queue lag between replicas and maxReplicas (apps.agent.queueLagPerReplica), only when it may scale', () => {
    const keda = (sizing: object, env: 'dev' | 'prod' = 'prod') =>
      (appValues({ app: 'agent', environment: env, sizing: resolveAppSizing('agent', env, sizing), profiles, facts: fixtureFacts('agent', env) }) as Any).keda;
    expect(keda({ queueLagPerReplica: 50 })).toEqual({
      enabled: true,
      minReplicas: 3,
      maxReplicas: 12,
      pollingIntervalSeconds: 30,
      targetCPUUtilizationPercentage: 70,
      prometheus: {
        serverAddress: 'https://amw-aksplat-prod-weu-abcd.westeurope.prometheus.monitor.azure.com',
        query: 'max(jobs_queue_lag{cluster="aks-aksplat-prod-weu",namespace="api"}) or vector(0)',
        threshold: '50',
        identityClientId: FIXTURE_IDENTITIES.keda.clientId,
      },
    });
    expect(keda({}, 'dev')).toEqual({ enabled: false }); // one replica, nothing to scale
    expect(keda({ replicas: 1, maxReplicas: 3 }, 'dev')).toMatchObject({ enabled: true, minReplicas: 1, maxReplicas: 3, prometheus: { threshold: '20' } });
    expect(() => resolveAppSizing('api', 'prod', { queueLagPerReplica: 5 })).toThrow('apps.api.queueLagPerReplica: only the agent scales on queue lag');
    expect(() => resolveAppSizing('agent', 'prod', { queueLagPerReplica: 0 })).toThrow('apps.agent.queueLagPerReplica');
  });

  test('agent concurrency and api CORS origin come from config and the public origin', () => {
    expect(values('agent', 'prod').env.AGENT_CONCURRENCY).toBe('4');
    expect(values('api', 'prod').env.CORS_ORIGIN).toBe('https://jobs.contoso.com');
    expect(values('api', 'dev').env.CORS_ORIGIN).toBe('https://fde-aksplat-dev-1a2b3c-abcdefgh.z01.azurefd.net');
    const noEdge = { ...fixtureFacts('api', 'dev'), publicOrigin: undefined };
    expect((appValues({ app: 'api', environment: 'dev', sizing: resolveAppSizing('api', 'dev'), profiles, facts: noEdge }) as Any).env.CORS_ORIGIN).toBeUndefined();
  });

  test('frontend: API_UPSTREAM and egress follow the api namespace and ports', () => {
    const f = { ...fixtureFacts('frontend', 'dev'), namespaces: { api: 'jobs-api', agent: 'jobs-agent', frontend: 'jobs-web' } };
    const v = appValues({ app: 'frontend', environment: 'dev', sizing: resolveAppSizing('frontend', 'dev'), profiles, facts: f }) as Any;
    expect(v.env.API_UPSTREAM).toBe(`http://api.jobs-api.svc.cluster.local:${profiles.api.service.port}`);
    expect(v.networkPolicy.egressTo).toEqual([{ namespace: 'jobs-api', podLabels: { 'app.kubernetes.io/name': 'api' }, ports: [profiles.api.containerPort] }]);
    expect(v.workloadIdentity.enabled).toBe(false);
    expect(v.keyVault.enabled).toBe(false);
  });

  test('route: HTTPRoute on the platform Gateway, per-app paths, the api body limit; the agent never gets one', () => {
    const gateway = { name: 'platform', namespace: 'gateway', sectionName: 'web' };
    expect(values('api', 'prod').route).toEqual({
      enabled: true,
      gateway,
      hostnames: [],
      rules: [{ pathPrefix: '/api', limitBody: true }, { pathPrefix: '/socket.io' }],
      maxRequestBodyBytes: 65536,
      filters: 'traefik',
    });
    expect(values('frontend', 'dev').route).toEqual({ enabled: true, gateway, hostnames: [], rules: [{ pathPrefix: '/' }], maxRequestBodyBytes: 0, filters: 'traefik' });
    expect(values('agent', 'prod').route).toEqual({ enabled: false });
    expect(values('api', 'prod').networkPolicy.ingressFrom[0]).toEqual({ namespace: 'gateway', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
    expect(values('frontend', 'prod').networkPolicy.ingressFrom).toEqual([{ namespace: 'gateway', podLabels: { 'app.kubernetes.io/name': 'traefik' } }]);
    expect(values('agent', 'prod').networkPolicy.ingressFrom).toEqual([]);
    const noEdge = { ...fixtureFacts('frontend', 'dev'), gateway: undefined };
    const v = appValues({ app: 'frontend', environment: 'dev', sizing: resolveAppSizing('frontend', 'dev'), profiles, facts: noEdge }) as Any;
    expect(v.route).toEqual({ enabled: false });
    expect(v.networkPolicy.ingressFrom).toEqual([]);
  });

  test.each([
    ['api', 'prod', 10, 3, 1],
    ['api', 'prod', 50, 3, 2],
    ['frontend', 'dev', 100, 1, 1],
    ['frontend', 'dev', 0, 1, 1],
  ] as const)('canary %s/%s at %d%%: %d stable replicas, %d canary replicas', (app, env, weight, stable, canaryReplicas) => {
    const facts = { ...fixtureFacts(app, env), canary: { imageRef: fixtureFacts(app, env).imageRef.replace(/.{8}$/, 'cafecafe'), weight } };
    const v = appValues({ app, environment: env, sizing: resolveAppSizing(app, env), profiles, facts }) as Any;
    expect(v.replicas).toBe(stable);
    expect(v.canary).toEqual({ enabled: true, imageRef: facts.canary.imageRef, weight, replicas: canaryReplicas });
  });

  test('no canary: the canary block is off', () => {
    expect(values('api', 'prod').canary).toEqual({ enabled: false });
  });
});

describe('wiring helpers for the stack config (config/schema.ts apps section)', () => {
  test.each([
    ['prod', 'prod'],
    ['prd', 'prod'],
    ['production', 'prod'],
    ['dev', 'dev'],
    ['test', 'dev'],
    ['staging', 'dev'],
  ] as const)('appEnvironmentFor(%s) = %s', (env, preset) => {
    expect(appEnvironmentFor(env)).toBe(preset);
  });

  test('nodePool becomes a nodeSelector on the AKS agent pool label (always Linux)', () => {
    const v = appValues({ app: 'api', environment: 'prod', sizing: resolveAppSizing('api', 'prod', { nodePool: 'cpuopt' }), profiles, facts: fixtureFacts('api', 'prod') }) as Any;
    expect(v.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.azure.com/agentpool': 'cpuopt' });
    const d = appValues({ app: 'api', environment: 'dev', sizing: resolveAppSizing('api', 'dev'), profiles, facts: fixtureFacts('api', 'dev') }) as Any;
    expect(d.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(() => resolveAppSizing('api', 'dev', { nodePool: 'Bad_Pool' })).toThrow(/apps\.api\.nodePool/);
  });

  test.each(['dev', 'prod'])('the apps section of Pulumi.%s.yaml resolves to valid sizing for every app', (stack) => {
    const file = path.join(__dirname, '..', `Pulumi.${stack}.yaml`);
    const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { config: Record<string, Any> };
    const apps = doc.config['aks-platform:apps'];
    const environment = appEnvironmentFor(doc.config['aks-platform:environment']);
    for (const app of ['api', 'agent', 'frontend'] as const) {
      const { canary: _canary, ...sizing } = apps[app] ?? {};
      expect(() => resolveAppSizing(app, environment, sizing)).not.toThrow();
    }
  });
});
