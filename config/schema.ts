/**
 * The stack configuration schema: every `aks-platform:*` key of
 * `Pulumi.<stack>.yaml`, with its type, defaults and the cross-field rules.
 * Dev and prod differ only in the values of these keys.
 *
 * Objects are strict: an unknown key (a typo) is an error, never ignored.
 */
import { z } from 'zod';
import { REGION_SHORT_NAMES } from '../lib/naming';
import { REGION_ROLES, RegionRole, regionsProblems } from '../lib/regions';
import { FIREWALL_SKUS, firewallSubnetProblems } from '../lib/egress';
import {
  authorizedIpRangeProblem,
  autoscaleBoundsProblem,
  cidrContains,
  cidrProblem,
  cidrsOverlap,
  ipInCidr,
  kubernetesVersionProblem,
  nodePoolNameProblem,
  vmSizeProblem,
  zonesProblem,
} from '../lib/rules';
import { SUPPORT_PLANS, supportPlanProblem } from '../lib/aks-versions';
import { osDiskFit } from '../lib/vm-sizes';
import { appEnvironmentFor, appSizingOverrideSchema, appSizingProblems, mergeAppSizing } from '../lib/app-values';
import { GATEWAY_SIZING, NODE_PORT_RANGE, WAF_MODES, WAF_RATE_LIMIT_DEFAULTS, canaryWeightProblem, customDomainProblem } from '../lib/edge';
import { appAuthConfigSchema } from '../lib/app-auth';
import {
  POSTGRES_VERSIONS,
  POSTGRES_STORAGE_SIZES_GB,
  REDIS_CLASSIC_SKUS,
  REDIS_MANAGED_SKUS,
  postgresSkuProblem,
} from '../lib/data-services-rules';
import { DEFAULT_LOCAL_REGISTRY, LOCAL_GATEWAY_DEFAULTS, LOCAL_GATEWAY_SERVICE_TYPES, localRegistryProblem } from '../lib/local-target';
import { RUNNER_TOKEN_SECRET, sshPublicKeyProblem } from '../lib/operations-runner';
import { LOCAL_DATA_IMAGES } from '../lib/local-data';

/** The config namespace (the Pulumi project name). */
export const CONFIG_NAMESPACE = 'aks-platform';

/** Turns a `(value) => problem | undefined` rule into a zod refinement. */
function rule<T>(check: (value: T) => string | undefined) {
  return (value: T, ctx: z.RefinementCtx) => {
    const problem = check(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  };
}

const cidr = z.string().superRefine(rule(cidrProblem));
const zone = z.enum(['1', '2', '3']);
const zones = z.array(zone).superRefine(rule(zonesProblem));
const vmSize = z.string().superRefine(rule(vmSizeProblem));
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID such as 00000000-0000-0000-0000-000000000000');
const labelValue = z.string().regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'must be a Kubernetes label value (≤ 63 alphanumerics, -, _ or .)').max(63);
const taint = z
  .string()
  .regex(/^[A-Za-z0-9./-]+=[A-Za-z0-9._-]*:(NoSchedule|PreferNoSchedule|NoExecute)$/, 'must be a taint such as key=value:NoSchedule (effects: NoSchedule, PreferNoSchedule, NoExecute)');

/** Tags: the platform adds `environment` and `managed-by`; these say who owns the resources. */
export const tagsSchema = z
  .object({
    /** Owning team (tag `team`). */
    team: z.string().min(1),
    /** Service name (tag `service`). */
    service: z.string().min(1),
    /** Cost centre (tag `cost-center`). */
    costCenter: z.string().min(1),
    /** Further tags; may not override the required ones. */
    extra: z.record(z.string(), z.string().max(256)).default({}),
  })
  .strict();

export const networkSchema = z
  .object({
    /** Address space of the VNet. */
    vnetCidr: cidr,
    /** Subnets, each inside the VNet and not overlapping. */
    subnets: z
      .object({
        /** AKS nodes (pods use the overlay CIDR, not VNet addresses). */
        nodes: cidr,
        /** Private endpoints of the registry, vault and data services. */
        privateEndpoints: cidr,
        /** Self-hosted CI runner / jump host that reaches the private cluster. */
        operations: cidr,
      })
      .strict(),
    /**
     * Restricted egress of the nodes: an Azure Firewall with an FQDN allow-list
     * (lib/egress.ts) in an `AzureFirewallSubnet`, the nodes' 0.0.0.0/0 route
     * through it and AKS `outboundType: userDefinedRouting`. On in prod.
     */
    egressFirewall: z
      .object({
        /** Route the nodes' egress through the firewall. */
        enabled: z.boolean().default(false),
        /** Firewall SKU tier: Standard (FQDN filtering, 30 Gbps) or Premium (adds TLS inspection and IDPS, unused here). */
        sku: z.enum(FIREWALL_SKUS).default('Standard'),
        /** The AzureFirewallSubnet range: a /26 or larger inside the VNet, clear of the other subnets. */
        subnet: cidr.optional(),
      })
      .strict()
      .default({ enabled: false, sku: 'Standard' }),
  })
  .strict();

