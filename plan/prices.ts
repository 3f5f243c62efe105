/**
 * Estimated monthly list prices for the resources the platform creates.
 *
 *   Date:     2026-11 (compiled for issue 6; review every quarter)
 *   Region:   westeurope
 *   Currency: USD, pay-as-you-go retail list prices, Linux, no reservations,
 *             no savings plans, no Dev/Test offer, no taxes
 *   Source:   the pay-as-you-go list prices Azure publishes on the
 *             azure.microsoft.com pricing pages and in the Retail Prices API
 *             (https://prices.azure.com/api/retail/prices; the meters are named
 *             next to each entry), written down by hand and rounded from what the
 *             authors knew in 2026-11. They could NOT be re-checked against the
 *             live API or pages when the table was written (no network access
 *             from the build machines), and the plan never fetches them.
 *
 * These are ESTIMATES for comparing stacks and reviewing a change's cost
 * impact in a PR, not a quote: traffic, log ingestion, storage growth, backup
 * storage beyond the free allowance and data transfer are not included. Check
 * the Azure pricing calculator before budgeting.
 */
import { asArray, equalsIgnoreCase, get, isRecord } from '../policy/props';
import type { ResourceView } from '../policy/model';

export const PRICE_TABLE_INFO = {
  date: '2026-11',
  region: 'westeurope',
  currency: 'USD',
  source: 'Azure pay-as-you-go list prices (azure.microsoft.com pricing pages, Retail Prices API at prices.azure.com), written down by hand and rounded; not re-checked against the live API',
  disclaimer: 'estimates: usage-based charges (log ingestion, traffic, operations, backup storage beyond the free allowance) are not included',
} as const;

/** Hours in a billing month, as Azure's calculator counts them. */
export const HOURS_PER_MONTH = 730;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Linux VM pay-as-you-go price per hour (meter "Virtual Machines <series> Series", westeurope). */
export const VM_HOURLY: Readonly<Record<string, number>> = {
  Standard_D2ds_v5: 0.127,
  Standard_D4ds_v5: 0.254,
  Standard_D8ds_v5: 0.508,
  Standard_D2s_v5: 0.108,
  Standard_D4s_v5: 0.216,
  Standard_E2ds_v5: 0.166,
  Standard_E4ds_v5: 0.332,
  Standard_E8ds_v5: 0.664,
  Standard_F2s_v2: 0.096,
  Standard_F4s_v2: 0.192,
  Standard_F8s_v2: 0.384,
  Standard_B2s: 0.048,
  Standard_B4ms: 0.192,
};

/**
 * Spot VMs are billed at a variable market price. Assumption used here:
 * 70% below the pay-as-you-go price (Azure quotes "up to 90%"); a Spot pool's
 * estimate is therefore a rough figure.
 */
export const SPOT_DISCOUNT = 0.7;

/** AKS control plane per cluster-hour by sku.tier (meter "Azure Kubernetes Service Standard/Premium Uptime SLA"). */
export const AKS_TIER_HOURLY: Readonly<Record<string, number>> = { Free: 0, Standard: 0.1, Premium: 0.6 };

/** Managed OS disk (Premium SSD LRS) per month by size; Ephemeral OS disks use the VM's local disk and cost nothing. */
export const PREMIUM_SSD_MONTHLY: readonly { maxGb: number; monthly: number; tier: string }[] = [
  { maxGb: 32, monthly: 5.28, tier: 'P4' },
  { maxGb: 64, monthly: 10.21, tier: 'P6' },
  { maxGb: 128, monthly: 19.71, tier: 'P10' },
  { maxGb: 256, monthly: 38.02, tier: 'P15' },
  { maxGb: 512, monthly: 73.22, tier: 'P20' },
];

/** Container registry per day by SKU (meter "Container Registry <sku> Registry Unit"). */
export const ACR_DAILY: Readonly<Record<string, number>> = { Basic: 0.167, Standard: 0.667, Premium: 1.667 };

/** PostgreSQL flexible server compute per hour by sku.name (meter "Azure Database for PostgreSQL Flexible Server <tier> <series> vCore"). */
export const POSTGRES_HOURLY: Readonly<Record<string, number>> = {
  Standard_B1ms: 0.022,
  Standard_B2s: 0.088,
  Standard_B2ms: 0.176,
  Standard_D2ds_v5: 0.19,
  Standard_D4ds_v5: 0.38,
  Standard_D8ds_v5: 0.76,
  Standard_E2ds_v5: 0.252,
  Standard_E4ds_v5: 0.504,
};
/** PostgreSQL flexible server provisioned storage per GiB-month (meter "Storage Data Stored"). */
export const POSTGRES_STORAGE_GB_MONTH = 0.133;

