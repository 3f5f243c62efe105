/**
 * The secret inventory of the Pulumi state (lib/state-secrets.ts): every
 * secret input and output the real dev and prod programs register, and their
 * secret stack outputs, sit in a place the table lists. As CI runs them (the
 * scanned images' digests as `apps.imageDigests`, .github/workflows/deploy.yml)
 * they hold no token at all: no credential kind, no JWT-shaped value anywhere
 * (secret or not, inputs, outputs, the dynamic provider's serialized code),
 * and the program asks Entra for no token. Built locally (no digests), the one
 * token is the image build's ACR refresh token, whose lifetime the program
 * checks. Plus: no credential is stored in clear.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { isSecretValue, mockJwt, MOCK_ACR_REFRESH_TOKEN, MOCK_ENTRA_ACCESS_TOKEN, MOCK_SECRET_MARKER, unwrapSecrets, RecordedResource } from '../offline/recorded';
import { CI_IMAGE_DIGESTS } from '../offline/stack-variants';
import { credentialKinds, kubeconfigCredentialProblems, longLivedKinds, STATE_SECRET_KINDS, StateSecretKind, StateSecretKindKey, stateSecretKindAt } from '../lib/state-secrets';
import { MAX_STATE_TOKEN_SECONDS, findJwts, jwtTimes, stateTokenProblem } from '../lib/token-lifetime';
import { GRAFANA_PROVIDER_AUTH } from '../lib/monitoring';
import { buildKubeconfig } from '../lib/aks';
import { TEST_CLOCK } from './support/clock';
import { testSshKey } from './support/ssh-keys';

/** One secret value in the state: where it sits, and the value (secret wrappers removed). */
interface FoundSecret {
  type: string;
  name: string;
  property: string;
  secretName?: string;
  value: unknown;
}

const containsSecret = (value: unknown): boolean =>
  isSecretValue(value) || (Array.isArray(value) ? value.some(containsSecret) : typeof value === 'object' && value !== null && Object.values(value).some(containsSecret));

/**
 * What Pulumi keeps encrypted for a resource: each top-level input holding a secret, each output
 * that is a secret, listed in additionalSecretOutputs, or has the name of a secret input (the
 * engine carries an input's secretness to the output of the same name).
 */
function secretsOf(resource: RecordedResource): FoundSecret[] {
  const inputs = resource.inputs as Record<string, unknown>;
  const state = resource.state as Record<string, unknown>;
  const secretInputs = Object.keys(inputs).filter((k) => containsSecret(inputs[k]));
  const secretOutputs = Object.keys(state).filter(
    (k) => state[k] !== undefined && (containsSecret(state[k]) || resource.additionalSecretOutputs.includes(k) || secretInputs.includes(k)),
  );
  const secretName = resource.type === 'azure-native:keyvault:Secret' ? String(unwrapSecrets(inputs.secretName)) : undefined;
  return [...new Set([...secretInputs, ...secretOutputs])].map((property) => ({
    type: resource.type,
    name: resource.name,
    property,
    secretName,
    value: unwrapSecrets(property in inputs ? inputs[property] : state[property]),
  }));
}

function inventory(run: StackRun): FoundSecret[] {
  const found = run.recorder.resources.flatMap(secretsOf);
  for (const [key, output] of Object.entries(run.outputs)) {
    if (output.secret) found.push({ type: 'pulumi:pulumi:Stack', name: run.stack, property: key, value: unwrapSecrets(output.value) });
  }
  return found;
}

/** `kind type.property` lines, sorted and unique: the inventory as the closing note lists it. */
function summary(found: FoundSecret[]): string[] {
  return [...new Set(found.map((f) => `${stateSecretKindAt(f) ?? 'NOT ALLOWED'} ${f.type}.${f.property}${f.secretName ? `[${f.secretName}]` : ''}`))].sort();
}

/** Strings holding a mock secret that sit outside every secret property: stored in clear. */
function plaintextSecrets(run: StackRun): string[] {
  const leaks: string[] = [];
  for (const r of run.recorder.resources) {
    const secret = new Set(secretsOf(r).map((s) => s.property));
    for (const [where, bag] of [['in', r.inputs], ['out', r.state]] as const) {
      for (const [key, value] of Object.entries(bag as Record<string, unknown>)) {
        if (!secret.has(key) && JSON.stringify(unwrapSecrets(value) ?? null).includes(MOCK_SECRET_MARKER)) leaks.push(`${r.type} ${r.name} ${where}.${key}`);
      }
    }
  }
  for (const [key, output] of Object.entries(run.outputs)) {
    if (!output.secret && JSON.stringify(output.value ?? null).includes(MOCK_SECRET_MARKER)) leaks.push(`stack output ${key}`);
  }
  return leaks;
}

