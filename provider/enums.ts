/**
 * The string enums of the {@link PlatformStack} arguments, in the form Pulumi's
 * schema inference turns into schema enums (a const object plus a type of the
 * same name). The values are the stack-config schema's (config/schema.ts);
 * test/provider-schema.test.ts fails when the two lists differ.
 */
/* eslint-disable @typescript-eslint/no-redeclare */

/** Day of the week of the maintenance window. */
export const WeekDay = { Monday: 'Monday', Tuesday: 'Tuesday', Wednesday: 'Wednesday', Thursday: 'Thursday', Friday: 'Friday', Saturday: 'Saturday', Sunday: 'Sunday' } as const;
export type WeekDay = (typeof WeekDay)[keyof typeof WeekDay];

/** Availability zone. */
export const AvailabilityZone = { Zone1: '1', Zone2: '2', Zone3: '3' } as const;
export type AvailabilityZone = (typeof AvailabilityZone)[keyof typeof AvailabilityZone];

/** OS disk type of a node pool. */
export const OsDiskType = { Ephemeral: 'Ephemeral', Managed: 'Managed' } as const;
export type OsDiskType = (typeof OsDiskType)[keyof typeof OsDiskType];

/** OS of a user pool's nodes. */
export const OsType = { Linux: 'Linux', Windows: 'Windows' } as const;
export type OsType = (typeof OsType)[keyof typeof OsType];

/** AKS control-plane tier. */
export const ClusterTier = { Free: 'Free', Standard: 'Standard', Premium: 'Premium' } as const;
export type ClusterTier = (typeof ClusterTier)[keyof typeof ClusterTier];

/** Network policy engine. */
export const NetworkPolicy = { Cilium: 'cilium', Azure: 'azure', Calico: 'calico' } as const;
export type NetworkPolicy = (typeof NetworkPolicy)[keyof typeof NetworkPolicy];

/** Cluster auto-upgrade channel. */
export const UpgradeChannel = { Patch: 'patch', Stable: 'stable', Rapid: 'rapid', NodeImage: 'node-image' } as const;
export type UpgradeChannel = (typeof UpgradeChannel)[keyof typeof UpgradeChannel];

/** Node OS image upgrade channel. */
export const NodeOsUpgradeChannel = { NodeImage: 'NodeImage', SecurityPatch: 'SecurityPatch' } as const;
export type NodeOsUpgradeChannel = (typeof NodeOsUpgradeChannel)[keyof typeof NodeOsUpgradeChannel];

/** Effect of the restricted pod-security initiative on the app namespaces. */
export const PodSecurityPolicyEffect = { Audit: 'Audit', Deny: 'Deny' } as const;
export type PodSecurityPolicyEffect = (typeof PodSecurityPolicyEffect)[keyof typeof PodSecurityPolicyEffect];

/** How the generated kubeconfig logs in (kubelogin --login). */
export const KubeloginMode = { AzureCli: 'azurecli', WorkloadIdentity: 'workloadidentity', Spn: 'spn', Msi: 'msi' } as const;
export type KubeloginMode = (typeof KubeloginMode)[keyof typeof KubeloginMode];

/** Container registry SKU. */
export const RegistrySku = { Basic: 'Basic', Standard: 'Standard', Premium: 'Premium' } as const;
export type RegistrySku = (typeof RegistrySku)[keyof typeof RegistrySku];

/** PostgreSQL major version. */
export const PostgresVersion = { V15: '15', V16: '16', V17: '17', V18: '18' } as const;
export type PostgresVersion = (typeof PostgresVersion)[keyof typeof PostgresVersion];

/** PostgreSQL compute tier. */
export const PostgresTier = { Burstable: 'Burstable', GeneralPurpose: 'GeneralPurpose', MemoryOptimized: 'MemoryOptimized' } as const;
export type PostgresTier = (typeof PostgresTier)[keyof typeof PostgresTier];

/** Redis offering: Azure Managed Redis or classic Azure Cache for Redis Premium. */
export const RedisKind = { Managed: 'managed', Classic: 'classic' } as const;
export type RedisKind = (typeof RedisKind)[keyof typeof RedisKind];

/** Azure Managed Redis persistence. */
export const RedisPersistence = { None: 'None', Aof: 'AOF', Rdb: 'RDB' } as const;
export type RedisPersistence = (typeof RedisPersistence)[keyof typeof RedisPersistence];

/** Key Vault SKU. */
export const KeyVaultSku = { Standard: 'standard', Premium: 'premium' } as const;
export type KeyVaultSku = (typeof KeyVaultSku)[keyof typeof KeyVaultSku];

/** How an app's pods spread across zones. */
export const ZoneSpread = { Preferred: 'preferred', Required: 'required' } as const;
export type ZoneSpread = (typeof ZoneSpread)[keyof typeof ZoneSpread];

/** An app's log level. */
export const LogLevel = { Fatal: 'fatal', Error: 'error', Warn: 'warn', Info: 'info', Debug: 'debug', Trace: 'trace' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Who runs `pulumi up`. */
export const DeployerPrincipalType = { ServicePrincipal: 'ServicePrincipal', User: 'User' } as const;
export type DeployerPrincipalType = (typeof DeployerPrincipalType)[keyof typeof DeployerPrincipalType];

/** Front Door WAF mode: Prevention blocks (required in prod), Detection only logs. */
export const WafMode = { Prevention: 'Prevention', Detection: 'Detection' } as const;
export type WafMode = (typeof WafMode)[keyof typeof WafMode];
/** AKS support plan (long-term support needs the Premium tier). */
export const SupportPlan = { KubernetesOfficial: 'KubernetesOfficial', AksLongTermSupport: 'AKSLongTermSupport' } as const;
export type SupportPlan = (typeof SupportPlan)[keyof typeof SupportPlan];

/** What `pulumi up` deploys: the Azure side only, or everything. */
export const DeployPhase = { Infrastructure: 'infrastructure', Full: 'full' } as const;
export type DeployPhase = (typeof DeployPhase)[keyof typeof DeployPhase];

/** Grafana role of the platform team. */
export const GrafanaRole = { Admin: 'Admin', Editor: 'Editor', Viewer: 'Viewer' } as const;
export type GrafanaRole = (typeof GrafanaRole)[keyof typeof GrafanaRole];

/** Azure Firewall SKU tier of the egress firewall. */
export const FirewallSku = { Standard: 'Standard', Premium: 'Premium' } as const;
export type FirewallSku = (typeof FirewallSku)[keyof typeof FirewallSku];

/** Role of a region: the primary holds the writable database, a standby its read replica. */
export const RegionRole = { Primary: 'primary', Standby: 'standby' } as const;
export type RegionRole = (typeof RegionRole)[keyof typeof RegionRole];