/**
 * Azure Managed Redis (redisenterprise) per hour by sku.name, with high
 * availability (two nodes); without HA the price is half.
 */
export const MANAGED_REDIS_HOURLY: Readonly<Record<string, number>> = {
  Balanced_B0: 0.034,
  Balanced_B1: 0.068,
  Balanced_B3: 0.206,
  Balanced_B5: 0.412,
  MemoryOptimized_M10: 0.28,
  ComputeOptimized_X3: 0.38,
};

/** Azure Cache for Redis (classic) per hour by SKU family+capacity (e.g. P1). */
export const CLASSIC_REDIS_HOURLY: Readonly<Record<string, number>> = { C0: 0.022, C1: 0.056, P1: 0.554, P2: 1.109 };

/** Private endpoint per hour (meter "Standard Private Endpoint"); inbound/outbound data processing not included. */
export const PRIVATE_ENDPOINT_HOURLY = 0.01;
/** Private DNS zone per month (first 25 zones); queries not included. */
export const PRIVATE_DNS_ZONE_MONTHLY = 0.5;

/**
 * Azure Front Door base fee per month by profile SKU (meter "Azure Front Door Premium/Standard Base Fees").
 * Written down 2026-12-01 from the Azure Front Door pricing page (azure.microsoft.com/pricing/details/frontdoor),
 * not re-checked against the live Retail Prices API. Premium includes the WAF managed rule sets, bot
 * protection and Private Link origins; requests and data transfer out are billed by usage.
 */
export const FRONT_DOOR_BASE_MONTHLY: Readonly<Record<string, number>> = { Standard_AzureFrontDoor: 35, Premium_AzureFrontDoor: 330 };

/**
 * Standard Load Balancer per hour for the first 5 rules (meter "Standard Load Balancer Rules"): the gateway's
 * internal load balancer, which the AKS cloud controller creates for the Traefik Service (written down 2026-12-01).
 */
export const STANDARD_LB_HOURLY = 0.025;

/**
 * Azure Firewall per deployment-hour by sku.tier (meter "Azure Firewall <tier>
 * Deployment") and per GB processed (meter "<tier> Data Processed"); the
 * public IP is billed separately. Source: azure.microsoft.com/pricing/details/
 * azure-firewall (list prices; checked 2026-12-01 against the published
 * figures Standard $1.25/h, Premium +40 % per hour at the same per-GB rate,
 * Basic $0.395/h and $0.065/GB — Basic is not offered, see lib/egress.ts).
 */
export const FIREWALL_HOURLY: Readonly<Record<string, number>> = { Standard: 1.25, Premium: 1.75 };
export const FIREWALL_PER_GB: Readonly<Record<string, number>> = { Standard: 0.016, Premium: 0.016 };

/** Standard static public IPv4 address per hour (meter "Standard IPv4 Static Public IP"; checked 2026-12-01). */
export const PUBLIC_IP_STANDARD_HOURLY = 0.005;

/**
 * Assumed traffic through the egress firewall per month: node image pulls
 * from MCR and the registry (when public), Container Insights and managed
 * Prometheus data, OS updates. An assumption for the estimate, not a measurement.
 */
export const FIREWALL_ASSUMPTIONS = { processedGbPerMonth: 1000 } as const;

/**
 * Azure Monitor managed Prometheus and Azure Managed Grafana (same source and
 * caveats as the table above: written down by hand, 2026-11, not re-checked
 * against the live API).
 *
 * - Azure Monitor workspace: no fee of its own; Prometheus metrics ingestion
 *   $0.16 per 10 million samples (meter "Metrics ingestion"), queries $0.10 per
 *   billion samples processed (meter "Prometheus queries", charged also for
 *   rule evaluation).
 * - Azure Managed Grafana Standard: per instance-hour ($0.069, meter "Standard
 *   Instance"; zone redundancy runs a second instance and doubles it) plus
 *   $6 per active user per month (meter "Standard Active User").
 */
export const PROMETHEUS_INGESTION_PER_10M_SAMPLES = 0.16;
export const PROMETHEUS_QUERY_PER_BILLION_SAMPLES = 0.1;
export const GRAFANA_STANDARD_HOURLY = 0.069;
export const GRAFANA_ACTIVE_USER_MONTHLY = 6;

