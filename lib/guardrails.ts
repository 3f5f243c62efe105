/**
 * Facts for the platform's Azure-side guardrails (components/platform-guardrails.ts):
 * the built-in pod-security initiative and what each data service sends to Log Analytics.
 */

/**
 * Built-in initiative "Kubernetes cluster pod security restricted standards for
 * Linux-based workloads" (version 2.5.0). Source: Azure/azure-policy,
 * built-in-policies/policySetDefinitions/Kubernetes/PSPRestrictedStandard.json
 * (Microsoft Learn, "Azure Policy built-in initiatives", Kubernetes); checked 2026-12-01.
 * Its `effect` parameter takes Audit, Deny or Disabled; `namespaces` limits it to a list.
 */
export const RESTRICTED_POD_SECURITY_INITIATIVE_ID = '/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00';

export const POD_SECURITY_EFFECTS = ['Audit', 'Deny'] as const;
export type PodSecurityEffect = (typeof POD_SECURITY_EFFECTS)[number];

/** What one diagnostic setting sends: log categories and/or category groups, and metrics. */
export interface DiagnosticLogs {
  /** Log categories, e.g. `AuditEvent`. */
  categories?: readonly string[];
  /** Category groups, e.g. `audit`, `allLogs`. */
  categoryGroups?: readonly string[];
  /** Send `AllMetrics` too. */
  metrics: boolean;
}

/**
 * Per data service, what goes to Log Analytics (Microsoft Learn, "Supported
 * categories for Azure Monitor resource logs", checked 2026-12-01): Key Vault's
 * `AuditEvent` (every data-plane access), and the `audit` category group of the
 * registry (repository and login events), PostgreSQL flexible server and the
 * Redis database (connection events).
 */
export const DIAGNOSTIC_LOGS = {
  keyVault: { categories: ['AuditEvent'], metrics: true },
  registry: { categoryGroups: ['audit'], metrics: true },
  postgres: { categoryGroups: ['audit'], metrics: true },
  redis: { categoryGroups: ['audit'], metrics: true },
  /**
   * The egress firewall's structured (resource-specific) logs: every application-
   * and network-rule decision (allowed and denied egress), NAT, threat-intelligence
   * and IDPS hits (IDPS: Premium only), and the DNS proxy's queries. Microsoft Learn,
   * "Azure Firewall structured logs" and "Supported categories for Azure Monitor
   * resource logs: Microsoft.Network/azureFirewalls", checked 2026-12-01. The
   * aggregation, fat-flow and flow-trace categories are left off (cost, no audit value).
   */
  firewall: { categories: ['AZFWApplicationRule', 'AZFWNetworkRule', 'AZFWNatRule', 'AZFWThreatIntel', 'AZFWIdpsSignature', 'AZFWDnsQuery'], metrics: true },
} as const satisfies Record<string, DiagnosticLogs>;

/** Azure name of the pod-security assignment of one cluster (≤ 64 characters). */
export function podSecurityAssignmentName(clusterName: string): string {
  return `pod-security-restricted-${clusterName}`.slice(0, 64);
}
