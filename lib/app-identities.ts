/**
 * Passwordless, least-privilege data access: who the workloads are in Entra ID, what each may
 * read, and the Azure facts the design rests on. Pure data and functions; the components
 * (components/app-identities.ts, postgres-database.ts, redis-cache.ts, key-vault.ts) and the Helm
 * values (lib/app-values.ts) take their names and rules from here.
 *
 * | identity | Kubernetes service account | Azure roles | data-plane access |
 * |---|---|---|---|
 * | api | api/api | none (Key Vault: one assignment per secret it mounts; none today) | PostgreSQL login role in jobs_api; Redis access policy `default` |
 * | agent | agent/agent | none (idem) | PostgreSQL login role in jobs_agent; Redis access policy `default` |
 * | migrate | api/api-migrate (the api release's pre-install/pre-upgrade Job) | none | PostgreSQL Microsoft Entra administrator (owner of the schema) |
 * | keda | kube-system/keda-operator (the AKS KEDA add-on) | Monitoring Data Reader on the Azure Monitor workspace | none |
 */
import { AppName } from './app-profiles';
import { ServiceAccountRef } from './data-services';

/** The apps' workload identities: one per app that reaches data, and the schema owner. */
export const APP_IDENTITY_ROLES = ['api', 'agent', 'migrate'] as const;
export type AppIdentityRole = (typeof APP_IDENTITY_ROLES)[number];

/** Suffix of the migration Job's service account: `<app name>-migrate` (apps/chart/templates/migration-job.yaml). */
export const MIGRATION_SERVICE_ACCOUNT_SUFFIX = '-migrate';

/** The app whose release runs the schema migrations (its image holds `dist/migrate.js`). */
export const MIGRATING_APP: AppName = 'api';

/** The service account each identity is federated with, for the apps' namespaces (chart: ServiceAccount = app name). */
export function appServiceAccounts(namespaces: Record<AppName, string>): Record<AppIdentityRole, ServiceAccountRef> {
  return {
    api: { namespace: namespaces.api, name: 'api' },
    agent: { namespace: namespaces.agent, name: 'agent' },
    migrate: { namespace: namespaces[MIGRATING_APP], name: `${MIGRATING_APP}${MIGRATION_SERVICE_ACCOUNT_SUFFIX}` },
  };
}

/**
 * The KEDA add-on's operator: `keda-operator` in `kube-system`. A workload identity federated with
 * it lets TriggerAuthentication `podIdentity.provider: azure-workload` reach Azure
 * (Microsoft Learn, "Integrate KEDA with your Azure Kubernetes Service cluster",
 * https://learn.microsoft.com/azure/azure-monitor/containers/integrate-keda, checked 2026-12-01).
 */
export const KEDA_OPERATOR_SERVICE_ACCOUNT: ServiceAccountRef = { namespace: 'kube-system', name: 'keda-operator' };

/**
 * The Key Vault secrets each app mounts (one `Key Vault Secrets User` assignment per secret, scoped
 * to the secret; never vault-wide). None: PostgreSQL and Redis are reached with Entra tokens.
 */
export const APP_KEY_VAULT_SECRETS: Readonly<Record<'api' | 'agent', readonly string[]>> = { api: [], agent: [] };

/**
 * Where the api and agent images keep the Azure PostgreSQL root CA bundle (PGSSLROOTCERT), written
 * at image build by apps/common/src/azure-roots.ts (same constant there; test/data-access.test.ts checks both and the Dockerfiles).
 */
export const AZURE_POSTGRES_ROOTS_PATH = '/app/certs/azure-postgres-roots.pem';

/** A dated fact with its source. */
export interface DataAccessFact {
  fact: string;
  consequence: string;
  source: string;
  checked: string;
}