const poolBase = {
  /** Pool name: lowercase alphanumeric, ≤ 12 characters (Linux) or ≤ 6 (Windows). */
  name: z.string(),
  /** VM size, e.g. Standard_D4ds_v5. */
  vmSize,
  /** Autoscaler lower bound. */
  minCount: z.number().int().min(0),
  /** Autoscaler upper bound. */
  maxCount: z.number().int().min(1),
  /** Availability zones ("1", "2", "3"); empty for none. */
  zones: zones.default([]),
  /** Ephemeral OS disks (VM cache/temp disk) or Managed. */
  osDiskType: z.enum(['Ephemeral', 'Managed']).default('Ephemeral'),
  /** OS disk size in GiB; for Ephemeral it must fit the VM's cache or temp disk. Default: the VM size's default. */
  osDiskSizeGb: z.number().int().min(30).max(2048).optional(),
  /** Maximum pods per node (overlay allows up to 250). */
  maxPods: z.number().int().min(30).max(250).default(110),
  /** Node upgrade surge, e.g. "33%" or "1". */
  maxSurge: z.string().regex(/^([1-9][0-9]?%|100%|[1-9][0-9]*)$/, 'must be a node count such as "1" or a percentage such as "33%"').default('33%'),
};

export const systemPoolSchema = z
  .object({
    ...poolBase,
    /** Taint the pool CriticalAddonsOnly=true:NoSchedule so only system add-ons run on it. */
    onlyCriticalAddons: z.boolean().default(true),
  })
  .strict();

export const userPoolSchema = z
  .object({
    ...poolBase,
    /** OS of the pool's nodes. */
    osType: z.enum(['Linux', 'Windows']).default('Linux'),
    /** Spot VMs (evictable, cheap); only where `cluster.allowSpot` is true. */
    spot: z.boolean().default(false),
    /** Kubernetes node labels. */
    labels: z.record(z.string(), labelValue).default({}),
    /** Kubernetes node taints, e.g. workload=memory:NoSchedule. */
    taints: z.array(taint).default([]),
  })
  .strict();

