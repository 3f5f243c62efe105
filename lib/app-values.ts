/**
 * Helm values for one app release: a pure function of the app, its sizing for
 * the environment (from stack config) and the platform facts the program knows
 * (image digest, data-service hosts, Key Vault, identity, subnet, ingress).
 * The chart (apps/chart) stays environment-agnostic; everything that differs
 * between dev and prod is decided here and tested with tables.
 */
import { z } from 'zod';
import { cidrProblem } from './rules';
import { APP_NAMES, AppName, AppProfile, AppProfiles } from './app-profiles';
import { API_ROUTE_LIMITS, GATEWAY_DEFAULTS, canaryReplicas, canaryWeightProblem } from './edge';
import { AppAuthFacts, apiAuthEnv, appAuthProblems, frontendAuthEnv } from './app-auth';
import { MANAGED_PROMETHEUS_SCRAPER } from './monitoring';
import { DEFAULT_AGENT_QUEUE_LAG_PER_REPLICA, KEDA_POLLING_INTERVAL_SECONDS, queueLagPerReplicaProblem } from './app-identities';

/** Environments the sizing presets know. */
export const APP_ENVIRONMENTS = ['dev', 'prod'] as const;
export type AppEnvironment = (typeof APP_ENVIRONMENTS)[number];

/** Key Vault secret names the apps read (mounted as /mnt/secrets-store/<name>). */
export const KEY_VAULT_SECRETS = { postgresPassword: 'postgres-password', redisPassword: 'redis-password' } as const;
/** Where the CSI driver mounts the Key Vault secrets. */
export const SECRETS_MOUNT_PATH = '/mnt/secrets-store';
/**
 * The apps' graceful-shutdown budget; with the chart's preStop delay (apps/chart/values/api.yaml
 * preStopSleepSeconds, 5 s) it must stay below terminationGracePeriodSeconds (5 + 25 < 35).
 */
export const SHUTDOWN_TIMEOUT_MS = 25000;
export const TERMINATION_GRACE_PERIOD_SECONDS = 35;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const cpu = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, 'must be a CPU quantity such as 100m or 0.5');
const memory = z.string().regex(/^\d+(Ki|Mi|Gi)$/, 'must be a memory quantity such as 128Mi or 1Gi');
const SECRET_LIKE_ENV = /(PASSWORD|SECRET|TOKEN|API_?KEY|CONNECTION_?STRING)$/i;

/** Sizing of one app in one environment (the per-app part of the `apps` stack-config section). */
export const appSizingSchema = z
  .object({
    /** Replicas; the HPA's minimum when maxReplicas is larger. */
    replicas: z.number().int().min(1).max(50),
    /** HPA maximum; equal to replicas turns the HPA off. */
    maxReplicas: z.number().int().min(1).max(100),
    /** Target average CPU utilisation of the HPA, in percent of the request. */
    targetCpuUtilization: z.number().int().min(10).max(100),
    cpuRequest: cpu,
    cpuLimit: cpu,
    memoryRequest: memory,
    memoryLimit: memory,
    /** preferred = ScheduleAnyway across zones; required = DoNotSchedule. */
    zoneSpread: z.enum(['preferred', 'required']),
    logLevel: z.enum(LOG_LEVELS),
    /** Extra plain environment variables (never secrets). */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string()),
    /** agent only: AGENT_CONCURRENCY (1..16). */
    concurrency: z.number().int().min(1).max(16).optional(),
    /**
     * agent only: undelivered queue entries (the api's jobs_queue_lag) one replica is sized for; KEDA
     * scales the agent between replicas and maxReplicas on lag / this (with managed Prometheus). Default 20.
     */
    queueLagPerReplica: z.number().int().min(1).max(10000).optional(),
    /** AKS node pool to run on (nodeSelector kubernetes.azure.com/agentpool); default: any Linux user pool. */
    nodePool: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, 'must be an AKS node pool name (lowercase letters and digits, at most 12)').optional(),
  })
  .strict();
export type AppSizing = z.infer<typeof appSizingSchema>;

/** What stack config may override per app: every sizing field is optional. */
export const appSizingOverrideSchema = appSizingSchema.partial();
export type AppSizingOverride = z.infer<typeof appSizingOverrideSchema>;

/**
 * The platform-owned Gateway the apps' HTTPRoutes attach to (Gateway API v1), and
 * who may connect to the apps' ports on its behalf (NetworkPolicy peer).
 */