/** The Azure and KEDA facts behind the passwordless design. */
export const DATA_ACCESS_FACTS: Record<string, DataAccessFact> = {
  postgresEntraOnly: {
    fact: 'A flexible server with authConfig.passwordAuth Disabled and activeDirectoryAuth Enabled needs no administrator login or password; a Microsoft Entra administrator (user, group or service principal, incl. a managed identity) is added as a server child resource.',
    consequence: 'PostgresDatabase sets passwordAuth Disabled in every Azure stack, creates no RandomPassword, and makes the migration identity the Entra administrator (ServicePrincipal).',
    source: 'Microsoft Learn, "Microsoft Entra authentication with Azure Database for PostgreSQL" (https://learn.microsoft.com/azure/postgresql/security/security-entra-concepts) and the Server / Administrators API (azure-rest-api-specs, Microsoft.DBforPostgreSQL 2025-01-01-preview)',
    checked: '2026-12-01',
  },
  postgresPrincipals: {
    fact: 'Entra principals become login roles through pgaadauth_create_principal_with_oid(name, objectId, \'service\', isAdmin, isMfa), run by an Entra administrator connected to the postgres database (the function exists only there).',
    consequence: 'The migration Job (the Entra administrator) creates the api and agent principals from the postgres database, then grants each only its group role in the app database (apps/common/src/db.ts ensureLoginRoles).',
    source: 'Microsoft Learn, "Manage Microsoft Entra roles in Azure Database for PostgreSQL" (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users)',
    checked: '2026-12-01',
  },
  postgresRootCas: {
    fact: 'Clients that verify the server certificate must trust DigiCert Global Root G2 and Microsoft RSA Root CA 2017; intermediate CAs rotate (from 2025-11-11, all public regions from 2026-01-19) while the roots stay the same; trusting intermediates or pinning server certificates is unsupported.',
    consequence: 'The apps connect with PGSSLMODE=verify-full and PGSSLROOTCERT = a bundle of exactly those two roots (apps/common/src/azure-roots.ts, from Node\'s bundled Mozilla store, checked by fingerprint); the server keeps require_secure_transport on and ssl_min_protocol_version TLSv1.2.',
    source: 'Microsoft Learn, "Secure connectivity with TLS in Azure Database for PostgreSQL", Recommended configurations for TLS (https://learn.microsoft.com/azure/postgresql/security/security-tls)',
    checked: '2026-12-01',
  },
  redisEntra: {
    fact: 'Azure Managed Redis (Microsoft.Cache/redisEnterprise databases) authenticates Entra principals through access policy assignments (accessPolicyName "default", user.objectId) and can turn access keys off with accessKeysAuthentication Disabled (API 2024-09-01-preview and later; azure-native redisenterprise 2025-07-01). The client AUTHs with the object id as user name and a token for https://redis.azure.com/.default. Classic Azure Cache for Redis: redisConfiguration.aad-enabled, disableAccessKeyAuthentication and access policy assignments ("Data Contributor").',
    consequence: 'RedisCache disables access keys in every Azure stack, lists no keys and assigns the api and agent identities; the apps run REDIS_AUTH=entra with REDIS_USERNAME = their object id.',
    source: 'Microsoft Learn, "Use Microsoft Entra ID for cache authentication with Azure Managed Redis" (https://learn.microsoft.com/azure/redis/entra-for-authentication) and azure-rest-api-specs Microsoft.Cache redisEnterprise 2025-07-01 (AccessPolicyAssignment)',
    checked: '2026-12-01',
  },
  kedaRedisStreamsNoEntra: {
    fact: 'KEDA\'s Redis Streams scalers (redis-streams, redis-cluster-streams) authenticate only with a static username/password (and TLS material) from the workload\'s env or a TriggerAuthentication secret; they support no podIdentity provider, so they cannot present a refreshed Entra token to Azure Managed Redis with access keys disabled.',
    consequence: 'The agent scales on the api\'s queue gauge jobs_queue_lag through KEDA\'s prometheus scaler against the Azure Monitor workspace (managed Prometheus), authenticated with podIdentity azure-workload (the keda identity, Monitoring Data Reader on the workspace).',
    source: 'KEDA docs, "Redis Streams (supports Redis Cluster)" authentication parameters (https://keda.sh/docs/2.16/scalers/redis-cluster-streams/) and "Prometheus", Azure Monitor Managed Service for Prometheus (https://keda.sh/docs/2.19/scalers/prometheus/)',
    checked: '2026-12-01',
  },
  kedaAddon: {
    fact: 'The AKS KEDA add-on is turned on with workloadAutoScalerProfile.keda.enabled and runs the operator as kube-system/keda-operator; with workload identity on the cluster, a federated credential for system:serviceaccount:kube-system:keda-operator lets TriggerAuthentication podIdentity azure-workload use that identity (identityId = its client id).',
    consequence: 'AksCluster enables the add-on; AppIdentities creates the keda identity and its federated credential when monitoring is on.',
    source: 'Microsoft Learn, "Simplified application autoscaling with the KEDA add-on" (https://learn.microsoft.com/azure/aks/keda-about) and "Integrate KEDA with your Azure Kubernetes Service cluster" (https://learn.microsoft.com/azure/azure-monitor/containers/integrate-keda)',
    checked: '2026-12-01',
  },
};

/** Default queue lag (undelivered stream entries) one agent replica is sized for. */
export const DEFAULT_AGENT_QUEUE_LAG_PER_REPLICA = 20;
/** How often KEDA queries the lag (seconds); managed Prometheus scrapes every 30 s. */
export const KEDA_POLLING_INTERVAL_SECONDS = 30;

/**
 * The PromQL KEDA evaluates for the agent: the api's gauge of stream entries not yet delivered to
 * the agents (apps/api/src/queue-metrics.ts; every api replica reports the same value, hence
 * max), on this cluster only (managed Prometheus labels every series with `cluster`). No data
 * (no api scraped yet) is 0, so KEDA falls back to the minimum instead of erroring.
 */
export function agentQueueLagQuery(clusterName: string, apiNamespace: string): string {
  for (const [what, value] of [['clusterName', clusterName], ['apiNamespace', apiNamespace]] as const) {
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(value)) throw new Error(`${what}: "${value}" cannot go into a PromQL label matcher`);
  }
  return `max(jobs_queue_lag{cluster="${clusterName}",namespace="${apiNamespace}"}) or vector(0)`;
}

/** `apps.agent.queueLagPerReplica`: a whole number of entries, 1..10000. */
export function queueLagPerReplicaProblem(value: number): string | undefined {
  if (!Number.isInteger(value) || value < 1 || value > 10000) return `${JSON.stringify(value)} is not allowed; queue lag per replica must be a whole number from 1 to 10000`;
  return undefined;
}