export const clusterSchema = z
  .object({
    /** Kubernetes version, MAJOR.MINOR (patches arrive by auto-upgrade) or MAJOR.MINOR.PATCH. */
    kubernetesVersion: z.string().superRefine(rule(kubernetesVersionProblem)),
    /** Control-plane tier: Standard has the uptime SLA (production); Premium adds long-term support. */
    tier: z.enum(['Free', 'Standard', 'Premium']),
    /** Support plan: KubernetesOfficial (community support), or AKSLongTermSupport (Premium tier only; a version stays two years from GA). */
    supportPlan: z.enum(SUPPORT_PLANS).default('KubernetesOfficial'),
    /** Private API server (reachable only from the VNet). */
    privateCluster: z.boolean(),
    /** Public API server only: the egress ranges allowed to reach it. */
    authorizedIpRanges: z.array(z.string().superRefine(rule(authorizedIpRangeProblem))).default([]),
    /** Disable local (certificate) accounts, so access goes through Entra ID only. */
    disableLocalAccounts: z.boolean().default(true),
    /** Entra ID groups that get cluster-admin. */
    adminGroupObjectIds: z.array(uuid).default([]),
    /** Network policy engine. */
    networkPolicy: z.enum(['cilium', 'azure', 'calico']).default('cilium'),
    /** Overlay pod CIDR (must not overlap the VNet or the service CIDR). */
    podCidr: cidr.default('192.168.0.0/16'),
    /** Kubernetes service CIDR (must not overlap the VNet or the pod CIDR). */
    serviceCidr: cidr.default('172.16.0.0/16'),
    /** Cluster DNS service IP, inside the service CIDR. */
    dnsServiceIp: z.string().default('172.16.0.10'),
    /** Cluster auto-upgrade channel. */
    upgradeChannel: z.enum(['patch', 'stable', 'rapid', 'node-image']).default('patch'),
    /** Node OS image upgrade channel. */
    nodeOsUpgradeChannel: z.enum(['NodeImage', 'SecurityPatch']).default('NodeImage'),
    /** Weekly maintenance window for both upgrade channels. */
    maintenanceWindow: z
      .object({
        /** Day of the week. */
        day: z.enum(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']),
        /** Start hour, UTC (0–23). */
        startHour: z.number().int().min(0).max(23),
        /** Length in hours (AKS requires at least 4). */
        durationHours: z.number().int().min(4).max(24),
      })
      .strict(),
    /** Log Analytics retention for Container Insights and audit logs (days). */
    logRetentionDays: z.number().int().min(30).max(730).default(30),
    /** Microsoft Defender for Containers (runtime threat detection, reporting to the cluster's workspace); billed per vCore. On in prod. */
    defender: z.boolean().default(false),
    /** Image Cleaner: remove unused (and vulnerable) images from the nodes every N hours (24–2160); 0 turns it off. Free; default weekly. */
    imageCleanerIntervalHours: z.number().int().refine((h) => h === 0 || (h >= 24 && h <= 2160), 'must be 0 (off) or 24–2160 hours').default(168),
    /**
     * Effect of the Azure Policy assignment of the built-in initiative "Kubernetes cluster pod
     * security restricted standards for Linux-based workloads" on the app namespaces:
     * `Audit` reports violations, `Deny` blocks them at admission (prod).
     */
    podSecurityPolicyEffect: z.enum(['Audit', 'Deny']).default('Audit'),
    /** How the generated kubeconfig logs in (kubelogin --login): azurecli locally, workloadidentity in CI. */
    kubeloginMode: z.enum(['azurecli', 'workloadidentity', 'spn', 'msi']).default('azurecli'),
    /** Allow spot user pools (dev only: evictable nodes). */
    allowSpot: z.boolean().default(false),
    /** The system pool (inline in the cluster). */
    systemPool: systemPoolSchema,
    /** User pools, each a separate AgentPool resource. */
    userPools: z.array(userPoolSchema).default([]),
  })
  .strict();

export const registrySchema = z
  .object({
    /** ACR SKU; private endpoints, zone redundancy and retention need Premium. */
    sku: z.enum(['Basic', 'Standard', 'Premium']),
    /** Disable public access and reach the registry through a private endpoint (Premium). */
    privateEndpoint: z.boolean().default(false),
    /** Zone-redundant registry (Premium). */
    zoneRedundancy: z.boolean().default(false),
    /** Days to keep untagged manifests (Premium); 0 disables the retention policy. */
    untaggedRetentionDays: z.number().int().min(0).max(365).default(0),
  })
  .strict();

export const postgresSchema = z
  .object({
    /** PostgreSQL major version. */
    version: z.enum(POSTGRES_VERSIONS).default('16'),
    /** Compute tier. */
    tier: z.enum(['Burstable', 'GeneralPurpose', 'MemoryOptimized']),
    /** Compute SKU matching the tier: Standard_B* (Burstable), Standard_D* (GeneralPurpose), Standard_E* (MemoryOptimized). */
    skuName: vmSize,
    /** Storage in GiB; one of the sizes the service offers. */
    storageSizeGb: z.number().int().refine((n) => (POSTGRES_STORAGE_SIZES_GB as readonly number[]).includes(n), {
      message: `must be one of the storage sizes the service offers: ${POSTGRES_STORAGE_SIZES_GB.join(', ')} GiB`,
    }),
    /** Zone-redundant high availability (not on Burstable). */
    highAvailability: z.boolean().default(false),
    /** Geo-redundant backups (paired region). */
    geoRedundantBackup: z.boolean().default(false),
    /** Backup retention in days (7–35). */
    backupRetentionDays: z.number().int().min(7).max(35).default(7),
    /** Application databases to create. */
    databases: z.array(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase PostgreSQL identifier (letters, digits, _; ≤ 63)')).min(1).default(['app']),
  })
  .strict();

export const redisSchema = z
  .object({
    /** `managed` = Azure Managed Redis (default); `classic` = Azure Cache for Redis Premium (retires 2028-09-30). */
    kind: z.enum(['managed', 'classic']).default('managed'),
    /** SKU: Azure Managed Redis (e.g. Balanced_B1) or classic Premium (P1–P5). */
    sku: z.string(),
    /** High availability (replication); required in production. */
    highAvailability: z.boolean().default(true),
    /** Azure Managed Redis persistence: None, AOF (every write) or RDB (snapshots). */
    persistence: z.enum(['None', 'AOF', 'RDB']).default('None'),
  })
  .strict();

export const keyVaultSchema = z
  .object({
    /** Vault SKU. */
    sku: z.enum(['standard', 'premium']).default('standard'),
    /** Soft-delete retention (7–90 days). */
    softDeleteRetentionDays: z.number().int().min(7).max(90).default(90),
    /** Disable public access and reach the vault through a private endpoint. */
    privateEndpoint: z.boolean().default(true),
  })
  .strict();

const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be a Docker tag (letters, digits, _ . -; ≤ 128)');

/** A canary release of one app: the current source, tagged `imageTag`, gets `weight` percent of the traffic. */
export const canarySchema = z
  .object({
    /** Tag of the canary image (built from the current source). */
    imageTag,
    /** Percent of the app's route traffic for the canary track, 0–100. */
    weight: z.number().superRefine(rule((w: number) => (canaryWeightProblem(w) ? `${w} must be an integer percentage from 0 to 100` : undefined))),
  })
  .strict();

/** One app's settings: sizing on top of the environment's profile, and an optional canary. */
export const appSettingsSchema = appSizingOverrideSchema.extend({
  /** Canary release (api and frontend): `{ imageTag, weight }`. Promote: set `apps.imageTag` to it and remove the block; roll back: remove the block. */
  canary: canarySchema.optional(),
});

export const appsSchema = z
  .object({
    /** Image tag; defaults to the current git commit. With a canary, the stable tag (an image an earlier run pushed). */
    imageTag: imageTag.optional(),
    /**
     * Per app, the digest (`sha256:<64 hex>`) of the image CI built once, scanned, attested and
     * pushed to this stack's registry as `aks-platform/<app>`: `pulumi up` deploys that digest and
     * builds nothing for the app. Set by the deploy workflow; unset on a workstation (the image is built).
     */
    imageDigests: z
      .object({
        api: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be an image digest: sha256:<64 lowercase hex>').optional(),
        agent: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be an image digest: sha256:<64 lowercase hex>').optional(),
        frontend: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'must be an image digest: sha256:<64 lowercase hex>').optional(),
      })
      .strict()
      .optional(),
    /** Custom domain on Front Door, with a Front Door managed certificate (optional: without it the apps answer on the Front Door endpoint host). */
    host: z.string().superRefine(rule(customDomainProblem)).optional(),
    /**
     * Existing Entra app registrations for sign-in (`apiClientId`, `spaClientId`, `scope`).
     * Omitted: the program creates them. Sign-in cannot be switched off.
     */
    auth: appAuthConfigSchema.optional(),
    /** Settings of the api (lib/app-values.ts SIZING_PRESETS, plus canary). */
    api: appSettingsSchema.default({}),
    /** Settings of the agent. */
    agent: appSettingsSchema.default({}),
    /** Settings of the frontend. */
    frontend: appSettingsSchema.default({}),
  })
  .strict();

/** The public edge: the in-cluster gateway and Azure Front Door Premium. */
export const edgeSchema = z
  .object({
    /** Gateway (Traefik) sizing on top of the environment's preset (lib/edge.ts GATEWAY_SIZING). */
    gateway: z
      .object({
        replicas: z.number().int().min(1).max(20).optional(),
        zoneSpread: z.enum(['required', 'preferred']).optional(),
        cpuRequest: z.string().optional(),
        cpuLimit: z.string().optional(),
        memoryRequest: z.string().optional(),
        memoryLimit: z.string().optional(),
        /** Node pool for the gateway pods. */
        nodePool: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, 'must be an AKS node pool name').optional(),
      })
      .strict()
      .default({}),
    /** Front Door. */
    frontDoor: z
      .object({
        /** WAF mode: Prevention (required in prod) or Detection (logs only). */
        wafMode: z.enum(WAF_MODES).default('Prevention'),
        /** Rate limit per client IP. */
        rateLimit: z
          .object({
            requestsPerWindow: z.number().int().min(10).max(100000).default(WAF_RATE_LIMIT_DEFAULTS.requestsPerWindow),
            windowMinutes: z
              .number()
              .refine((m) => m === 1 || m === 5, 'must be 1 or 5 (the windows Front Door offers)')
              .default(WAF_RATE_LIMIT_DEFAULTS.windowMinutes),
          })
          .strict()
          .default({ requestsPerWindow: WAF_RATE_LIMIT_DEFAULTS.requestsPerWindow, windowMinutes: WAF_RATE_LIMIT_DEFAULTS.windowMinutes }),
        /** Seconds Front Door waits for the gateway's response (16–240). */
        originResponseTimeoutSeconds: z.number().int().min(16).max(240).default(60),
      })
      .strict()
      .default({ wafMode: 'Prevention', rateLimit: { requestsPerWindow: WAF_RATE_LIMIT_DEFAULTS.requestsPerWindow, windowMinutes: WAF_RATE_LIMIT_DEFAULTS.windowMinutes }, originResponseTimeoutSeconds: 60 }),
  })
  .strict();