export const appGatewaySchema = z
  .object({
    /** Gateway name. */
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes object name'),
    /** Namespace of the Gateway and of the gateway's pods. */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name'),
    /** Listener (sectionName) the routes attach to. */
    sectionName: z.string().optional(),
    /** Labels of the gateway's pods (the only pods that may reach the apps from outside their namespaces). */
    podLabels: z.record(z.string(), z.string()),
    /** Implementation-specific filters the chart may render: `traefik` (Middlewares) or none. */
    filters: z.enum(['', 'traefik']),
    /** Host names the routes answer; empty: any host the listener accepts. */
    hostnames: z.array(z.string()).default([]),
  })
  .strict();
export type AppGateway = z.input<typeof appGatewaySchema>;

/** The gateway of this repository's program: the Traefik release of components/gateway.ts. */
export function platformGateway(overrides: Partial<AppGateway> = {}): AppGateway {
  return {
    name: GATEWAY_DEFAULTS.gatewayName,
    namespace: GATEWAY_DEFAULTS.namespace,
    sectionName: GATEWAY_DEFAULTS.listenerName,
    podLabels: { ...GATEWAY_DEFAULTS.podLabels },
    filters: 'traefik',
    hostnames: [],
    ...overrides,
  };
}

/** Sizing presets: dev is small and single-replica, prod is HA (>= 3 replicas, HPA, PDB, hard zone spread). */
export const SIZING_PRESETS: Record<AppEnvironment, Record<AppName, AppSizing>> = {
  dev: {
    api: { replicas: 1, maxReplicas: 1, targetCpuUtilization: 70, cpuRequest: '50m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi', zoneSpread: 'preferred', logLevel: 'debug', env: {} },
    agent: { replicas: 1, maxReplicas: 1, targetCpuUtilization: 70, cpuRequest: '50m', cpuLimit: '500m', memoryRequest: '128Mi', memoryLimit: '256Mi', zoneSpread: 'preferred', logLevel: 'debug', env: {} },
    frontend: { replicas: 1, maxReplicas: 1, targetCpuUtilization: 70, cpuRequest: '10m', cpuLimit: '100m', memoryRequest: '32Mi', memoryLimit: '64Mi', zoneSpread: 'preferred', logLevel: 'info', env: {} },
  },
  prod: {
    api: { replicas: 3, maxReplicas: 10, targetCpuUtilization: 70, cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi', zoneSpread: 'required', logLevel: 'info', env: {} },
    agent: { replicas: 3, maxReplicas: 12, targetCpuUtilization: 70, cpuRequest: '250m', cpuLimit: '1', memoryRequest: '256Mi', memoryLimit: '512Mi', zoneSpread: 'required', logLevel: 'info', env: {} },
    frontend: { replicas: 3, maxReplicas: 6, targetCpuUtilization: 70, cpuRequest: '50m', cpuLimit: '250m', memoryRequest: '64Mi', memoryLimit: '128Mi', zoneSpread: 'required', logLevel: 'info', env: {} },
  },
};

const DEFAULT_AGENT_CONCURRENCY: Record<AppEnvironment, number> = { dev: 2, prod: 4 };

/** Converts a Kubernetes CPU quantity to millicores. */
export function cpuMillis(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** Converts a Kubernetes memory quantity (Ki/Mi/Gi) to bytes. */
export function memoryBytes(q: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`"${q}" is not a memory quantity such as 128Mi`);
  return Number(m[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] as 'Ki' | 'Mi' | 'Gi'];
}

/**
 * Problems with a resolved sizing, each naming the config key (`apps.<app>.<field>`);
 * empty when fine. Prod must be highly available: >= 3 replicas, an HPA, hard zone spread.
 */
export function appSizingProblems(app: AppName, environment: AppEnvironment, sizing: AppSizing): string[] {
  const key = (field: string) => `apps.${app}.${field}`;
  const problems: string[] = [];
  const parsed = appSizingSchema.safeParse(sizing);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => `${key(i.path.join('.'))}: ${i.message}`);
  }
  if (sizing.concurrency !== undefined && app !== 'agent') problems.push(`${key('concurrency')}: only the agent has a concurrency setting`);
  if (sizing.queueLagPerReplica !== undefined) {
    if (app !== 'agent') problems.push(`${key('queueLagPerReplica')}: only the agent scales on queue lag`);
    const lag = queueLagPerReplicaProblem(sizing.queueLagPerReplica);
    if (lag) problems.push(`${key('queueLagPerReplica')}: ${lag}`);
  }
  if (sizing.maxReplicas < sizing.replicas) problems.push(`${key('maxReplicas')}: must be >= replicas (${sizing.replicas})`);
  if (cpuMillis(sizing.cpuLimit) < cpuMillis(sizing.cpuRequest)) problems.push(`${key('cpuLimit')}: must be >= cpuRequest (${sizing.cpuRequest})`);
  if (memoryBytes(sizing.memoryLimit) < memoryBytes(sizing.memoryRequest)) problems.push(`${key('memoryLimit')}: must be >= memoryRequest (${sizing.memoryRequest})`);
  for (const name of Object.keys(sizing.env)) {
    if (SECRET_LIKE_ENV.test(name)) problems.push(`${key(`env.${name}`)}: looks like a secret; secrets come from Key Vault files, never from config`);
    if (['PORT', 'LOG_LEVEL', 'API_UPSTREAM', 'AGENT_CONCURRENCY'].includes(name) || /^(PG|REDIS_|AUTH_)/.test(name)) {
      problems.push(`${key(`env.${name}`)}: is set by the platform and cannot be overridden`);
    }
  }
  if (environment === 'prod') {
    if (sizing.replicas < 3) problems.push(`${key('replicas')}: prod needs at least 3 replicas (one per zone), got ${sizing.replicas}`);
    if (sizing.maxReplicas <= sizing.replicas) problems.push(`${key('maxReplicas')}: prod needs an HPA, so maxReplicas must exceed replicas (${sizing.replicas})`);
    if (sizing.zoneSpread !== 'required') problems.push(`${key('zoneSpread')}: prod spreads pods across zones with "required"`);
  }
  return problems;
}