/** Where a JWT-shaped value sits anywhere in the recorded state (inputs, outputs, stack outputs; secret or not). */
function jwtPlaces(run: StackRun): string[] {
  const places: string[] = [];
  for (const r of run.recorder.resources) {
    for (const [where, bag] of [['in', r.inputs], ['out', r.state]] as const) {
      for (const [key, value] of Object.entries(bag as Record<string, unknown>)) {
        if (findJwts(JSON.stringify(unwrapSecrets(value) ?? null)).length > 0) places.push(`${r.type} ${r.name} ${where}.${key}`);
      }
    }
  }
  for (const [key, output] of Object.entries(run.outputs)) {
    if (findJwts(JSON.stringify(unwrapSecrets(output.value) ?? null)).length > 0) places.push(`stack output ${key}`);
  }
  return places;
}

/** The inventory of an Azure stack with monitoring and the edge as CI deploys it: the same for dev and prod, no credential. */
const EXPECTED_CI = [
  'execPluginKubeconfig pulumi:providers:kubernetes.kubeconfig',
  'execPluginKubeconfig pulumi:pulumi:Stack.kubeconfig',
  'grafanaProviderAuth pulumi:providers:grafana.auth',
  // No long-lived credential: PostgreSQL and Redis are Entra-only (#14). No token: the Private Link
  // approval and the Grafana provider take their credentials from the environment of `pulumi up`.
];

/** A local `pulumi up` that builds the images adds the build's registry password, a short-lived ACR refresh token. */
const EXPECTED_LOCAL_BUILD = [...EXPECTED_CI, 'acrRefreshToken docker-build:index:Image.registries'].sort();

describe.each(['dev', 'prod'])('the state of %s as CI deploys it (prebuilt image digests) holds no token', (stack) => {
  let run: StackRun;
  let found: FoundSecret[];
  beforeAll(async () => {
    run = await runStack(stack, { clock: TEST_CLOCK, overrides: CI_IMAGE_DIGESTS });
    found = inventory(run);
  }, 120_000);

  it('lists every secret by kind and place: no credential kind; any other place fails', () => {
    expect(summary(found)).toEqual(EXPECTED_CI);
    expect(found.filter((f) => credentialKinds().includes(stateSecretKindAt(f)!))).toEqual([]);
  });

  it('holds no JWT-shaped value anywhere: no input, output or stack output, secret or not', () => {
    expect(jwtPlaces(run)).toEqual([]);
  });

  it('asks Entra for no token and builds no image', () => {
    expect(run.recorder.calls.map((c) => c.token)).not.toContain('azure-native:authorization:getClientToken');
    expect(run.recorder.ofType('docker-build:index:Image')).toEqual([]);
  });

  it("gives the Grafana provider no credential: its auth is the literal 'anonymous'", () => {
    const providers = found.filter((f) => stateSecretKindAt(f) === 'grafanaProviderAuth');
    expect(providers.map((p) => p.value)).toEqual([GRAFANA_PROVIDER_AUTH.auth]);
    const inputs = unwrapSecrets(run.recorder.one('pulumi:providers:grafana').inputs) as Record<string, unknown>;
    expect(Object.keys(inputs).filter((k) => inputs[k] !== undefined).sort()).toEqual(['auth', 'url']);
  });

  it('gives the Private Link approval no credential: only the service, the message and its own code', () => {
    const approval = run.recorder.one('pulumi-nodejs:dynamic/aks-platform:PrivateLinkApproval');
    for (const bag of [approval.inputs, approval.state] as Record<string, unknown>[]) {
      expect(Object.keys(bag).filter((k) => bag[k] !== undefined).sort()).toEqual(expect.arrayContaining(['__provider', 'privateLinkServiceId', 'requestMessage']));
      expect(Object.keys(bag).filter((k) => bag[k] !== undefined && !['__provider', 'privateLinkServiceId', 'requestMessage', 'connectionName'].includes(k))).toEqual([]);
    }
  });

  it('holds kubeconfigs that carry no credential (exec plugin only)', () => {
    const kubeconfigs = found.filter((f) => stateSecretKindAt(f) === 'execPluginKubeconfig');
    expect(kubeconfigs).toHaveLength(2);
    for (const k of kubeconfigs) expect({ at: `${k.type}.${k.property}`, problems: kubeconfigCredentialProblems(String(k.value)) }).toEqual({ at: `${k.type}.${k.property}`, problems: [] });
  });

  it('stores no credential in clear', () => {
    expect(plaintextSecrets(run)).toEqual([]);
  });
});