/**
 * The optional operations runner: a VM scale set in the `operations` subnet
 * that registers as an ephemeral GitHub Actions runner, so CI has line of
 * sight to the private API server and registry (docs/setup.md).
 */
export const operationsRunnerSchema = z
  .object({
    /** Create the runner. */
    enabled: z.boolean().default(false),
    /** Repository the runner registers with, `owner/name`. */
    githubRepository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/, 'must be a GitHub repository such as contoso/aks-platform'),
    /** VM size of the runner instances. */
    vmSize: vmSize.default('Standard_D2ds_v5'),
    /** Runner instances (each runs one job at a time). */
    instances: z.number().int().min(1).max(10).default(1),
    /**
     * SSH public key of the instances' admin user (`ssh-ed25519 ...` or
     * `ssh-rsa ...` of 2048+ bits): password sign-in is off, and the state
     * holds no admin credential. The instances take no inbound connection;
     * break-glass is `az vmss run-command invoke` (docs/runbooks.md).
     */
    adminSshPublicKey: z.string().min(1).optional(),
    /**
     * No longer accepted: a GitHub token in the stack config is readable by
     * anyone who can decrypt the stack. The token is written into the vault
     * out of band (docs/setup.md step 6); a value here is refused with that hint.
     */
    githubToken: z.unknown().optional(),
  })
  .strict();

export const monitoringSchema = z
  .object({
    /** Stand up managed Prometheus, Azure Managed Grafana with the dashboards, and the alerts. */
    enabled: z.boolean().default(true),
    /** Entra groups of the platform team: their Grafana role on the instance. */
    platformTeamGroupObjectIds: z.array(uuid).default([]),
    /** Grafana role of the platform team. */
    grafanaRole: z.enum(['Admin', 'Editor', 'Viewer']).default('Editor'),
    /** Zone-redundant Grafana (production). */
    grafanaZoneRedundancy: z.boolean().default(false),
    /** Who the alerts reach by e-mail: [{ name, emailAddress }]. */
    emailReceivers: z
      .array(
        z
          .object({
            /** Receiver name, unique in the action group. */
            name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,127}$/, 'must be 1–128 letters, digits, space, _ . -'),
            /** E-mail address. */
            emailAddress: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address'),
          })
          .strict(),
      )
      .default([]),
    /** Webhooks the alerts are posted to (common alert schema): [{ name, serviceUri }]; no tokens in the URI (it is plain config). */
    webhookReceivers: z
      .array(
        z
          .object({
            /** Receiver name, unique in the action group. */
            name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,127}$/, 'must be 1–128 letters, digits, space, _ . -'),
            /** HTTPS URL. */
            serviceUri: z.string().regex(/^https:\/\/\S+$/, 'must be an https:// URL'),
          })
          .strict(),
      )
      .default([]),
    /** URL of docs/runbooks.md that each alert's runbook_url points into (`<url>#<section>`). */
    runbookBaseUrl: z.string().regex(/^(https:\/\/\S+|docs\/runbooks\.md)$/, 'must be an https:// URL of docs/runbooks.md (or the repository path docs/runbooks.md)').default('docs/runbooks.md'),
  })
  .strict();

/**
 * One region of a multi-region stack (lib/regions.ts): a regional stamp. The stack's
 * `location` is one of them (the home region: it keeps the top-level `network` and holds
 * the global layer); every other region has its own `network`, disjoint from the others.
 */
