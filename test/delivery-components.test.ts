/**
 * AppImage and HelmApp under the offline engine (offline/mocks.ts): the image is
 * pushed to the registry with an exchanged token (a secret), its digest reaches
 * the Helm values, and the release is atomic, in its own namespace, on the
 * cluster's provider.
 */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { MOCK_ACR_REFRESH_TOKEN, MOCK_ENTRA_ACCESS_TOKEN, MOCK_SECRET_MARKER, OfflineRecorder, installMocks, isSecretValue, resolveOutput, settle, unwrapSecrets } from '../offline/mocks';
import type { AcrExchangeRequest } from '../lib/acr-token';
import { platformGateway } from '../lib/app-values';
import { FIXTURE_AUTH } from '../scripts/chart-fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

let recorder: OfflineRecorder;
let components: typeof import('../components/app-image') & typeof import('../components/helm-app');
let k8s: typeof import('@pulumi/kubernetes/provider');
// Submodules, not the package roots: their typings are thousands of files that tsc would parse for nothing.
let azure: { containerregistry: typeof import('@pulumi/azure-native/containerregistry'); managedidentity: typeof import('@pulumi/azure-native/managedidentity') };

beforeAll(async () => {
  recorder = installMocks({ stack: 'prod' });
  azure = { containerregistry: await import('@pulumi/azure-native/containerregistry'), managedidentity: await import('@pulumi/azure-native/managedidentity') };
  k8s = await import('@pulumi/kubernetes/provider');
  components = { ...(await import('../components/app-image')), ...(await import('../components/helm-app')) };
});

const exchanges: AcrExchangeRequest[] = [];
const fakeExchange = async (req: AcrExchangeRequest) => {
  exchanges.push(req);
  return MOCK_ACR_REFRESH_TOKEN;
};

