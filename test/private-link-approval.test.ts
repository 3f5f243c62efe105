/**
 * The Private Link approval's dynamic provider, as the engine runs it: the
 * code Pulumi serialized into the state (`__provider` of the prod program as CI
 * runs it), loaded the way the dynamic-provider host loads it (a module whose
 * `require` resolves from the program directory) and run against a fake ARM.
 * It needs nothing of the program but `@azure/identity`, takes no credential as
 * an input, asks DefaultAzureCredential for an ARM token when it runs, and
 * keeps no token in its outputs; state an older version wrote with a token is
 * rewritten without it.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { runStack } from '../offline/run-stack';
import { unwrapSecrets } from '../offline/recorded';
import { CI_IMAGE_DIGESTS } from '../offline/stack-variants';
import { TEST_CLOCK } from './support/clock';

const PLS = '/subscriptions/s/resourceGroups/mc/providers/Microsoft.Network/privateLinkServices/pls-gateway';
const MESSAGE = 'aks-platform: Front Door afd-aksplat-prod-weu to the gateway';
const ARM_TOKEN = 'arm-token-from-the-engine-environment';

interface Provider {
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs: Record<string, unknown> }>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ changes: boolean; replaces: string[] }>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs: Record<string, unknown> }>;
  delete(): Promise<void>;
}

let code: string;
const required: string[] = [];
const scopes: string[] = [];

/** Loads the serialized provider like the host does (`require-from-string`), with a `require` that records what it is asked for. */
function load(credential: { getToken(scope: string): Promise<{ token: string } | null> }): Provider {
  const fakeRequire = (name: string) => {
    required.push(name);
    if (name !== '@azure/identity') throw new Error(`the serialized provider requires ${name}`);
    return {
      DefaultAzureCredential: class {
        getToken(scope: string) {
          scopes.push(scope);
          return credential.getToken(scope);
        }
      },
    };
  };
  const module = { exports: {} as { handler?: () => Provider } };
  new Function('exports', 'require', 'module', '__filename', '__dirname', code)(module.exports, fakeRequire, module, 'provider.js', '.');
  return module.exports.handler!();
}

/** A fake ARM for one Private Link Service: lists its connections and approves one with a PUT. */
function fakeArm(connections: Array<{ name: string; status: string; description: string }>) {
  const calls: Array<{ method: string; url: string; authorization: string | null; body?: unknown }> = [];
  const fetchImpl = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    calls.push({ method: init.method ?? 'GET', url, authorization: headers.get('authorization'), body: init.body ? JSON.parse(String(init.body)) : undefined });
    if ((init.method ?? 'GET') === 'GET') {
      const value = connections.map((c) => ({ name: c.name, id: `${PLS}/privateEndpointConnections/${c.name}`, properties: { privateLinkServiceConnectionState: { status: c.status, description: c.description } } }));
      return new Response(JSON.stringify({ value }), { status: 200 });
    }
    return new Response('{}', { status: 200 });
  };
  return { calls, fetchImpl };
}

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  required.length = 0;
  scopes.length = 0;
});

beforeAll(async () => {
  // The run test/state-secrets.test.ts makes: shared, not repeated.
  const run = await runStack('prod', { clock: TEST_CLOCK, overrides: CI_IMAGE_DIGESTS });
  code = String(unwrapSecrets(run.recorder.one('pulumi-nodejs:dynamic/aks-platform:PrivateLinkApproval').inputs.__provider));
}, 120_000);

describe('the serialized Private Link approval provider', () => {
  it('is self-contained: it requires only @azure/identity, and carries no token', () => {
    expect(code).toMatch(/require\(['"]@azure\/identity['"]\)/);
    expect([...code.matchAll(/require\(['"]([^'"]+)['"]\)/g)].map((m) => m[1])).toEqual(['@azure/identity']);
    expect(code).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  it('finds @azure/identity where the host resolves it (the program directory): a runtime dependency of the package', () => {
    const root = path.resolve(__dirname, '..');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies['@azure/identity']).toBeDefined();
    expect(require.resolve('@azure/identity', { paths: [root] })).toContain(path.join(root, 'node_modules', '@azure', 'identity'));
  });

  it('approves the pending connection with the ARM token it acquires itself, and keeps no token in its outputs', async () => {
    const arm = fakeArm([
      { name: 'other', status: 'Pending', description: 'someone else' },
      { name: 'afd-conn', status: 'Pending', description: MESSAGE },
    ]);
    globalThis.fetch = arm.fetchImpl as typeof fetch;
    const provider = load({ getToken: async () => ({ token: ARM_TOKEN }) });
    const result = await provider.create({ privateLinkServiceId: PLS, requestMessage: MESSAGE });
    expect(required).toEqual(['@azure/identity']);
    expect(scopes).toEqual(['https://management.azure.com/.default']);
    expect(arm.calls.map((c) => [c.method, c.url.replace('https://management.azure.com', ''), c.authorization])).toEqual([
      ['GET', `${PLS}/privateEndpointConnections?api-version=2024-05-01`, `Bearer ${ARM_TOKEN}`],
      ['PUT', `${PLS}/privateEndpointConnections/afd-conn?api-version=2024-05-01`, `Bearer ${ARM_TOKEN}`],
    ]);
    expect(arm.calls[1].body).toEqual({ name: 'afd-conn', properties: { privateLinkServiceConnectionState: { status: 'Approved', description: MESSAGE, actionsRequired: 'None' } } });
    expect(result).toEqual({ id: `${PLS}/privateEndpointConnections/afd-conn`, outs: { privateLinkServiceId: PLS, requestMessage: MESSAGE, connectionName: 'afd-conn' } });
    expect(JSON.stringify(result)).not.toContain(ARM_TOKEN);
  });

  it('fails with a message that names where the credential comes from, without a token', async () => {
    globalThis.fetch = fakeArm([]).fetchImpl as typeof fetch;
    const provider = load({
      getToken: async () => {
        throw new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.');
      },
    });
    await expect(provider.create({ privateLinkServiceId: PLS, requestMessage: MESSAGE })).rejects.toThrow(
      /no Azure credential in the environment pulumi runs in \(CI: azure\/login and scripts\/federated-token\.sh; locally: az login\): DefaultAzureCredential failed/,
    );
  });

  it('rewrites state that an older version stored with a token, without approving again', async () => {
    const arm = fakeArm([]);
    globalThis.fetch = arm.fetchImpl as typeof fetch;
    const provider = load({ getToken: async () => ({ token: ARM_TOKEN }) });
    const olds = { privateLinkServiceId: PLS, requestMessage: MESSAGE, accessToken: 'an-old-expired-token', connectionName: 'afd-conn' };
    const news = { privateLinkServiceId: PLS, requestMessage: MESSAGE };
    expect(await provider.diff('id', olds, news)).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.update('id', olds, news)).toEqual({ outs: { privateLinkServiceId: PLS, requestMessage: MESSAGE, connectionName: 'afd-conn' } });
    expect(arm.calls).toEqual([]);
    const current = { privateLinkServiceId: PLS, requestMessage: MESSAGE, connectionName: 'afd-conn' };
    expect(await provider.diff('id', current, news)).toMatchObject({ changes: false, replaces: [] });
    expect(await provider.diff('id', current, { ...news, requestMessage: 'another' })).toMatchObject({ changes: true, replaces: ['requestMessage'] });
  });
});