/**
 * Usage assumptions of the monitoring estimate (change them with the load):
 * active series the cluster sends (default targets with the minimal
 * ingestion profile plus the apps' metrics), the scrape interval (managed
 * Prometheus's default, 30 s), the active Grafana users per month, and the
 * series a rule's selectors match on average.
 */
export const MONITORING_ASSUMPTIONS = {
  activeSeries: 5000,
  scrapeIntervalSeconds: 30,
  grafanaActiveUsers: 3,
  seriesPerSelector: 20,
} as const;

const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
const DURATION_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Samples one evaluation of a PromQL expression reads: each range selector `[w]` reads w / scrape interval samples per series. */
export function samplesPerEvaluation(expression: string): number {
  const ranges = [...expression.matchAll(/\[(\d+)([smhd])\]/g)].map((m) => Number(m[1]) * DURATION_SECONDS[m[2]]);
  const instant = ranges.length === 0 ? 1 : 0;
  const perSeries = ranges.reduce((sum, seconds) => sum + seconds / MONITORING_ASSUMPTIONS.scrapeIntervalSeconds, instant);
  return perSeries * MONITORING_ASSUMPTIONS.seriesPerSelector;
}

/** Monthly query cost of a Prometheus rule group from its rules and interval (ISO 8601 minutes, e.g. PT1M). */
function ruleGroupCost(p: Record<string, unknown>): { monthly: number; basis: string } {
  const rules = asArray(p.rules).filter(isRecord);
  const intervalMinutes = Number(/^PT(\d+)M$/.exec(String(p.interval ?? 'PT1M'))?.[1] ?? 1);
  const evaluations = MINUTES_PER_MONTH / intervalMinutes;
  const samples = rules.reduce((sum, r) => sum + samplesPerEvaluation(String(r.expression ?? '')) * evaluations, 0);
  const monthly = (samples / 1e9) * PROMETHEUS_QUERY_PER_BILLION_SAMPLES;
  return { monthly, basis: `${rules.length} rules every ${intervalMinutes} min ≈ ${(samples / 1e9).toFixed(1)} billion samples read/month at $${PROMETHEUS_QUERY_PER_BILLION_SAMPLES}/billion (assumed ${MONITORING_ASSUMPTIONS.seriesPerSelector} series per selector)` };
}

/** Types that cost nothing by themselves. */
const FREE_TYPES = new Set([
  'azure-native:resources:ResourceGroup',
  'azure-native:network:VirtualNetwork',
  'azure-native:network:Subnet',
  'azure-native:network:NetworkSecurityGroup',
  'azure-native:network:SecurityRule',
  'azure-native:network:PrivateDnsZoneGroup',
  'azure-native:privatedns:VirtualNetworkLink',
  'azure-native:authorization:RoleAssignment',
  'azure-native:managedidentity:UserAssignedIdentity',
  'azure-native:managedidentity:FederatedIdentityCredential',
  'azure-native:containerservice:MaintenanceConfiguration',
  'azure-native:dbforpostgresql:Database',
  'azure-native:dbforpostgresql:Configuration',
  'azure-native:dbforpostgresql:Administrator',
  'azure-native:dbforpostgresql:FirewallRule',
  'azure-native:redisenterprise:Database',
  'azure-native:keyvault:Secret',
  'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra',
  'azure-native:insights:DiagnosticSetting',
  'azure-native:insights:DataCollectionRuleAssociation',
  // Diagnostic settings and data collection rules are free; what they send is billed as Log Analytics ingestion.
  'azure-native:monitor:DiagnosticSetting',
  'azure-native:monitor:DataCollectionRule',
  'azure-native:monitor:DataCollectionRuleAssociation',
  // Front Door children: included in the profile's base fee (requests and egress are usage).
  'azure-native:cdn:AFDEndpoint',
  'azure-native:cdn:AFDOriginGroup',
  'azure-native:cdn:AFDOrigin',
  'azure-native:cdn:AFDCustomDomain',
  'azure-native:cdn:Route',
  'azure-native:cdn:RuleSet',
  'azure-native:cdn:Rule',
  'azure-native:cdn:SecurityPolicy',
  // Free: the Prometheus data collection endpoint (ingestion is priced on the workspace), the action group
  // (e-mail and webhook notifications are free up to 1,000 e-mails a month), Grafana folders and dashboards.
  'azure-native:monitor:DataCollectionEndpoint',
  'azure-native:monitor:ActionGroup',
  // Azure Policy assignments (the AKS add-on evaluates them) carry no charge.
  'azure-native:authorization:PolicyAssignment',
  // Route tables and routes are free; a firewall policy is free when it is associated with one firewall
  // (the $100/month policy fee applies to policies spanning several firewalls or regions).
  'azure-native:network:RouteTable',
  'azure-native:network:Route',
  'azure-native:network:FirewallPolicy',
  'azure-native:network:FirewallPolicyRuleCollectionGroup',
]);