describe.each(['dev', 'prod'])('the state of %s built locally (no digests): the image build\'s ACR refresh token is the one token', (stack) => {
  let run: StackRun;
  let found: FoundSecret[];
  beforeAll(async () => {
    run = await runStack(stack, { clock: TEST_CLOCK });
    found = inventory(run);
  }, 120_000);

  it('lists every secret by kind and place; any other place fails', () => {
    expect(summary(found)).toEqual(EXPECTED_LOCAL_BUILD);
  });

  it('holds JWTs only as the registry password of the three image builds, each checked to live at most 3 h', () => {
    const images = run.recorder.ofType('docker-build:index:Image').map((r) => r.name);
    expect(images).toHaveLength(3);
    expect(jwtPlaces(run).sort()).toEqual(images.flatMap((n) => [`docker-build:index:Image ${n} in.registries`, `docker-build:index:Image ${n} out.registries`]).sort());
    for (const registries of found.filter((f) => stateSecretKindAt(f) === 'acrRefreshToken').map((f) => f.value)) {
      expect((registries as Array<{ password: string }>).map((r) => r.password)).toEqual([MOCK_ACR_REFRESH_TOKEN]);
    }
    expect(stateTokenProblem(MOCK_ACR_REFRESH_TOKEN, 'token')).toBeUndefined();
  });

  it('stores no credential in clear', () => {
    expect(plaintextSecrets(run)).toEqual([]);
  });
});

describe('the operations runner adds no secret to the state', () => {
  it('prod with the runner: the same kinds, no admin password, no GitHub token', async () => {
    // The overrides of test/deploy-phases.test.ts: a worker that ran that file shares this run.
    const run = await runStack('prod', {
      clock: TEST_CLOCK,
      overrides: {
        'aks-platform:phase': 'infrastructure',
        'aks-platform:operationsRunner': { enabled: true, githubRepository: 'contoso/aks-platform', adminSshPublicKey: testSshKey('ed25519') },
      },
    });
    const lines = summary(inventory(run));
    expect(lines.filter((l) => l.startsWith('NOT ALLOWED'))).toEqual([]);
    expect(lines.every((l) => EXPECTED_LOCAL_BUILD.includes(l))).toBe(true);
    const runnerChildren = run.recorder.resources.filter((r) => r.name.includes('-runner'));
    expect(runnerChildren.length).toBeGreaterThan(0);
    expect(runnerChildren.flatMap(secretsOf)).toEqual([]);
    expect(plaintextSecrets(run)).toEqual([]);
  }, 120_000);
});