export const regionSchema = z
  .object({
    /** Azure region. */
    location: z.enum(Object.keys(REGION_SHORT_NAMES) as [string, ...string[]]),
    /** `primary`: the writable PostgreSQL server; `standby`: a read replica of it, and the apps read-only. */
    role: z.enum(REGION_ROLES as [RegionRole, ...RegionRole[]]),
    /** VNet and subnets of this region (not for the stack's location, which uses the top-level `network`). */
    network: networkSchema.optional(),
    /** This region's node pools, when they differ from the top-level `cluster`'s. */
    cluster: z
      .object({
        systemPool: systemPoolSchema.optional(),
        userPools: z.array(userPoolSchema).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Every `aks-platform:*` key, each valid on its own. */
export const stackConfigFieldsSchema = z
  .object({
    /** Environment name, used in names and tags (e.g. dev, prod). */
    environment: z.string().regex(/^[a-z][a-z0-9]{1,7}$/, 'must be 2–8 lowercase letters or digits, starting with a letter (e.g. dev, prod)'),
    /** Azure region. */
    location: z.enum(Object.keys(REGION_SHORT_NAMES) as [string, ...string[]]),
    /** Workload prefix for resource names. */
    prefix: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, 'must be 2–10 lowercase letters or digits, starting with a letter'),
    /** Ownership tags. */
    tags: tagsSchema,
    /** VNet and subnets (of the stack's `location`). */
    network: networkSchema,
    /**
     * Two or more regions, each a regional stamp behind one Front Door (lib/regions.ts).
     * Absent: one region, the stack's `location`, as before.
     */
    regions: z.array(regionSchema).min(1).optional(),
    /** The region Front Door prefers (origin priority 1); default the primary. Flipping it changes only the origin priorities. */
    activeRegion: z.enum(Object.keys(REGION_SHORT_NAMES) as [string, ...string[]]).optional(),
    /** AKS cluster and node pools. */
    cluster: clusterSchema,
    /** Container registry. */
    registry: registrySchema,
    /** PostgreSQL flexible server. */
    postgres: postgresSchema,
    /** Redis. */
    redis: redisSchema,
    /** Key Vault. */
    keyVault: keyVaultSchema.default({ sku: 'standard', softDeleteRetentionDays: 90, privateEndpoint: true }),
    /** The three apps. */
    apps: appsSchema,
    /** The public edge: gateway and Front Door. */
    edge: edgeSchema.default({ gateway: {}, frontDoor: { wafMode: 'Prevention', rateLimit: { requestsPerWindow: WAF_RATE_LIMIT_DEFAULTS.requestsPerWindow, windowMinutes: WAF_RATE_LIMIT_DEFAULTS.windowMinutes }, originResponseTimeoutSeconds: 60 } }),
    /** Monitoring: managed Prometheus, Grafana and the alerts (off when the key is absent). */
    monitoring: monitoringSchema.default({
      enabled: false,
      platformTeamGroupObjectIds: [],
      grafanaRole: 'Editor',
      grafanaZoneRedundancy: false,
      emailReceivers: [],
      webhookReceivers: [],
      runbookBaseUrl: 'docs/runbooks.md',
    }),
    /** Protect stateful resources (database, cache, vault) from `pulumi destroy` and replacement. */
    protectStatefulResources: z.boolean().default(false),
    /**
     * What `pulumi up` deploys: `full` (default) = Azure and the apps; `infrastructure` =
     * the Azure side only (no Kubernetes resources, no image pushes), for the first run
     * from a workstation without line of sight to the private API server and registry.
     */
    phase: z.enum(['infrastructure', 'full']).default('full'),
    /** Optional in-VNet GitHub Actions runner (the second phase's line of sight). */
    operationsRunner: operationsRunnerSchema.optional(),
    /** Who runs `pulumi up`: `ServicePrincipal` (CI, default) or `User` (a workstation); its role assignments must say which. */
    deployerPrincipalType: z.enum(['ServicePrincipal', 'User']).default('ServicePrincipal'),
  })
  .strict();

/** Subnets inside the VNet and clear of each other, and the egress firewall's subnet, for one region's network at `path`. */
function networkIssues(network: z.infer<typeof networkSchema>, path: (string | number)[], issue: (path: (string | number)[], message: string) => void): void {
  const subnets = Object.entries(network.subnets);
  for (const [role, range] of subnets) {
    if (!cidrContains(network.vnetCidr, range)) {
      issue([...path, 'subnets', role], `"${range}" is not inside the VNet address space ${network.vnetCidr}`);
    }
  }
  subnets.forEach(([roleA, a], i) => {
    subnets.slice(i + 1).forEach(([roleB, b]) => {
      if (cidrsOverlap(a, b)) issue([...path, 'subnets', roleB], `"${b}" overlaps subnet ${roleA} (${a}); subnets must not overlap`);
    });
  });
  // Egress firewall: its AzureFirewallSubnet (/26 or larger) inside the VNet, clear of the other subnets.
  const egress = network.egressFirewall;
  if (egress.enabled) {
    const at = [...path, 'egressFirewall', 'subnet'];
    const problems = firewallSubnetProblems('subnet', egress.subnet);
    for (const p of problems) issue(at, p.problem);
    if (problems.length === 0 && egress.subnet !== undefined) {
      if (!cidrContains(network.vnetCidr, egress.subnet)) issue(at, `"${egress.subnet}" is not inside the VNet address space ${network.vnetCidr}`);
      for (const [role, range] of subnets) {
        if (cidrsOverlap(range, egress.subnet)) issue(at, `"${egress.subnet}" overlaps subnet ${role} (${range}); subnets must not overlap`);
      }
    }
  }
}

/**
 * The rules between fields. Zod would run them even when a field failed its
 * own rule, so {@link parseStackConfig} applies them only to valid fields.
 */
export const stackConfigSchema = stackConfigFieldsSchema.superRefine((cfg, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

  // Network: subnets inside the VNet, no overlaps; in every region.
  networkIssues(cfg.network, ['network'], issue);
  cfg.regions?.forEach((region, i) => {
    if (region.network) networkIssues(region.network, ['regions', i, 'network'], issue);
  });
  if (cfg.regions) {
    const problems = regionsProblems({
      home: { location: cfg.location, vnetCidr: cfg.network.vnetCidr },
      regions: cfg.regions.map((r) => ({ location: r.location, role: r.role, vnetCidr: r.network?.vnetCidr, hasNetwork: r.network !== undefined })),
      activeRegion: cfg.activeRegion,
      postgres: cfg.postgres,
      registry: cfg.registry,
      redis: cfg.redis,
    });
    for (const p of problems) issue(p.path, p.message);
  } else if (cfg.activeRegion !== undefined && cfg.activeRegion !== cfg.location) {
    issue(['activeRegion'], `"${cfg.activeRegion}" is not a configured region; allowed: ${cfg.location} (add \`regions\` for more)`);
  }

  // Cluster networking: overlay and service ranges clear of the VNet and each other.
  const c = cfg.cluster;
  for (const key of ['podCidr', 'serviceCidr'] as const) {
    for (const vnet of [cfg.network.vnetCidr, ...(cfg.regions ?? []).flatMap((r) => (r.network ? [r.network.vnetCidr] : []))]) {
      if (cidrsOverlap(c[key], vnet)) issue(['cluster', key], `"${c[key]}" overlaps the VNet ${vnet}`);
    }
  }
  if (cidrsOverlap(c.podCidr, c.serviceCidr)) issue(['cluster', 'serviceCidr'], `"${c.serviceCidr}" overlaps the pod CIDR ${c.podCidr}`);
  if (!ipInCidr(c.dnsServiceIp, c.serviceCidr)) issue(['cluster', 'dnsServiceIp'], `"${c.dnsServiceIp}" is not an address inside the service CIDR ${c.serviceCidr}`);

  // API server exposure.
  if (!c.privateCluster && c.authorizedIpRanges.length === 0) {
    issue(['cluster', 'authorizedIpRanges'], 'a public API server (privateCluster: false) needs at least one authorized IP range; or set privateCluster: true');
  }
  if (c.privateCluster && c.authorizedIpRanges.length > 0) {
    issue(['cluster', 'authorizedIpRanges'], 'authorized IP ranges apply to a public API server only; remove them or set privateCluster: false');
  }

  const planProblem = supportPlanProblem(c.tier, c.supportPlan);
  if (planProblem) issue(['cluster', 'supportPlan'], planProblem);

  // Node pools.
  const fit = (path: (string | number)[], pool: { vmSize: string; osDiskType: string; osDiskSizeGb?: number }) => {
    const found = osDiskFit(pool).problem;
    if (found) issue([...path, found.field], found.message);
  };
  fit(['cluster', 'systemPool'], c.systemPool);
  c.userPools.forEach((pool, i) => fit(['cluster', 'userPools', i], pool));
  const systemProblem = nodePoolNameProblem(c.systemPool.name, 'Linux');
  if (systemProblem) issue(['cluster', 'systemPool', 'name'], systemProblem);
  const systemBounds = autoscaleBoundsProblem(c.systemPool.minCount, c.systemPool.maxCount, 'System');
  if (systemBounds) issue(['cluster', 'systemPool', 'minCount'], systemBounds);
  const seen = new Map<string, string>([[c.systemPool.name, 'systemPool']]);
  c.userPools.forEach((pool, i) => {
    const at = (key: string) => ['cluster', 'userPools', i, key];
    const nameProblem = nodePoolNameProblem(pool.name, pool.osType);
    if (nameProblem) issue(at('name'), nameProblem);
    const clash = seen.get(pool.name);
    if (clash) issue(at('name'), `"${pool.name}" is already used by ${clash}; node pool names must be unique`);
    seen.set(pool.name, `userPools[${i}]`);
    const bounds = autoscaleBoundsProblem(pool.minCount, pool.maxCount, 'User');
    if (bounds) issue(at('minCount'), bounds);
    if (pool.spot && !c.allowSpot) issue(at('spot'), 'spot pools are not allowed in this stack; set cluster.allowSpot: true (dev only) or spot: false');
  });

  // Operations runner.
  const runner = cfg.operationsRunner;
  if (runner?.githubToken !== undefined) {
    // Reported on the parent key: the validator appends a scalar's value to the message, and this one is a secret.
    issue(
      ['operationsRunner'],
      `githubToken is no longer read: a token in the stack config is readable by whoever can decrypt the stack. Write it into the vault out of band as the secret ${RUNNER_TOKEN_SECRET} (docs/setup.md step 6), then run: pulumi config rm --path aks-platform:operationsRunner.githubToken`,
    );
  }
  if (runner?.enabled && runner.adminSshPublicKey === undefined) {
    issue(['operationsRunner', 'adminSshPublicKey'], 'is required when the runner is enabled (password sign-in is off): pulumi config set --path aks-platform:operationsRunner.adminSshPublicKey "$(cat ~/.ssh/<key>.pub)"');
  }
  if (runner?.adminSshPublicKey !== undefined) {
    const problem = sshPublicKeyProblem(runner.adminSshPublicKey);
    if (problem) issue(['operationsRunner', 'adminSshPublicKey'], problem);
  }

  // Registry features that need Premium.
  const r = cfg.registry;
  if (r.sku !== 'Premium') {
    if (r.privateEndpoint) issue(['registry', 'privateEndpoint'], `a private endpoint needs the Premium SKU (sku is ${r.sku})`);
    if (r.zoneRedundancy) issue(['registry', 'zoneRedundancy'], `zone redundancy needs the Premium SKU (sku is ${r.sku})`);
    if (r.untaggedRetentionDays > 0) issue(['registry', 'untaggedRetentionDays'], `a retention policy needs the Premium SKU (sku is ${r.sku}); use 0`);
  }

  // PostgreSQL.
  const p = cfg.postgres;
  const skuProblem = postgresSkuProblem(p.skuName, p.tier);
  if (skuProblem) issue(['postgres', 'skuName'], skuProblem);
  if (p.highAvailability && p.tier === 'Burstable') {
    issue(['postgres', 'highAvailability'], 'high availability is not available on the Burstable tier; use GeneralPurpose or MemoryOptimized, or highAvailability: false');
  }

  // Redis SKU by kind.
  const redisSkus: readonly string[] = cfg.redis.kind === 'managed' ? REDIS_MANAGED_SKUS : REDIS_CLASSIC_SKUS;
  if (!redisSkus.includes(cfg.redis.sku)) {
    issue(['redis', 'sku'], `"${cfg.redis.sku}" is not a ${cfg.redis.kind === 'managed' ? 'Azure Managed Redis' : 'classic Azure Cache for Redis Premium'} SKU; allowed: ${redisSkus.join(', ')}`);
  }

  // Edge: Prevention in prod, a gateway that fits the environment.
  const env = appEnvironmentFor(cfg.environment);
  if (env === 'prod' && cfg.edge.frontDoor.wafMode !== 'Prevention') {
    issue(['edge', 'frontDoor', 'wafMode'], `"${cfg.edge.frontDoor.wafMode}" is not allowed in prod; the WAF blocks in prod: use Prevention`);
  }
  const gw = { ...GATEWAY_SIZING[env], ...cfg.edge.gateway };
  if (env === 'prod' && gw.replicas < 3) issue(['edge', 'gateway', 'replicas'], `prod needs at least 3 gateway replicas (one per zone), got ${gw.replicas}`);
  if (env === 'prod' && gw.zoneSpread !== 'required') issue(['edge', 'gateway', 'zoneSpread'], 'prod spreads the gateway across zones with "required"');

  // Canaries: api and frontend only, another tag than the stable one, which must be named.
  for (const app of ['api', 'agent', 'frontend'] as const) {
    const canary = cfg.apps[app].canary;
    if (!canary) continue;
    if (app === 'agent') issue(['apps', 'agent', 'canary'], 'the agent has no route to split; canary releases apply to the api and the frontend');
    if (!cfg.apps.imageTag) issue(['apps', 'imageTag'], `a canary (apps.${app}.canary) needs the stable tag: set apps.imageTag to the image the stable track keeps`);
    else if (canary.imageTag === cfg.apps.imageTag) issue(['apps', app, 'canary', 'imageTag'], `"${canary.imageTag}" is the stable tag (apps.imageTag); a canary runs another image`);
  }

  // Monitoring: alerts must reach someone.
  const mon = cfg.monitoring;
  if (mon.enabled && mon.emailReceivers.length + mon.webhookReceivers.length === 0) {
    issue(['monitoring', 'emailReceivers'], 'monitoring is enabled but the alerts reach nobody: add an e-mail or webhook receiver, or set monitoring.enabled: false');
  }
  const receiverNames = [...mon.emailReceivers, ...mon.webhookReceivers].map((r) => r.name);
  receiverNames.forEach((n, i) => {
    if (receiverNames.indexOf(n) !== i) issue(['monitoring', 'emailReceivers'], `receiver name "${n}" is used twice; receiver names must be unique`);
  });


  // Apps: sizing valid for the environment's profile, on pools that exist. A
  // pool's own taints (spot, workload taints) are tolerated by the chart
  // (appPoolTolerations); the CriticalAddonsOnly system pool is refused, since
  // tolerating it would put apps where AKS keeps room for system add-ons.
  const schedulable = new Set([...(c.systemPool.onlyCriticalAddons ? [] : [c.systemPool.name]), ...c.userPools.map((pool) => pool.name)]);
  const criticalOnly = c.systemPool.onlyCriticalAddons ? c.systemPool.name : undefined;
  for (const app of ['api', 'agent', 'frontend'] as const) {
    const { canary: _canary, ...override } = cfg.apps[app];
    const sizing = mergeAppSizing(app, appEnvironmentFor(cfg.environment), override);
    for (const problem of appSizingProblems(app, appEnvironmentFor(cfg.environment), sizing)) {
      const [, key, message] = /^apps\.[a-z]+\.([A-Za-z.]+): (.*)$/.exec(problem) ?? [undefined, '', problem];
      issue(['apps', app, ...key.split('.').filter(Boolean)], message);
    }
    if (sizing.nodePool !== undefined && sizing.nodePool === criticalOnly) {
      issue(['apps', app, 'nodePool'], `"${sizing.nodePool}" is the system pool, tainted CriticalAddonsOnly for system add-ons only; allowed: ${[...schedulable].join(', ') || '(none: add a user pool)'} (or set cluster.systemPool.onlyCriticalAddons: false)`);
    } else if (sizing.nodePool !== undefined && !schedulable.has(sizing.nodePool)) {
      issue(['apps', app, 'nodePool'], `"${sizing.nodePool}" is not a pool apps can run on; allowed: ${[...schedulable].join(', ') || '(none: add a user pool)'}`);
    }
  }
  if (cfg.edge.gateway.nodePool !== undefined && !schedulable.has(cfg.edge.gateway.nodePool)) {
    issue(['edge', 'gateway', 'nodePool'], `"${cfg.edge.gateway.nodePool}" is not a pool the gateway can run on; allowed: ${[...schedulable].join(', ') || '(none: add a user pool)'}`);
  }
});

/** The validated stack configuration, with defaults applied. */
export type StackConfig = z.infer<typeof stackConfigSchema>;
/** The same, as written in `Pulumi.<stack>.yaml` (defaults optional). */
export type StackConfigInput = z.input<typeof stackConfigSchema>;

/**
 * The `local` target (`aks-platform:target: local`, Pulumi.local.yaml): the same chart and apps
 * on the current kubeconfig context, with PostgreSQL and Redis in-cluster. It has none of the
 * Azure sections (network, cluster, registry, postgres, redis, keyVault): an Azure key here is an
 * unknown key. Read by config/validate.ts `parseTargetConfig`.
 */
export const localClusterSchema = z
  .object({
    /** kubeconfig context to deploy to (kind-*, k3d-*, minikube, docker-desktop); default: the current context. */
    kubeContext: z.string().min(1).optional(),
    /** Registry the images are pushed to and pulled from, host[:port] as Docker and the cluster both reach it. */
    registry: z.string().superRefine(rule(localRegistryProblem)).default(DEFAULT_LOCAL_REGISTRY),
    /** PostgreSQL StatefulSet: official image and volume size. */
    postgres: z
      .object({
        /** Official image, pinned to a version. */
        image: z.string().default(LOCAL_DATA_IMAGES.postgres),
        /** Volume size, e.g. 1Gi. */
        storageSize: z.string().regex(/^\d+(Mi|Gi)$/, 'must be a size such as 512Mi or 1Gi').default('1Gi'),
      })
      .strict()
      .default({ image: LOCAL_DATA_IMAGES.postgres, storageSize: '1Gi' }),
    /** Redis StatefulSet: official image and volume size. */
    redis: z
      .object({
        /** Official image, pinned to a version. */
        image: z.string().default(LOCAL_DATA_IMAGES.redis),
        /** Volume size, e.g. 256Mi. */
        storageSize: z.string().regex(/^\d+(Mi|Gi)$/, 'must be a size such as 256Mi or 1Gi').default('256Mi'),
      })
      .strict()
      .default({ image: LOCAL_DATA_IMAGES.redis, storageSize: '256Mi' }),
    /**
     * The platform gateway (Traefik + Gateway API, the same component as in Azure, without its
     * Azure load balancer settings): the apps' HTTPRoutes attach to it. Which Service type each
     * local cluster supports: lib/local-target.ts LOCAL_CLUSTER_GATEWAY (README "Run it locally").
     */
    gateway: z
      .object({
        /** `NodePort` (default; every local cluster) or `LoadBalancer` (k3d, Docker Desktop, minikube with `minikube tunnel`, kind with cloud-provider-kind). */
        serviceType: z.enum(LOCAL_GATEWAY_SERVICE_TYPES).default(LOCAL_GATEWAY_DEFAULTS.serviceType),
        /** Fixed node port of the gateway's http listener (kind maps it to the host with extraPortMappings). */
        nodePort: z.number().int().min(NODE_PORT_RANGE.min).max(NODE_PORT_RANGE.max).default(LOCAL_GATEWAY_DEFAULTS.nodePort),
        /** Traefik replicas (one node: 1). */
        replicas: z.number().int().min(1).max(3).default(LOCAL_GATEWAY_DEFAULTS.replicas),
      })
      .strict()
      .default({ ...LOCAL_GATEWAY_DEFAULTS }),
  })
  .strict();

export const localStackConfigSchema = z
  .object({
    /** `local`: deploy to the current kubeconfig context instead of Azure. */
    target: z.literal('local'),
    /** Environment name, used in names and labels (e.g. local). */
    environment: stackConfigFieldsSchema.shape.environment,
    /** Workload prefix. */
    prefix: stackConfigFieldsSchema.shape.prefix,
    /** Ownership tags, as labels on the Kubernetes objects. */
    tags: tagsSchema,
    /** The local cluster, registry and data services. */
    local: localClusterSchema.default({
      registry: DEFAULT_LOCAL_REGISTRY,
      postgres: { image: LOCAL_DATA_IMAGES.postgres, storageSize: '1Gi' },
      redis: { image: LOCAL_DATA_IMAGES.redis, storageSize: '256Mi' },
      gateway: { ...LOCAL_GATEWAY_DEFAULTS },
    }),
    /** The three apps: image tag and sizing (no host or TLS: a local cluster has no public entry). */
    apps: appsSchema.pick({ imageTag: true, api: true, agent: true, frontend: true }).strict().default({ api: {}, agent: {}, frontend: {} }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const app of ['api', 'agent', 'frontend'] as const) {
      const sizing = mergeAppSizing(app, 'dev', cfg.apps[app]);
      for (const problem of appSizingProblems(app, 'dev', sizing)) {
        const [, key, message] = /^apps\.[a-z]+\.([A-Za-z.]+): (.*)$/.exec(problem) ?? [undefined, '', problem];
        ctx.addIssue({ code: 'custom', path: ['apps', app, ...key.split('.').filter(Boolean)], message });
      }
      if (sizing.nodePool !== undefined) ctx.addIssue({ code: 'custom', path: ['apps', app, 'nodePool'], message: 'node pools are AKS pools; a local cluster has none, remove the key' });
    }
  });

/** A validated `local` stack configuration. */
export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;