/** Types billed only by usage; no baseline estimate. */
const USAGE_ONLY: Readonly<Record<string, string>> = {
  'azure-native:operationalinsights:Workspace': 'billed per GB ingested (Analytics logs ≈ $2.99/GB) and retained beyond 31 days',
  'azure-native:keyvault:Vault': 'billed per 10,000 operations (≈ $0.03); no baseline fee for the standard SKU',
  'docker-build:index:Image': 'registry storage ($0.10/GB-month beyond the SKU allowance) and build minutes of the CI runner',
  'azure-native:frontdoor:Policy': 'WAF on Front Door Premium: managed rule sets and bot protection included in the Premium base fee; requests billed per 10,000 with the profile',
};

/** One resource's estimate. */
export interface CostEstimate {
  /** Baseline monthly estimate (autoscaled pools at their minimum). */
  monthly: number;
  /** Monthly estimate with autoscaled pools at their maximum, when it differs. */
  monthlyMax?: number;
  /** How the figure was reached. */
  basis: string;
}

/** `undefined` = no estimate possible (unknown SKU or unpriced type); the reason says why. */
export type CostResult = { kind: 'estimate'; estimate: CostEstimate } | { kind: 'free' } | { kind: 'usage'; note: string } | { kind: 'unknown'; note: string };

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function osDiskMonthly(pool: Record<string, unknown>): number {
  if (equalsIgnoreCase(pool.osDiskType, 'Ephemeral')) return 0;
  const size = typeof pool.osDiskSizeGB === 'number' ? pool.osDiskSizeGB : 128;
  return (PREMIUM_SSD_MONTHLY.find((d) => size <= d.maxGb) ?? PREMIUM_SSD_MONTHLY[PREMIUM_SSD_MONTHLY.length - 1]).monthly;
}

/** Monthly price of one node pool at its minimum and maximum size. */
function poolCost(pool: Record<string, unknown>): { min: number; max: number; basis: string } | { unknown: string } {
  const vmSize = String(pool.vmSize ?? '');
  const hourly = VM_HOURLY[vmSize];
  if (hourly === undefined) return { unknown: `no price for VM size ${vmSize || '(not set)'} in plan/prices.ts` };
  const spot = equalsIgnoreCase(pool.scaleSetPriority, 'Spot');
  const nodeMonthly = hourly * HOURS_PER_MONTH * (spot ? 1 - SPOT_DISCOUNT : 1) + osDiskMonthly(pool);
  const autoscale = pool.enableAutoScaling === true;
  const min = Number(autoscale ? pool.minCount ?? pool.count ?? 0 : pool.count ?? 1);
  const max = Number(autoscale ? pool.maxCount ?? min : min);
  const disk = equalsIgnoreCase(pool.osDiskType, 'Ephemeral') ? 'ephemeral OS disk' : 'managed OS disk';
  const count = min === max ? `${min}` : `${min}-${max}`;
  return { min: nodeMonthly * min, max: nodeMonthly * max, basis: `${count} × ${vmSize}${spot ? ' (Spot, assumed 70% off)' : ''} at $${hourly}/h + ${disk}` };
}