/** The preset for an environment with the stack-config override applied, not yet validated (see {@link appSizingProblems}). */
export function mergeAppSizing(app: AppName, environment: AppEnvironment, override: AppSizingOverride = {}): AppSizing {
  if (!(APP_ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new Error(`environment "${environment}" has no app sizing preset; allowed: ${APP_ENVIRONMENTS.join(', ')}`);
  }
  const { env, ...rest } = override;
  const preset = SIZING_PRESETS[environment][app];
  const sizing: AppSizing = { ...preset, ...rest, env: { ...preset.env, ...(env ?? {}) } };
  if (app === 'agent' && sizing.concurrency === undefined) sizing.concurrency = DEFAULT_AGENT_CONCURRENCY[environment];
  return sizing;
}

/** The preset for an environment with the stack-config override applied; throws listing every problem. */
export function resolveAppSizing(app: AppName, environment: AppEnvironment, override: AppSizingOverride = {}): AppSizing {
  const sizing = mergeAppSizing(app, environment, override);
  const problems = appSizingProblems(app, environment, sizing);
  if (problems.length > 0) throw new Error(`invalid app sizing:\n  - ${problems.join('\n  - ')}`);
  return sizing;
}

/** What the program knows about the platform when it deploys an app. */
export interface PlatformFacts {
  /** Digest-pinned image reference `<loginServer>/<repo>@sha256:<64 hex>`, from an Azure Container Registry. */
  imageRef: string;
  /** The platform registry's login server; when given, `imageRef` must come from it (no other registry). */
  registryLoginServer?: string;
  /** Namespace of each release (each app has its own). */
  namespaces: Record<AppName, string>;
  /** Entra tenant id. */
  tenantId: string;
  /** Client id of the app's own user-assigned identity, federated with its service account. */
  identityClientId: string;
  /** Key Vault the app's secret files come from (only read when the app mounts a secret: a password-mode data service). */
  keyVaultName: string;
  /**
   * PostgreSQL. `auth: entra` (Azure stacks): `user` is the app's Entra principal (its managed identity's
   * name) and the password is the identity's token; `password` (default): `postgres-password` from Key Vault
   * or the local Secret. `sslRootCert`: CA bundle path in the image for verify-full.
   */
  postgres: { host: string; port?: number; database: string; user: string; sslMode?: 'disable' | 'require' | 'verify-full'; auth?: 'password' | 'entra'; sslRootCert?: string };
  /** Redis. `auth: entra`: ACL user `username` (the identity's object id) with its token; `password` (default): `redis-password`. */
  redis: { host: string; port: number; tls?: boolean; auth?: 'password' | 'entra'; username?: string };
  /**
   * api only: the release's schema migrations Job (pre-install/pre-upgrade hook) under the owner
   * identity (the PostgreSQL Entra administrator), creating the api's and agent's Entra login roles.
   */
  migrations?: MigrationFacts;
  /** agent only: scale on queue lag with KEDA's prometheus scaler against managed Prometheus. */
  queueScaling?: QueueScalingFacts;
  /** CIDR of the subnet holding the Postgres and Redis private endpoints. */
  dataSubnetCidr: string;
  /** The Gateway the app's HTTPRoute attaches to (frontend and api); none: no route. */
  gateway?: AppGateway;
  /** Public origin of the apps (`https://<host>`), for the api's CORS; none: same-origin only. */
  publicOrigin?: string;
  /** A canary track of this app: its digest-pinned image and its share of the traffic (percent). */
  canary?: { imageRef: string; weight: number };
  /** Sign-in (Entra ID app registrations): required by the api and the frontend; there is no way to turn it off. */
  auth?: AppAuthFacts;
  /** Taints (`key=value:Effect`) of the node pool the app is placed on; the pods tolerate each one. */
  nodePoolTaints?: string[];
  /** Scrape the api's and agent's /metrics with a managed-Prometheus PodMonitor (needs the AKS metrics add-on). */
  podMonitor?: boolean;
  /**
   * A local cluster (the `local` stack) instead of AKS: the passwords come from a Kubernetes
   * Secret, PostgreSQL and Redis run in-cluster in `dataNamespace`; there is no Key Vault,
   * workload identity, node pool or data subnet (tenantId, identityClientId, keyVaultName and
   * dataSubnetCidr are then not used).
   */
  local?: LocalFacts;
}

/** The migration Job of the api's release (see {@link PlatformFacts.migrations}). */
export interface MigrationFacts {
  /** The owner's Entra role name (PGUSER of the Job): the migration identity's name. */
  user: string;
  /** Client id of the owner's identity (federated with `api-migrate`). */
  identityClientId: string;
  /** The api's and the agent's Entra login roles: the identity's name and its object (principal) id. */
  apiLogins: { name: string; objectId: string }[];
  agentLogins: { name: string; objectId: string }[];
}

/** KEDA queue-lag scaling of the agent (see {@link PlatformFacts.queueScaling}). */
export interface QueueScalingFacts {
  /** PromQL endpoint of the Azure Monitor workspace (`https://<workspace>.<region>.prometheus.monitor.azure.com`). */
  serverAddress: string;
  /** Client id of the KEDA operator's identity (TriggerAuthentication podIdentity azure-workload). */
  identityClientId: string;
  /** The lag query (lib/app-identities.ts agentQueueLagQuery). */
  query: string;
}

/** What the apps use on a local cluster (see {@link PlatformFacts.local}). */
export interface LocalFacts {
  /** Secret in each app namespace holding `postgres-password` and `redis-password`. */
  secretName: string;
  /** Namespace of the in-cluster PostgreSQL and Redis (the apps' only egress besides DNS). */
  dataNamespace: string;
}

/** Input of {@link appValues}. */
export interface AppValuesInput {
  app: AppName;
  environment: AppEnvironment;
  /** Resolved sizing (see {@link resolveAppSizing}). */
  sizing: AppSizing;
  /** The three apps' static facts (the frontend needs the api's port). */
  profiles: AppProfiles;
  facts: PlatformFacts;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An image in an Azure Container Registry (the platform's registry kind), pinned by digest; the chart's values.schema.json has the same pattern. */
const LOCAL_IMAGE_REF = /^(localhost|127\.0\.0\.1|[a-z0-9-]+\.localhost|[a-z0-9-]+\.local)(:[0-9]{1,5})?\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/;
const PLATFORM_IMAGE_REF = /^[a-z0-9]{5,50}\.azurecr\.io\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Problems with the platform facts for one app (each names the field); empty when fine. */
export function platformFactsProblems(app: AppName, facts: PlatformFacts): string[] {
  const p: string[] = [];
  if (facts.local) {
    // A local cluster pulls from a local registry (host[:port]), still pinned by digest.
    if (!LOCAL_IMAGE_REF.test(facts.imageRef)) p.push(`imageRef: "${facts.imageRef}" must be pinned by digest: <local registry host[:port]>/<repository>@sha256:<64 hex> (localhost, *.localhost or *.local)`);
  } else if (!PLATFORM_IMAGE_REF.test(facts.imageRef)) p.push(`imageRef: "${facts.imageRef}" must be an image of the platform's registry pinned by digest: <name>.azurecr.io/<repository>@sha256:<64 hex>`);
  else if (facts.registryLoginServer && !facts.imageRef.startsWith(`${facts.registryLoginServer.toLowerCase()}/`)) {
    p.push(`imageRef: "${facts.imageRef}" is not in the platform's registry ${facts.registryLoginServer}`);
  }
  for (const a of APP_NAMES) {
    const ns = facts.namespaces[a];
    if (!ns || !NAMESPACE.test(ns) || ns.length > 63) p.push(`namespaces.${a}: "${ns}" must be a DNS label (lowercase letters, digits, -; at most 63)`);
    if (['default', 'kube-system', 'kube-public', GATEWAY_DEFAULTS.namespace, facts.gateway?.namespace].includes(ns)) p.push(`namespaces.${a}: "${ns}" is reserved; each app gets its own namespace`);
  }
  if (new Set(APP_NAMES.map((a) => facts.namespaces[a])).size !== APP_NAMES.length) p.push('namespaces: each app needs its own namespace');
  if (app !== 'frontend' && facts.local) {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(facts.local.secretName) || facts.local.secretName.length > 253) p.push(`local.secretName: "${facts.local.secretName}" must be a Kubernetes object name`);
    if (!NAMESPACE.test(facts.local.dataNamespace) || facts.local.dataNamespace.length > 63) p.push(`local.dataNamespace: "${facts.local.dataNamespace}" must be a DNS label (lowercase letters, digits, -; at most 63)`);
    if (!facts.postgres.host) p.push('postgres.host: must not be empty');
    if (!facts.redis.host) p.push('redis.host: must not be empty');
  } else if (app !== 'frontend') {
    if (!GUID.test(facts.tenantId)) p.push(`tenantId: "${facts.tenantId}" must be a GUID`);
    if (!GUID.test(facts.identityClientId)) p.push(`identityClientId: "${facts.identityClientId}" must be a GUID`);
    if (secretObjects(facts).length > 0 && !/^[a-zA-Z][-a-zA-Z0-9]{1,22}[a-zA-Z0-9]$/.test(facts.keyVaultName)) p.push(`keyVaultName: "${facts.keyVaultName}" must be a Key Vault name (3-24 letters, digits, -)`);
    if (facts.postgres.auth === 'entra' && facts.postgres.sslMode !== 'verify-full') p.push(`postgres.sslMode: "${facts.postgres.sslMode ?? 'require'}" with Entra authentication; the token goes only to a verified server: use verify-full`);
    if (facts.postgres.sslRootCert !== undefined && facts.postgres.sslMode !== 'verify-full') p.push('postgres.sslRootCert: only used with sslMode verify-full');
    if (facts.redis.auth === 'entra' && !GUID.test(facts.redis.username ?? '')) p.push(`redis.username: "${facts.redis.username ?? ''}" must be the identity's object id (a GUID) with Entra authentication`);
    if (facts.redis.auth === 'entra' && facts.redis.tls === false) p.push('redis.tls: Entra authentication needs TLS');
    if (!facts.postgres.host) p.push('postgres.host: must not be empty');
    if (!facts.postgres.database) p.push('postgres.database: must not be empty');
    if (!facts.postgres.user) p.push('postgres.user: must not be empty');
    if (!facts.redis.host) p.push('redis.host: must not be empty');
    if (!Number.isInteger(facts.redis.port) || facts.redis.port < 1 || facts.redis.port > 65535) p.push(`redis.port: ${facts.redis.port} must be a TCP port (Azure Managed Redis: 10000, classic TLS: 6380)`);
    const cidr = cidrProblem(facts.dataSubnetCidr);
    if (cidr) p.push(`dataSubnetCidr: ${cidr}`);
  }
  // A local cluster runs the contract's local no-auth mode (apps/CONTRACT.md) until a local OIDC issuer is wired in.
  if (app !== 'agent' && !facts.local) {
    if (!facts.auth) p.push('auth: required: the api validates Entra ID tokens and the frontend signs in; sign-in cannot be switched off');
    else p.push(...appAuthProblems(facts.auth));
  }
  if (facts.migrations) {
    const m = facts.migrations;
    if (app !== 'api') p.push('migrations: only the api release runs the schema migrations (its image holds dist/migrate.js)');
    if (facts.local) p.push('migrations: a local cluster runs them at the api\'s start (MIGRATE_ON_START)');
    if (facts.postgres.auth !== 'entra') p.push('migrations: the Job logs in as the Entra administrator; it needs postgres.auth entra');
    if (!m.user) p.push('migrations.user: must not be empty');
    if (!GUID.test(m.identityClientId)) p.push(`migrations.identityClientId: "${m.identityClientId}" must be a GUID`);
    for (const [key, logins] of [['apiLogins', m.apiLogins], ['agentLogins', m.agentLogins]] as const) {
      if (logins.length === 0) p.push(`migrations.${key}: at least one login role`);
      logins.forEach((l, i) => {
        if (!/^[^\u0000-\u001f"=,]{1,63}$/.test(l.name)) p.push(`migrations.${key}[${i}].name: "${l.name}" must be a role name (1..63 characters without quotes, "=", "," or control characters)`);
        if (!GUID.test(l.objectId)) p.push(`migrations.${key}[${i}].objectId: "${l.objectId}" must be a GUID`);
      });
    }
  }
  if (facts.queueScaling) {
    const q = facts.queueScaling;
    if (app !== 'agent') p.push('queueScaling: only the agent scales on queue lag');
    if (!/^https:\/\/[a-z0-9.-]+$/.test(q.serverAddress)) p.push(`queueScaling.serverAddress: "${q.serverAddress}" must be https://<workspace query endpoint host>`);
    if (!GUID.test(q.identityClientId)) p.push(`queueScaling.identityClientId: "${q.identityClientId}" must be a GUID`);
    if (!q.query) p.push('queueScaling.query: must not be empty');
  }
  if (facts.gateway) {
    const g = appGatewaySchema.safeParse(facts.gateway);
    if (!g.success) for (const i of g.error.issues) p.push(`gateway.${i.path.join('.')}: ${i.message}`);
  }
  if (facts.publicOrigin !== undefined && !/^https:\/\/[a-z0-9.-]+$/.test(facts.publicOrigin)) p.push(`publicOrigin: "${facts.publicOrigin}" must be https://<host>`);
  if (facts.canary) {
    if (app === 'agent') p.push('canary: the agent has no route to split; canary releases apply to the api and the frontend');
    const w = canaryWeightProblem(facts.canary.weight, 'canary.weight');
    if (w) p.push(w);
    if (!PLATFORM_IMAGE_REF.test(facts.canary.imageRef)) p.push(`canary.imageRef: "${facts.canary.imageRef}" must be an image of the platform's registry pinned by digest: <name>.azurecr.io/<repository>@sha256:<64 hex>`);
    if (facts.canary.imageRef === facts.imageRef) p.push('canary.imageRef: is the stable image; a canary runs a different image');
  }
  return p;
}

/** Address ranges that are never "the Internet" (RFC 1918, shared address space, link-local): the VNet, pods and services live here. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'] as const;

/** The secret files an app mounts: a password for each data service that does not use Entra (none in Azure stacks). */
export function secretObjects(facts: Pick<PlatformFacts, 'postgres' | 'redis'>): { name: string; fileEnv: string }[] {
  return [
    ...(facts.postgres.auth === 'entra' ? [] : [{ name: KEY_VAULT_SECRETS.postgresPassword, fileEnv: 'PGPASSWORD_FILE' }]),
    ...(facts.redis.auth === 'entra' ? [] : [{ name: KEY_VAULT_SECRETS.redisPassword, fileEnv: 'REDIS_PASSWORD_FILE' }]),
  ];
}

/** Who may reach an app's container port, and where it may connect (NetworkPolicy peers). */
function networkRules(app: AppName, profiles: AppProfiles, facts: PlatformFacts) {
  const gateway = facts.gateway ? [{ namespace: facts.gateway.namespace, podLabels: facts.gateway.podLabels }] : [];
  const selector = (a: AppName) => ({ 'app.kubernetes.io/name': profiles[a].app.name });
  const dataPorts = [facts.postgres.port ?? 5432, facts.redis.port];
  const dataEgress = facts.local ? { namespace: facts.local.dataNamespace, ports: dataPorts } : { cidr: facts.dataSubnetCidr, ports: dataPorts };
  // Microsoft Entra ID (token exchange of the workload identity, the api's JWKS) is public HTTPS; a
  // NetworkPolicy cannot name it, so: 443 outside the private ranges (the egress firewall, where on, narrows it to FQDNs).
  const entraEgress = facts.local ? [] : [{ cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES], ports: [443] }];
  switch (app) {
    case 'frontend':
      return {
        ingressFrom: gateway,
        egressTo: [{ namespace: facts.namespaces.api, podLabels: selector('api'), ports: [profiles.api.containerPort] }],
      };
    case 'api':
      return {
        ingressFrom: [
          ...gateway,
          { namespace: facts.namespaces.frontend, podLabels: selector('frontend') },
        ],
        egressTo: [dataEgress, ...entraEgress],
      };
    case 'agent':
      return { ingressFrom: [], egressTo: [dataEgress, ...entraEgress] };
  }
}

/** The app's HTTPRoute: frontend at `/`, api at `/api` (body limit) and `/socket.io`; the agent has none. */
function routeValues(app: AppName, gateway: AppGateway | undefined) {
  if (!gateway || app === 'agent') return { enabled: false };
  const g = appGatewaySchema.parse(gateway);
  return {
    enabled: true,
    gateway: { name: g.name, namespace: g.namespace, sectionName: g.sectionName ?? '' },
    hostnames: g.hostnames,
    rules: app === 'api' ? [{ pathPrefix: '/api', limitBody: g.filters === 'traefik' }, { pathPrefix: '/socket.io' }] : [{ pathPrefix: '/' }],
    maxRequestBodyBytes: app === 'api' && g.filters === 'traefik' ? API_ROUTE_LIMITS.maxRequestBodyBytes : 0,
    filters: g.filters,
  };
}

/** Plain environment variables of an app (secrets only ever as *_FILE paths). */
function appEnv(app: AppName, input: AppValuesInput): Record<string, string> {
  const { sizing, profiles, facts } = input;
  const env: Record<string, string> = { ...sizing.env };
  if (app === 'frontend') {
    env.API_UPSTREAM = `http://${profiles.api.app.name}.${facts.namespaces.api}.svc.cluster.local:${profiles.api.service.port}`;
    if (facts.auth) Object.assign(env, frontendAuthEnv(facts.auth));
    return env;
  }
  if (app === 'api' && facts.auth) Object.assign(env, apiAuthEnv(facts.auth));
  env.LOG_LEVEL = sizing.logLevel;
  env.SHUTDOWN_TIMEOUT_MS = String(SHUTDOWN_TIMEOUT_MS);
  if (app === 'api' && facts.publicOrigin) env.CORS_ORIGIN = facts.publicOrigin;
  if (app === 'agent') env.AGENT_CONCURRENCY = String(sizing.concurrency ?? DEFAULT_AGENT_CONCURRENCY[input.environment]);
  return env;
}

/** A deep copy of a profile as plain values (it is merged under the computed values). */
function profileValues(profile: AppProfile): Record<string, unknown> {
  return JSON.parse(JSON.stringify(profile)) as Record<string, unknown>;
}

/** A Kubernetes toleration for a taint `key[=value]:Effect`. */
export interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect: string;
}

/** The tolerations for a pool's taints: `Equal` when the taint has a value, else `Exists`. */
export function tolerationsFor(taints: readonly string[]): Toleration[] {
  return taints.map((taint) => {
    const match = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(taint);
    if (!match) throw new Error(`"${taint}" is not a taint such as key=value:NoSchedule`);
    const [, key, value, effect] = match;
    return value ? { key, operator: 'Equal', value, effect } : { key, operator: 'Exists', effect };
  });
}
/** Path of the api's and agent's Prometheus metrics (apps/CONTRACT.md). */
export const METRICS_PATH = '/metrics';
/** How often managed Prometheus scrapes the apps (its default for every target). */
export const METRICS_SCRAPE_INTERVAL = '30s';

/**
 * The complete Helm values of one app release (the app's static profile plus
 * everything environment- and platform-specific). Throws an Error listing every
 * problem with the facts or the sizing.
 */
export function appValues(input: AppValuesInput): Record<string, unknown> {
  const { app, environment, sizing, profiles, facts } = input;
  const problems = [...appSizingProblems(app, environment, sizing), ...platformFactsProblems(app, facts)];
  if (problems.length > 0) throw new Error(`cannot build Helm values for ${app}:\n  - ${problems.join('\n  - ')}`);
  const profile = profiles[app];
  const usesData = app !== 'frontend';
  const scraped = usesData && facts.podMonitor === true;
  const network = networkRules(app, profiles, facts);
  const local = facts.local;
  const objects = usesData ? secretObjects(facts) : [];
  const autoscale = sizing.maxReplicas > sizing.replicas;
  // KEDA owns the agent's HPA when it scales on queue lag (two HPAs on one Deployment would fight).
  const queueScaled = app === 'agent' && autoscale && facts.queueScaling !== undefined;
  return {
    ...profileValues(profile),
    image: { ref: facts.imageRef, pullPolicy: 'IfNotPresent' },
    replicas: sizing.replicas,
    rollingUpdate: { maxSurge: environment === 'prod' ? '25%' : 1 },
    terminationGracePeriodSeconds: TERMINATION_GRACE_PERIOD_SECONDS,
    resources: {
      requests: { cpu: sizing.cpuRequest, memory: sizing.memoryRequest },
      limits: { cpu: sizing.cpuLimit, memory: sizing.memoryLimit },
    },
    autoscaling: {
      enabled: autoscale && !queueScaled,
      minReplicas: sizing.replicas,
      maxReplicas: sizing.maxReplicas,
      targetCPUUtilizationPercentage: sizing.targetCpuUtilization,
      targetMemoryUtilizationPercentage: 0,
    },
    pdb: { enabled: sizing.replicas >= 2, maxUnavailable: 1 },
    topologySpread: {
      zoneWhenUnsatisfiable: sizing.zoneSpread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway',
      hostnameWhenUnsatisfiable: 'ScheduleAnyway',
    },
    serviceAccount: { automountToken: false },
    nodeSelector: { 'kubernetes.io/os': 'linux', ...(sizing.nodePool && !local ? { 'kubernetes.azure.com/agentpool': sizing.nodePool } : {}) },
    tolerations: tolerationsFor(facts.nodePoolTaints ?? []),
    workloadIdentity: usesData && !local
      ? { enabled: true, clientId: facts.identityClientId, tenantId: facts.tenantId }
      : { enabled: false, clientId: '', tenantId: '' },
    keyVault: usesData && !local && objects.length > 0
      ? { enabled: true, name: facts.keyVaultName, tenantId: facts.tenantId, objects }
      : { enabled: false, name: '', tenantId: '', objects: [] },
    ...(local ? { kubernetesSecret: usesData ? { enabled: true, name: local.secretName, objects } : { enabled: false, name: '', objects: [] } } : {}),
    postgres: usesData
      ? {
          enabled: true,
          host: facts.postgres.host,
          port: facts.postgres.port ?? 5432,
          database: facts.postgres.database,
          user: facts.postgres.user,
          sslMode: facts.postgres.sslMode ?? 'require',
          auth: facts.postgres.auth ?? 'password',
          sslRootCert: facts.postgres.sslRootCert ?? '',
        }
      : { enabled: false },
    redis: usesData
      ? { enabled: true, host: facts.redis.host, port: facts.redis.port, tls: facts.redis.tls ?? true, auth: facts.redis.auth ?? 'password', username: facts.redis.username ?? '' }
      : { enabled: false },
    migrations: migrationValues(facts.migrations),
    keda: queueScaled
      ? {
          enabled: true,
          minReplicas: sizing.replicas,
          maxReplicas: sizing.maxReplicas,
          pollingIntervalSeconds: KEDA_POLLING_INTERVAL_SECONDS,
          targetCPUUtilizationPercentage: sizing.targetCpuUtilization,
          prometheus: {
            serverAddress: facts.queueScaling!.serverAddress,
            query: facts.queueScaling!.query,
            threshold: String(sizing.queueLagPerReplica ?? DEFAULT_AGENT_QUEUE_LAG_PER_REPLICA),
            identityClientId: facts.queueScaling!.identityClientId,
          },
        }
      : { enabled: false },
    env: appEnv(app, input),
    networkPolicy: {
      enabled: true,
      dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
      ...network,
      // The managed Prometheus collector scrapes the metrics on the container port.
      ingressFrom: [...network.ingressFrom, ...(scraped ? [{ namespace: MANAGED_PROMETHEUS_SCRAPER.namespace, podLabels: { ...MANAGED_PROMETHEUS_SCRAPER.podLabels } }] : [])],
    },
    route: routeValues(app, facts.gateway),
    canary: facts.canary
      ? { enabled: true, imageRef: facts.canary.imageRef, weight: facts.canary.weight, replicas: canaryReplicas(sizing.replicas, facts.canary.weight) }
      : { enabled: false },
    metrics: { podMonitor: { enabled: scraped, path: METRICS_PATH, interval: METRICS_SCRAPE_INTERVAL } },
  };
}

/** The chart's `migrations` values: the Job, its owner identity and the login roles as `name=<object id>`. */
function migrationValues(m: MigrationFacts | undefined): Record<string, unknown> {
  if (!m) return { enabled: false };
  const roles = (logins: MigrationFacts['apiLogins']) => logins.map((l) => `${l.name}=${l.objectId}`);
  return {
    enabled: true,
    user: m.user,
    pgAuth: 'entra',
    createLogins: 'entra',
    workloadIdentity: { clientId: m.identityClientId },
    apiLoginRoles: roles(m.apiLogins),
    agentLoginRoles: roles(m.agentLogins),
  };
}

/**
 * The sizing preset for a stack's environment name: `prod`, `prd` and `production`
 * get the highly available preset and its checks, every other environment the dev one.
 */
export function appEnvironmentFor(environment: string): AppEnvironment {
  return ['prod', 'prd', 'production'].includes(environment) ? 'prod' : 'dev';
}

/** The default namespace of each app's release: the app's own name. */
export function defaultAppNamespaces(): Record<AppName, string> {
  return { api: 'api', agent: 'agent', frontend: 'frontend' };
}
