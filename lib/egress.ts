/**
 * Restricted egress of the AKS nodes (issue #13, item 5d): the facts and pure
 * rules behind the `EgressFirewall` component. The nodes subnet sends
 * 0.0.0.0/0 to an Azure Firewall whose policy allows only the outbound
 * dependencies AKS documents plus what the platform itself needs; everything
 * else is denied by the firewall's default.
 *
 * Sources (checked 2026-12-01):
 * - AKS docs "Limit network traffic with Azure Firewall in AKS" and "Outbound
 *   network and FQDN rules for AKS clusters" (learn.microsoft.com/azure/aks/
 *   limit-egress-traffic, /azure/aks/outbound-rules-control-egress): the
 *   `AzureKubernetesService` FQDN tag, the required FQDNs, NTP (UDP 123), the
 *   route 0.0.0.0/0 → the firewall's private IP on the nodes subnet, and
 *   `outboundType: userDefinedRouting` with the route associated BEFORE the
 *   cluster is created.
 * - AKS docs "Customize cluster egress with a user-defined routing table"
 *   (learn.microsoft.com/azure/aks/egress-udr): outboundType requires VMSS
 *   pools and a Standard load balancer; the ingress source IP of a public
 *   load-balancer service may differ from the cluster's egress address.
 * - Azure Firewall docs "Azure Firewall FAQ"/"Deploy and configure Azure
 *   Firewall": the subnet must be named exactly `AzureFirewallSubnet` and be at
 *   least /26; the firewall's public IP must be a Standard static IP.
 * - mspnp/aks-baseline (hub-default bicep): a Standard firewall with a policy of
 *   rule collection groups, the AzureKubernetesService FQDN tag, and the
 *   Container Insights / Azure Monitor endpoints allowed by FQDN.
 */
import { ArgProblem } from './problems';
import { cidrProblem } from './rules';

/** The subnet name Azure Firewall requires (any other name is rejected by ARM). */
export const FIREWALL_SUBNET_NAME = 'AzureFirewallSubnet';

/** The smallest AzureFirewallSubnet Azure accepts: /26 (room for scale-out instances). */
export const FIREWALL_SUBNET_MAX_PREFIX = 26;

/**
 * Azure Firewall SKUs the platform supports, and why not Basic:
 * - `Standard` (default, aks-baseline's choice): FQDN filtering in application
 *   rules, the AKS FQDN tag, DNS proxy, threat intelligence in deny mode,
 *   autoscale to 30 Gbps. $1.25/deployment-hour + $0.016/GB processed.
 * - `Premium`: adds TLS inspection, IDPS and URL/web-category filtering that
 *   this platform does not configure; 40 % more per hour for nothing used here.
 * - `Basic` is NOT offered: it is cheaper ($0.395/h) but capped at 250 Mbps
 *   (node image pulls at scale-out alone would saturate it), charges $0.065/GB
 *   processed (4× Standard), has no DNS proxy and only alert-mode threat
 *   intelligence, and needs a second subnet (AzureFirewallManagementSubnet)
 *   and a second public IP for its management NIC.
 */
export const FIREWALL_SKUS = ['Standard', 'Premium'] as const;
export type FirewallSku = (typeof FIREWALL_SKUS)[number];

/** One allowed outbound destination of the nodes, with the reason and its source. */
export interface EgressFqdn {
  /** FQDN or wildcard FQDN (`*.data.mcr.microsoft.com`). */
  fqdn: string;
  /** Why the nodes need it. */
  why: string;
  /** Where the requirement is documented (checked 2026-12-01). */
  source: string;
}

/** The FQDN tag that covers AKS's required global FQDNs (MCR, ARM, Entra ID, package repos, the API server). */
export const AKS_FQDN_TAG = 'AzureKubernetesService';

const AKS_OUTBOUND = 'learn.microsoft.com/azure/aks/outbound-rules-control-egress';

/**
 * FQDNs the platform allows on HTTPS (443) beyond the FQDN tag. The tag
 * already covers most of the AKS list; they are named here as well so the
 * policy reads as an explicit allow-list and keeps working if the tag changes.
 */
