/**
 * What the Pulumi state of an Azure stack may hold as a secret, by kind.
 *
 * The state is encrypted with the stack's Key Vault key, and three identities
 * can decrypt it: the environment's deploying identity, the drift check and
 * the PR preview (which runs a pull request's code, after a maintainer's
 * approval). So the state must hold nothing a reader could use: every secret
 * value in it is one of the kinds below, and each kind is either
 *
 * - a **non-credential** that Pulumi marks secret anyway, with the check that
 *   proves it carries no credential, or
 * - a **short-lived credential of a local build only**: the ACR refresh token
 *   a `pulumi up` without CI's image digests pushes with, checked at deploy
 *   time to expire within 3 hours of its issue (lib/token-lifetime.ts). CI
 *   always passes the digests (`apps.imageDigests`), so a CI-deployed state
 *   holds no token at all: the Private Link approval and the Grafana provider
 *   take their credentials from the environment `pulumi up` runs in, not from
 *   their inputs; or
 * - a **long-lived credential still to remove**, naming the issue that removes
 *   it. The list of those must shrink to nothing (it is empty).
 *
 * test/state-secrets.test.ts walks the recorded resource graph of dev and prod
 * (every secret input and output, and the stack outputs) and fails on a secret
 * in a place this table does not list, or of a kind it does not list; for the
 * programs as CI runs them it also fails on any JWT-shaped value anywhere in
 * the state, secret or not (lib/token-lifetime.ts `findJwts`).
 */
import { parse } from 'yaml';
import { KUBELOGIN_MODES } from './aks';
import { GRAFANA_PROVIDER_AUTH } from './monitoring';
import { MAX_STATE_TOKEN_SECONDS } from './token-lifetime';

/** Where a secret sits: a resource type and one of its top-level properties (the stack's own outputs: type `pulumi:pulumi:Stack`). */
export interface SecretPlace {
  /** Pulumi type token, e.g. `pulumi:providers:grafana`. */
  type: string;
  /** Top-level input or output property. */
  property: string;
  /** Only for `azure-native:keyvault:Secret`: the secret's name. */
  secretName?: string;
}

/** How a kind of secret is allowed in the state. */
export type SecretClass =
  | {
      class: 'short-lived';
      /** The longest it can be used after its issue, in seconds (enforced when the program uses it). */
      maxLifetimeSeconds: number;
      /** The documented lifetime, with its source. */
      lifetime: string;
      /** What enforces the lifetime at deploy time. */
      enforcedBy: string;
    }
  | {
      class: 'non-credential';
      /** Why it is not a credential, and which check proves it. */
      why: string;
    }
  | {
      class: 'long-lived';
      /** The issue whose change removes it from the state. */
      removedBy: string;
      /** What it is and why it is still there. */
      why: string;
    };

/** One kind of secret value the state may hold. */
export interface StateSecretKind {
  /** What it is. */
  description: string;
  /** How it is allowed. */
  allowed: SecretClass;
  /** Every place it may appear. */
  places: readonly SecretPlace[];
  /** Only in the state of a local `pulumi up` that builds the images (no `apps.imageDigests`); never in a CI deploy's. */
  localBuildOnly?: boolean;
}

const TOKEN_CHECK = `lib/token-lifetime.ts refuses a token valid for more than ${MAX_STATE_TOKEN_SECONDS / 3600} h (exp - iat) before the program uses it`;

/** Every kind of secret value an Azure stack's state may hold. */
export const STATE_SECRET_KINDS = {
  acrRefreshToken: {
    description:
      'The ACR refresh token the image build pushes with: only when `pulumi up` builds the images (a local deploy without `apps.imageDigests`); CI deploys the digests it scanned and builds nothing',
    allowed: {
      class: 'short-lived',
      maxLifetimeSeconds: MAX_STATE_TOKEN_SECONDS,
      lifetime:
        '3 hours ("token must be renewed every 3 hours": Microsoft Learn, "Authenticate with an Azure container registry", https://learn.microsoft.com/azure/container-registry/container-registry-authentication, checked 2026-12-01)',
      enforcedBy: TOKEN_CHECK,
    },
    places: [{ type: 'docker-build:index:Image', property: 'registries' }],
    localBuildOnly: true,
  },
  grafanaProviderAuth: {
    description: "The Grafana provider's `auth` input",
    allowed: {
      class: 'non-credential',
      why: `always the literal \`${GRAFANA_PROVIDER_AUTH.auth}\` (lib/monitoring.ts GRAFANA_PROVIDER_AUTH): the provider sends no credential of its own; the deployer's Entra token reaches only the provider process, in ${GRAFANA_PROVIDER_AUTH.headersVariable} (${GRAFANA_PROVIDER_AUTH.script}). The @pulumiverse/grafana SDK marks \`auth\` secret whatever its value.`,
    },
    places: [{ type: 'pulumi:providers:grafana', property: 'auth' }],
  },
  execPluginKubeconfig: {
    description: "The cluster's user kubeconfig (the Kubernetes provider's input and the `kubeconfig` stack output)",
    allowed: {
      class: 'non-credential',
      why:
        'every user runs `kubelogin get-token` (an exec plugin that signs in with the caller\'s own identity); no token, client key, client certificate or password: kubeconfigCredentialProblems() proves it. Pulumi keeps it secret because it names the private API server.',
    },
    places: [
      { type: 'pulumi:providers:kubernetes', property: 'kubeconfig' },
      { type: 'pulumi:pulumi:Stack', property: 'kubeconfig' },
    ],
  },
} as const satisfies Record<string, StateSecretKind>;