describe('the table (lib/state-secrets.ts)', () => {
  it('lists no long-lived credential any more: #14 removed the PostgreSQL password and the Redis key', () => {
    expect(longLivedKinds()).toEqual([]);
  });

  it('lists one credential kind, the local image build\'s, and gives it a lifetime of at most 3 h with its source', () => {
    expect(credentialKinds()).toEqual(['acrRefreshToken']);
    const kinds: Record<StateSecretKindKey, StateSecretKind> = STATE_SECRET_KINDS;
    for (const key of credentialKinds()) {
      const kind = kinds[key];
      expect(kind.localBuildOnly).toBe(true);
      if (kind.allowed.class !== 'short-lived') throw new Error(`${key} is not short-lived`);
      expect(kind.allowed.maxLifetimeSeconds).toBeLessThanOrEqual(3 * 3600);
      expect(kind.allowed.lifetime).toMatch(/https:\/\/learn\.microsoft\.com\//);
    }
  });

  it('allows no place twice', () => {
    const places = Object.values(STATE_SECRET_KINDS).flatMap((k) => k.places.map((p) => JSON.stringify(p)));
    expect(new Set(places).size).toBe(places.length);
  });
});

describe('kubeconfigCredentialProblems', () => {
  const raw = (user: string) => `apiVersion: v1
kind: Config
clusters:
  - name: aks
    cluster:
      server: https://aks.privatelink.westeurope.azmk8s.io:443
      certificate-authority-data: LS0tLS1CRUdJTg==
contexts:
  - name: aks
    context: { cluster: aks, user: clusterUser }
current-context: aks
users:
  - name: clusterUser
    user:
${user}`;

  it.each([
    ['a bearer token', '      token: eyJhbGciOi', ['kubeconfig.users[0].user.token: holds a credential', 'kubeconfig.users[0] (clusterUser): may only run an exec plugin, has token']],
    ['a client key and certificate', '      client-certificate-data: LS0t\n      client-key-data: LS0t', ['kubeconfig.users[0].user.client-certificate-data: holds a credential', 'kubeconfig.users[0].user.client-key-data: holds a credential']],
    ['kubelogin with a client secret', '      exec: { command: kubelogin, args: [get-token, --login, spn, --client-secret, s3cr3t] }', ['kubeconfig.users[0] (clusterUser): --client-secret passes a secret']],
    ['kubelogin with an environment', '      exec: { command: kubelogin, args: [get-token, --login, spn], env: [{ name: AAD_SERVICE_PRINCIPAL_CLIENT_SECRET, value: s3cr3t }] }', ['kubeconfig.users[0] (clusterUser): exec env is set (it could carry a secret)']],
    ['another exec plugin', '      exec: { command: /bin/sh, args: [-c, echo token] }', ['kubeconfig.users[0] (clusterUser): exec command "/bin/sh" is not kubelogin']],
  ])('finds %s', (_label, user, problems) => {
    expect(kubeconfigCredentialProblems(raw(user))).toEqual(expect.arrayContaining(problems));
  });

  it('accepts what buildKubeconfig makes, even from a kubeconfig that had a token and a client key', () => {
    const built = buildKubeconfig(raw('      token: eyJhbGciOi\n      client-key-data: LS0t'), { loginMode: 'workloadidentity', tenantId: '00000000-0000-4000-8000-000000000002', clientId: '00000000-0000-4000-8000-000000000004' });
    expect(kubeconfigCredentialProblems(built)).toEqual([]);
  });
});

describe('token lifetime (lib/token-lifetime.ts)', () => {
  it.each([
    ['75 minutes', 75 * 60, undefined],
    ['exactly 3 hours', MAX_STATE_TOKEN_SECONDS, undefined],
    ['3 hours and 1 second', MAX_STATE_TOKEN_SECONDS + 1, 'valid for 3.0 h, more than the 3 h'],
    ['24 hours (a managed identity)', 24 * 3600, 'valid for 24.0 h, more than the 3 h'],
    ['28 hours (CAE)', 28 * 3600, 'valid for 28.0 h'],
  ])('a JWT valid for %s', (_label, seconds, problem) => {
    const result = stateTokenProblem(mockJwt('t', seconds), 'the token');
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(problem);
  });

  it.each([
    ['an opaque string', 'ghp_0123456789', 'not a JWT with iat and exp'],
    ['a JWT without exp', `h.${Buffer.from(JSON.stringify({ iat: 1 })).toString('base64url')}.s`, 'not a JWT with iat and exp'],
    ['a JWT that expires before it is issued', `h.${Buffer.from(JSON.stringify({ iat: 10, exp: 5 })).toString('base64url')}.s`, 'expires (5) before it is issued (10)'],
  ])('refuses %s, without echoing it', (_label, token, problem) => {
    const result = stateTokenProblem(token, 'the token')!;
    expect(result).toContain(problem);
    expect(result).not.toContain(token);
  });

  it('finds JWT-shaped values (real and mock), and not host names, dotted paths or code', () => {
    const real = `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"aud":"x","exp":2}').toString('base64url')}.c2ln`;
    expect(findJwts(`{"a":"${real}","b":"Bearer ${MOCK_ENTRA_ACCESS_TOKEN}"}`)).toEqual([real, MOCK_ENTRA_ACCESS_TOKEN]);
    expect(findJwts('craksplatprodweu1a2b3c.azurecr.io/aks-platform/api@sha256:abc c.properties.privateLinkServiceConnectionState?.status 1.2.3')).toEqual([]);
  });

  it('reads iat and exp', () => {
    expect(jwtTimes(mockJwt('t', 60))).toEqual({ issuedAt: 1_796_083_200, expiresAt: 1_796_083_260 });
  });
});