export const EGRESS_FQDNS: readonly EgressFqdn[] = [
  { fqdn: 'mcr.microsoft.com', why: 'Microsoft Container Registry: system images (CoreDNS, konnectivity, CSI drivers)', source: AKS_OUTBOUND },
  { fqdn: '*.data.mcr.microsoft.com', why: 'MCR content delivery (image layers)', source: AKS_OUTBOUND },
  { fqdn: 'mcr-0001.mcr-msedge.net', why: 'MCR content delivery (image layers)', source: AKS_OUTBOUND },
  { fqdn: 'management.azure.com', why: 'Azure Resource Manager: Kubernetes operations against the Azure API', source: AKS_OUTBOUND },
  { fqdn: 'login.microsoftonline.com', why: 'Microsoft Entra ID authentication (kubelet identity, workload identity)', source: AKS_OUTBOUND },
  { fqdn: 'packages.microsoft.com', why: 'Microsoft package repository (cached apt-get operations: Moby, PowerShell, Azure CLI)', source: AKS_OUTBOUND },
  { fqdn: 'acs-mirror.azureedge.net', why: 'Binaries the nodes need (kubenet, Azure CNI)', source: AKS_OUTBOUND },
  { fqdn: 'packages.aks.azure.com', why: 'Binaries the nodes need (successor of acs-mirror.azureedge.net)', source: AKS_OUTBOUND },
  { fqdn: 'dc.services.visualstudio.com', why: 'Container Insights: agent telemetry (Application Insights endpoint)', source: `${AKS_OUTBOUND}#azure-monitor-for-containers` },
  { fqdn: '*.ods.opinsights.azure.com', why: 'Container Insights: Log Analytics data ingestion', source: `${AKS_OUTBOUND}#azure-monitor-for-containers` },
  { fqdn: '*.oms.opinsights.azure.com', why: 'Container Insights: Log Analytics agent authentication', source: `${AKS_OUTBOUND}#azure-monitor-for-containers` },
  { fqdn: '*.monitoring.azure.com', why: 'Container Insights / managed Prometheus: metrics to Azure Monitor', source: `${AKS_OUTBOUND}#azure-monitor-for-containers` },
  { fqdn: '*.handler.control.monitor.azure.com', why: 'Azure Monitor agent: data collection rule configuration', source: `${AKS_OUTBOUND}#azure-monitor-managed-service-for-prometheus` },
  { fqdn: '*.ingest.monitor.azure.com', why: 'Managed Prometheus: metrics ingestion (data collection endpoint)', source: `${AKS_OUTBOUND}#azure-monitor-managed-service-for-prometheus` },
  { fqdn: '*.metrics.ingest.monitor.azure.com', why: 'Managed Prometheus: metrics ingestion (Azure Monitor workspace)', source: `${AKS_OUTBOUND}#azure-monitor-managed-service-for-prometheus` },
  { fqdn: 'data.policy.core.windows.net', why: 'Azure Policy add-on: fetch policies and report compliance', source: `${AKS_OUTBOUND}#azure-policy` },
  { fqdn: 'store.policy.core.windows.net', why: 'Azure Policy add-on: Gatekeeper artifacts', source: `${AKS_OUTBOUND}#azure-policy` },
  { fqdn: 'vault.azure.net', why: 'Key Vault secrets provider add-on (public vaults; private ones resolve to their private endpoint)', source: `${AKS_OUTBOUND}#azure-key-vault-provider-for-secrets-store-csi-driver` },
  { fqdn: '*.vault.azure.net', why: 'Key Vault secrets provider add-on', source: `${AKS_OUTBOUND}#azure-key-vault-provider-for-secrets-store-csi-driver` },
];

/** NTP: the nodes sync time over UDP 123 (AKS required network rule; ntp.ubuntu.com by default). */
export const NTP_RULE = { port: 123, protocol: 'UDP' as const, source: AKS_OUTBOUND };

/** FQDNs for a registry's public endpoints: the login server and its regional data endpoint (`<name>.<region>.data.azurecr.io`). */
export function registryEgressFqdns(loginServer: string, registryName: string, location: string): string[] {
  return [loginServer.toLowerCase(), `${registryName.toLowerCase()}.${location}.data.azurecr.io`];
}

/**
 * Problems with the firewall subnet of an environment that enables egress
 * filtering: a CIDR of /26 or larger. `path` is the config key named in the message.
 */
export function firewallSubnetProblems(path: string, cidr: string | undefined): ArgProblem[] {
  if (cidr === undefined) {
    return [{ path, problem: `is required when egress filtering is on: the ${FIREWALL_SUBNET_NAME} range, a /${FIREWALL_SUBNET_MAX_PREFIX} or larger inside the VNet` }];
  }
  const problem = cidrProblem(cidr);
  if (problem) return [{ path, problem }];
  const prefix = Number(cidr.split('/')[1]);
  if (prefix > FIREWALL_SUBNET_MAX_PREFIX) {
    return [{ path, problem: `"${cidr}" is a /${prefix}; ${FIREWALL_SUBNET_NAME} must be /${FIREWALL_SUBNET_MAX_PREFIX} or larger (e.g. /26)` }];
  }
  return [];
}

/** The first rule-collection priorities of the firewall policy (lower runs first; network before application rules). */
export const RULE_COLLECTION_GROUP_PRIORITY = { network: 200, application: 300 } as const;