/** A kind of state secret, by key. */
export type StateSecretKindKey = keyof typeof STATE_SECRET_KINDS;

/** The kind of secret that may sit at `place`, or undefined: a secret there is not allowed. */
export function stateSecretKindAt(place: SecretPlace): StateSecretKindKey | undefined {
  for (const [key, kind] of Object.entries(STATE_SECRET_KINDS) as [StateSecretKindKey, StateSecretKind][]) {
    const hit = kind.places.some((p) => p.type === place.type && p.property === place.property && (p.secretName === undefined || p.secretName === place.secretName));
    if (hit) return key;
  }
  return undefined;
}

/** The kinds that are credentials (short- or long-lived): none may be in the state of a CI deploy. */
export function credentialKinds(): StateSecretKindKey[] {
  const kinds: Record<StateSecretKindKey, StateSecretKind> = STATE_SECRET_KINDS;
  return (Object.keys(kinds) as StateSecretKindKey[]).filter((k) => kinds[k].allowed.class !== 'non-credential');
}

/** The kinds that are long-lived credentials, i.e. still to remove. */
export function longLivedKinds(): StateSecretKindKey[] {
  // Widened to the declared kind type: the table may list a long-lived credential again (it must name its removal).
  const kinds: Record<StateSecretKindKey, StateSecretKind> = STATE_SECRET_KINDS;
  return (Object.keys(kinds) as StateSecretKindKey[]).filter((k) => kinds[k].allowed.class === 'long-lived');
}

/** Keys that hold a credential wherever they appear in a kubeconfig. */
const CREDENTIAL_KEYS = ['token', 'tokenFile', 'client-key', 'client-key-data', 'client-certificate', 'client-certificate-data', 'password', 'username', 'auth-provider'];

/** kubelogin flags whose value is a secret (a client secret, a password, a PFX or a raw token). */
const SECRET_FLAGS = ['--client-secret', '--password', '--client-certificate', '--token', '--federated-token', '--access-token'];

/**
 * Why a kubeconfig carries a credential (each problem names where), or an
 * empty list: every user may only run kubelogin `get-token` in one of the
 * allowed login modes, with no secret-valued flag and no environment; no key
 * anywhere may hold a token, key, certificate, password or auth provider.
 */
export function kubeconfigCredentialProblems(kubeconfig: string): string[] {
  const problems: string[] = [];
  const doc = parse(kubeconfig) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object') return ['not a kubeconfig'];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (CREDENTIAL_KEYS.includes(key)) problems.push(`${path}.${key}: holds a credential`);
        walk(v, `${path}.${key}`);
      }
    }
  };
  walk(doc, 'kubeconfig');
  const users = Array.isArray(doc.users) ? (doc.users as Array<{ name?: string; user?: Record<string, unknown> }>) : [];
  if (users.length === 0) problems.push('kubeconfig.users: none');
  for (const [i, u] of users.entries()) {
    const at = `kubeconfig.users[${i}] (${u.name ?? '?'})`;
    const keys = Object.keys(u.user ?? {});
    if (keys.join() !== 'exec') problems.push(`${at}: may only run an exec plugin, has ${keys.join(', ') || 'nothing'}`);
    const exec = (u.user?.exec ?? {}) as { command?: unknown; args?: unknown; env?: unknown };
    if (exec.command !== 'kubelogin') problems.push(`${at}: exec command ${JSON.stringify(exec.command)} is not kubelogin`);
    const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
    if (args[0] !== 'get-token') problems.push(`${at}: kubelogin must run get-token`);
    const mode = args[args.indexOf('--login') + 1];
    if (!args.includes('--login') || !(KUBELOGIN_MODES as readonly string[]).includes(mode)) problems.push(`${at}: --login ${mode ?? '(none)'} is not one of ${KUBELOGIN_MODES.join(', ')}`);
    for (const flag of args.filter((a) => SECRET_FLAGS.some((f) => a === f || a.startsWith(`${f}=`)))) problems.push(`${at}: ${flag.split('=')[0]} passes a secret`);
    if (exec.env !== null && exec.env !== undefined && !(Array.isArray(exec.env) && exec.env.length === 0)) problems.push(`${at}: exec env is set (it could carry a secret)`);
  }
  return problems;
}