describe('AppImage + HelmApp wiring', () => {
  let image: InstanceType<typeof components.AppImage>;
  let api: InstanceType<typeof components.HelmApp>;
  let frontend: InstanceType<typeof components.HelmApp>;

  beforeAll(async () => {
    const registry = new azure.containerregistry.Registry('acr', {
      resourceGroupName: 'rg-aksplat-prod-weu',
      registryName: 'craksplatprodweu1a2b3c',
      sku: { name: 'Premium' },
      adminUserEnabled: false,
    });
    const provider = new k8s.Provider('aks', { kubeconfig: 'apiVersion: v1\nkind: Config\n', clusterIdentifier: 'aks-aksplat-prod-weu' });
    image = new components.AppImage('api', { app: 'api', registryLoginServer: registry.loginServer, tag: '0123456789ab', sourceDateEpoch: 1763772000, tokenExchange: fakeExchange });
    const frontendImage = new components.AppImage('frontend', { app: 'frontend', registryLoginServer: registry.loginServer, tag: '0123456789ab', tokenExchange: fakeExchange });
    const identity = new azure.managedidentity.UserAssignedIdentity('apps-id', { resourceGroupName: 'rg-aksplat-prod-weu', resourceName: 'id-aksplat-prod-weu-apps' });
    api = new components.HelmApp('api', {
      app: 'api',
      environment: 'prod',
      provider,
      imageRef: image.imageRef,
      tenantId: identity.tenantId,
      identityClientId: identity.clientId,
      keyVaultName: 'kv-aksplat-prod-1a2b3c',
      postgres: { host: 'psql-aksplat-prod-weu-1a2b3c.postgres.database.azure.com', database: 'jobs', user: 'jobs_app' },
      redis: { host: 'redis-aksplat-prod-weu-1a2b3c.westeurope.redis.azure.net', port: 10000 },
      dataSubnetCidr: '10.20.3.0/24',
      gateway: platformGateway(),
      publicOrigin: 'https://jobs.contoso.com',
      auth: FIXTURE_AUTH,
    });
    frontend = new components.HelmApp('frontend', { app: 'frontend', environment: 'dev', provider, imageRef: frontendImage.imageRef, timeoutSeconds: 300, auth: FIXTURE_AUTH });
    await resolveOutput(api.status);
    await resolveOutput(frontend.status);
    await settle();
  });

  const imageRes = () => recorder.one('docker-build:index:Image', 'api-image');
  const apiRelease = () => recorder.one('kubernetes:helm.sh/v3:Release', 'api-release');

  test('the image builds apps/api/Dockerfile from the repository root for linux/amd64 and pushes a commit tag to ACR', () => {
    const inputs = unwrapSecrets(imageRes().inputs) as Any;
    expect(inputs.platforms).toEqual(['linux/amd64']);
    expect(inputs.push).toBe(true);
    expect(inputs.context.location).toBe(path.resolve(__dirname, '..'));
    expect(inputs.dockerfile.location).toBe(`${inputs.context.location}/apps/api/Dockerfile`);
    expect(inputs.tags).toEqual(['craksplatprodweu1a2b3c.azurecr.io/aks-platform/api:0123456789ab']);
    expect(inputs.buildArgs).toEqual({ SOURCE_DATE_EPOCH: '1763772000' });
    expect(inputs.cacheFrom).toEqual([{ registry: { ref: 'craksplatprodweu1a2b3c.azurecr.io/aks-platform/api:buildcache' } }]);
    expect(inputs.cacheTo[0].registry).toMatchObject({ mode: 'max', imageManifest: true, ociMediaTypes: true });
  });

  test('registry auth: the Entra token exchanged for an ACR refresh token, username 0000..., password kept secret', () => {
    const registries = imageRes().inputs.registries;
    expect(isSecretValue(registries)).toBe(true);
    const [reg] = unwrapSecrets(registries) as Any[];
    expect(reg).toEqual({ address: 'craksplatprodweu1a2b3c.azurecr.io', username: '00000000-0000-0000-0000-000000000000', password: MOCK_ACR_REFRESH_TOKEN });
    expect(recorder.calls.map((c) => c.token)).toContain('azure-native:authorization:getClientToken');
    expect(exchanges).toContainEqual({ loginServer: 'craksplatprodweu1a2b3c.azurecr.io', accessToken: MOCK_ENTRA_ACCESS_TOKEN, tenantId: undefined });
  });

  test('the image depends on the registry, not on the cluster', () => {
    const acr = recorder.one('azure-native:containerregistry:Registry');
    const deps = imageRes().dependencies;
    expect(deps).toContain(acr.urn);
    const clusterish = recorder.resources.filter((r) => r.type.startsWith('kubernetes:') || r.type === 'pulumi:providers:kubernetes').map((r) => r.urn);
    for (const urn of clusterish) expect(deps).not.toContain(urn);
    expect(imageRes().provider).not.toMatch(/kubernetes/);
  });

  test('imageRef is digest-pinned and reaches the Helm values', async () => {
    const ref = (await resolveOutput(image.imageRef)).value;
    const digest = (imageRes().state as Any).digest as string;
    expect(ref).toBe(`craksplatprodweu1a2b3c.azurecr.io/aks-platform/api@${digest}`);
    expect(ref).toMatch(/@sha256:[a-f0-9]{64}$/);
    const values = unwrapSecrets(apiRelease().inputs.values) as Any;
    expect(values.image.ref).toBe(ref);
    expect(apiRelease().dependencies).toContain(imageRes().urn);
  });

  test('the release is atomic, cleans up on failure, has a timeout, and runs on the cluster provider in its own namespace', () => {
    const r = apiRelease();
    const inputs = unwrapSecrets(r.inputs) as Any;
    expect(inputs).toMatchObject({ name: 'api', namespace: 'api', atomic: true, cleanupOnFail: true, timeout: 600, createNamespace: false });
    expect(inputs.chart).toMatch(/apps\/chart$/);
    expect(r.provider).toMatch(/pulumi:providers:kubernetes::aks::/);
    const ns = recorder.one('kubernetes:core/v1:Namespace', 'api-ns');
    expect((ns.inputs as Any).metadata.name).toBe('api');
    expect((ns.inputs as Any).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.provider).toBe(r.provider);
    expect(r.dependencies).toContain(ns.urn);
    expect(unwrapSecrets(recorder.one('kubernetes:helm.sh/v3:Release', 'frontend-release').inputs)).toMatchObject({ timeout: 300, atomic: true });
  });

  test('the values carry the identity, Key Vault and data-service facts, never a password', () => {
    const values = unwrapSecrets(apiRelease().inputs.values) as Any;
    const identity = recorder.one('azure-native:managedidentity:UserAssignedIdentity');
    expect(values.workloadIdentity.clientId).toBe((identity.state as Any).clientId);
    expect(values.keyVault.name).toBe('kv-aksplat-prod-1a2b3c');
    expect(values.replicas).toBe(3);
    expect(values.autoscaling.enabled).toBe(true);
    expect(JSON.stringify(values)).not.toContain(MOCK_SECRET_MARKER);
    expect(apiRelease().dependencies).toContain(identity.urn);
  });

  test('components are parents of their children with derived names', () => {
    const comp = recorder.one('aks-platform:index:HelmApp', 'api');
    expect(apiRelease().parent).toBe(comp.urn);
    expect(recorder.one('aks-platform:index:AppImage', 'api').urn).toBe(imageRes().parent);
  });

  test('outputs: service URL, status and revision', async () => {
    expect((await resolveOutput(api.serviceUrl)).value).toBe('http://api.api.svc.cluster.local:5000');
    expect((await resolveOutput(frontend.serviceUrl)).value).toBe('http://frontend.frontend.svc.cluster.local:80');
    expect((await resolveOutput(api.status)).value).toBe('deployed');
    expect((await resolveOutput(api.revision)).value).toBe(1);
  });
});

describe('argument errors are ResourceErrors naming the field', () => {
  test.each([
    ['an unknown app', () => new components.HelmApp('x', { app: 'web' as Any, environment: 'dev', provider: undefined as Any, imageRef: 'x' }), /HelmApp "x" has invalid arguments:\n  - args\.app: "web" is not one of api, agent, frontend/],
    ['an unknown environment', () => new components.HelmApp('y', { app: 'api', environment: 'qa' as Any, provider: undefined as Any, imageRef: 'x' }), /args\.environment: "qa" is not one of dev, prod/],
    ['prod with 1 replica', () => new components.HelmApp('z', { app: 'api', environment: 'prod', sizing: { replicas: 1 }, provider: undefined as Any, imageRef: 'x' }), /apps\.api\.replicas: prod needs at least 3/],
    ['a tiny timeout', () => new components.HelmApp('t', { app: 'api', environment: 'dev', timeoutSeconds: 5, provider: undefined as Any, imageRef: 'x' }), /args\.timeoutSeconds: 5 must be an integer between 60 and 3600/],
    ['an unknown image app, a bad login server and latest, all at once', () => new components.AppImage('w', { app: 'web' as Any, registryLoginServer: 'docker.io', tag: 'latest' }), /AppImage "w" has invalid arguments:\n  - args\.app: "web".*\n  - args\.registryLoginServer: .*\n  - args\.tag: "latest" is not allowed/],
  ])('%s', (_label, make, message) => {
    let err: unknown;
    try {
      make();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(pulumi.ResourceError);
    expect((err as Error).message).toMatch(message);
  });
});
