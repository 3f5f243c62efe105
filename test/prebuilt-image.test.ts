/**
 * Build once, deploy what was scanned: with the digest CI pushed (config
 * `apps.imageDigests.<app>`), AppImage builds nothing and pins exactly that
 * digest in the registry; without it (a local `pulumi up`) it builds as before.
 */
import { installMocks, MOCK_ACR_REFRESH_TOKEN, MOCK_ENTRA_ACCESS_TOKEN, OfflineRecorder, resolveOutput, settle } from '../offline/mocks';
import { appsSchema } from '../config/schema';
import { platformArgsFromConfig } from '../config/platform-args';
import { stackConfigFromPulumiConfig } from '../config/validate';
import { readStackConfig } from '../offline/stack-config';

const DIGEST = `sha256:${'c'.repeat(64)}`;
let recorder: OfflineRecorder;
let AppImage: typeof import('../components/app-image').AppImage;

beforeAll(async () => {
  recorder = installMocks({ stack: 'prod' });
  ({ AppImage } = await import('../components/app-image'));
});

describe('AppImage with a prebuilt digest', () => {
  it('builds nothing and pins the given digest in the platform registry', async () => {
    const image = new AppImage('api-ci', { app: 'api', registryLoginServer: 'craksplatprodweu1a2b3c.azurecr.io', tag: '0123456789ab', prebuiltDigest: DIGEST });
    const local = new AppImage('agent-local', { app: 'agent', registryLoginServer: 'craksplatprodweu1a2b3c.azurecr.io', tag: '0123456789ab', entraAccessToken: MOCK_ENTRA_ACCESS_TOKEN, tokenExchange: async () => MOCK_ACR_REFRESH_TOKEN });
    expect((await resolveOutput(image.imageRef)).value).toBe(`craksplatprodweu1a2b3c.azurecr.io/aks-platform/api@${DIGEST}`);
    expect((await resolveOutput(image.digest)).value).toBe(DIGEST);
    expect(image.image).toBeUndefined();
    expect(local.image).toBeDefined();
    await settle();
    expect(recorder.ofType('docker-build:index:Image').map((r) => r.name)).toEqual(['agent-local-image']);
  });

  it('refuses something that is not a digest, naming the argument', () => {
    expect(() => new AppImage('bad', { app: 'api', registryLoginServer: 'craksplatprodweu1a2b3c.azurecr.io', tag: 't1', prebuiltDigest: 'latest' }))
      .toThrow(/prebuiltDigest: "latest" is not a digest/);
  });
});

describe('config apps.imageDigests', () => {
  it('accepts digests per app and passes them to the platform', () => {
    const cfg = stackConfigFromPulumiConfig(readStackConfig('prod', { 'aks-platform:apps.imageDigests': { api: DIGEST, frontend: DIGEST } }).values);
    expect(cfg.apps.imageDigests).toEqual({ api: DIGEST, frontend: DIGEST });
    const args = platformArgsFromConfig(cfg, { uniqueSuffix: 'abc123', imageTag: '0123456789ab', contextDirectory: '/repo' });
    expect(args.apps?.prebuiltDigests).toEqual({ api: DIGEST, frontend: DIGEST });
    const local = platformArgsFromConfig(stackConfigFromPulumiConfig(readStackConfig('prod').values), { uniqueSuffix: 'abc123', imageTag: '0123456789ab', contextDirectory: '/repo' });
    expect(local.apps?.prebuiltDigests).toBeUndefined();
  });

  it('rejects a tag or an unknown app', () => {
    expect(appsSchema.safeParse({ imageDigests: { api: 'v1.2.3' } }).error?.issues[0].message).toMatch(/must be an image digest/);
    expect(appsSchema.safeParse({ imageDigests: { worker: DIGEST } }).success).toBe(false);
  });
});