/** Estimated monthly cost of one resource. */
export function estimateCost(resource: ResourceView): CostResult {
  const p = resource.props;
  if (FREE_TYPES.has(resource.type) || !resource.type.includes(':') || resource.type.startsWith('pulumi:') || resource.type.startsWith('random:')) return { kind: 'free' };
  if (USAGE_ONLY[resource.type]) return { kind: 'usage', note: USAGE_ONLY[resource.type] };
  switch (resource.type) {
    case 'azure-native:containerservice:ManagedCluster': {
      const tier = String(get(p, 'sku.tier') ?? 'Free');
      const tierHourly = AKS_TIER_HOURLY[tier];
      if (tierHourly === undefined) return { kind: 'unknown', note: `no price for AKS tier ${tier}` };
      let min = tierHourly * HOURS_PER_MONTH;
      let max = min;
      const parts = [`${tier} control plane $${tierHourly}/h`];
      for (const pool of asArray(p.agentPoolProfiles).filter(isRecord)) {
        const cost = poolCost(pool);
        if ('unknown' in cost) return { kind: 'unknown', note: cost.unknown };
        min += cost.min;
        max += cost.max;
        parts.push(`pool ${String(pool.name)}: ${cost.basis}`);
      }
      return { kind: 'estimate', estimate: { monthly: round(min), monthlyMax: max !== min ? round(max) : undefined, basis: parts.join('; ') } };
    }
    case 'azure-native:containerservice:AgentPool': {
      const cost = poolCost(p);
      if ('unknown' in cost) return { kind: 'unknown', note: cost.unknown };
      return { kind: 'estimate', estimate: { monthly: round(cost.min), monthlyMax: cost.max !== cost.min ? round(cost.max) : undefined, basis: cost.basis } };
    }
    case 'azure-native:containerregistry:Registry': {
      const sku = String(get(p, 'sku.name') ?? '');
      const daily = ACR_DAILY[sku];
      if (daily === undefined) return { kind: 'unknown', note: `no price for registry SKU ${sku}` };
      return { kind: 'estimate', estimate: { monthly: round(daily * DAYS_PER_MONTH), basis: `${sku} registry $${daily}/day` } };
    }
    case 'azure-native:dbforpostgresql:Server': {
      const sku = String(get(p, 'sku.name') ?? '');
      const hourly = POSTGRES_HOURLY[sku];
      if (hourly === undefined) return { kind: 'unknown', note: `no price for PostgreSQL SKU ${sku}` };
      const storage = Number(get(p, 'storage.storageSizeGB') ?? 32);
      const ha = !!get(p, 'highAvailability.mode') && !equalsIgnoreCase(get(p, 'highAvailability.mode'), 'Disabled');
      const copies = ha ? 2 : 1;
      const monthly = (hourly * HOURS_PER_MONTH + storage * POSTGRES_STORAGE_GB_MONTH) * copies;
      return { kind: 'estimate', estimate: { monthly: round(monthly), basis: `${sku} $${hourly}/h + ${storage} GiB × $${POSTGRES_STORAGE_GB_MONTH}${ha ? ', × 2 for the HA standby' : ''}` } };
    }
    case 'azure-native:redisenterprise:RedisEnterprise': {
      const sku = String(get(p, 'sku.name') ?? '');
      const hourly = MANAGED_REDIS_HOURLY[sku];
      if (hourly === undefined) return { kind: 'unknown', note: `no price for Azure Managed Redis SKU ${sku}` };
      const ha = !equalsIgnoreCase(p.highAvailability, 'Disabled');
      const effective = ha ? hourly : hourly / 2;
      return { kind: 'estimate', estimate: { monthly: round(effective * HOURS_PER_MONTH), basis: `${sku} $${hourly}/h with HA${ha ? '' : ', halved without HA'}` } };
    }
    case 'azure-native:redis:Redis': {
      const key = `${String(get(p, 'sku.family') ?? '')}${String(get(p, 'sku.capacity') ?? '')}`;
      const hourly = CLASSIC_REDIS_HOURLY[key];
      if (hourly === undefined) return { kind: 'unknown', note: `no price for Azure Cache for Redis ${key}` };
      return { kind: 'estimate', estimate: { monthly: round(hourly * HOURS_PER_MONTH), basis: `${key} $${hourly}/h` } };
    }
    case 'azure-native:monitor:AzureMonitorWorkspace': {
      const { activeSeries, scrapeIntervalSeconds } = MONITORING_ASSUMPTIONS;
      const samples = activeSeries * ((MINUTES_PER_MONTH * 60) / scrapeIntervalSeconds);
      const monthly = (samples / 1e7) * PROMETHEUS_INGESTION_PER_10M_SAMPLES;
      return { kind: 'estimate', estimate: { monthly: round(monthly), basis: `ingestion of ${activeSeries} active series every ${scrapeIntervalSeconds} s ≈ ${Math.round(samples / 1e6)} million samples/month at $${PROMETHEUS_INGESTION_PER_10M_SAMPLES}/10 million (assumed load)` } };
    }
    case 'azure-native:dashboard:Grafana': {
      const sku = String(get(p, 'sku.name') ?? '');
      if (sku !== 'Standard') return { kind: 'unknown', note: `no price for Managed Grafana SKU ${sku || '(not set)'}` };
      const instances = equalsIgnoreCase(get(p, 'properties.zoneRedundancy'), 'Enabled') ? 2 : 1;
      const users = MONITORING_ASSUMPTIONS.grafanaActiveUsers;
      const monthly = GRAFANA_STANDARD_HOURLY * HOURS_PER_MONTH * instances + users * GRAFANA_ACTIVE_USER_MONTHLY;
      return { kind: 'estimate', estimate: { monthly: round(monthly), basis: `Standard $${GRAFANA_STANDARD_HOURLY}/instance-hour × ${instances}${instances === 2 ? ' (zone redundant)' : ''} + ${users} active users × $${GRAFANA_ACTIVE_USER_MONTHLY} (assumed)` } };
    }
    case 'azure-native:alertsmanagement:PrometheusRuleGroup': {
      const cost = ruleGroupCost(p);
      return { kind: 'estimate', estimate: { monthly: round(cost.monthly), basis: cost.basis } };
    }
    case 'azure-native:network:PrivateEndpoint':
      return { kind: 'estimate', estimate: { monthly: round(PRIVATE_ENDPOINT_HOURLY * HOURS_PER_MONTH), basis: `private endpoint $${PRIVATE_ENDPOINT_HOURLY}/h (data processing extra)` } };
    case 'azure-native:cdn:Profile': {
      const sku = String(get(p, 'sku.name') ?? '');
      const monthly = FRONT_DOOR_BASE_MONTHLY[sku];
      if (monthly === undefined) return { kind: 'unknown', note: `no price for Front Door SKU ${sku}` };
      return { kind: 'estimate', estimate: { monthly, basis: `${sku} base fee $${monthly}/month (requests, data transfer out and Private Link data processing extra)` } };
    }
    case 'kubernetes:helm.sh/v3:Release': {
      // The gateway's chart (Traefik) asks the cloud controller for a load balancer; its pods run on the existing nodes.
      if (p.chart !== 'traefik') return { kind: 'free' };
      const type = get(p, 'values.service.spec.type') ?? 'LoadBalancer';
      if (!equalsIgnoreCase(type, 'LoadBalancer')) return { kind: 'free' };
      return { kind: 'estimate', estimate: { monthly: round(STANDARD_LB_HOURLY * HOURS_PER_MONTH), basis: `gateway load balancer (Standard, first 5 rules) $${STANDARD_LB_HOURLY}/h; its Private Link Service has no fee; pods on the existing nodes` } };
    }
    case 'azure-native:network:AzureFirewall': {
      const tier = String(get(p, 'sku.tier') ?? 'Standard');
      const hourly = FIREWALL_HOURLY[tier];
      if (hourly === undefined) return { kind: 'unknown', note: `no price for Azure Firewall tier ${tier}` };
      const gb = FIREWALL_ASSUMPTIONS.processedGbPerMonth;
      const monthly = hourly * HOURS_PER_MONTH + gb * FIREWALL_PER_GB[tier];
      return { kind: 'estimate', estimate: { monthly: round(monthly), basis: `${tier} firewall $${hourly}/deployment-hour + ${gb} GB processed × $${FIREWALL_PER_GB[tier]} (assumed traffic)` } };
    }
    case 'azure-native:network:PublicIPAddress': {
      const sku = String(get(p, 'sku.name') ?? 'Standard');
      if (sku !== 'Standard') return { kind: 'unknown', note: `no price for public IP SKU ${sku}` };
      return { kind: 'estimate', estimate: { monthly: round(PUBLIC_IP_STANDARD_HOURLY * HOURS_PER_MONTH), basis: `Standard static public IP $${PUBLIC_IP_STANDARD_HOURLY}/h` } };
    }
    case 'azure-native:privatedns:PrivateZone':
      return { kind: 'estimate', estimate: { monthly: PRIVATE_DNS_ZONE_MONTHLY, basis: `private DNS zone $${PRIVATE_DNS_ZONE_MONTHLY}/month (queries extra)` } };
    default:
      if (!resource.type.startsWith('azure-native:')) return { kind: 'free' };
      return { kind: 'unknown', note: `${resource.type} is not in plan/prices.ts` };
  }
}
