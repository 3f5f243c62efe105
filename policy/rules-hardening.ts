/**
 * Hardening aks-baseline turns on (issue #13, item 5): Defender for Containers,
 * the image cleaner, diagnostic settings of the data services to Log Analytics,
 * and the restricted pod-security initiative assigned to the cluster (deny in
 * prod). Same shape as ./rules.ts, which appends these to RULES; the well-known
 * values are written here, not imported from lib/.
 */
import type { EvaluationContext, ResourceView, Rule, RuleViolation } from './model';
import { asArray, equalsIgnoreCase, get, show } from './props';

const H = {
  managedCluster: 'azure-native:containerservice:ManagedCluster',
  registry: 'azure-native:containerregistry:Registry',
  postgresServer: 'azure-native:dbforpostgresql:Server',
  redis: 'azure-native:redis:Redis',
  redisEnterprise: 'azure-native:redisenterprise:RedisEnterprise',
  vault: 'azure-native:keyvault:Vault',
  diagnosticSetting: 'azure-native:monitor:DiagnosticSetting',
  policyAssignment: 'azure-native:authorization:PolicyAssignment',
  firewall: 'azure-native:network:AzureFirewall',
  route: 'azure-native:network:Route',
  scaleSet: 'azure-native:compute:VirtualMachineScaleSet',
} as const;

/** Built-in initiative "Kubernetes cluster pod security restricted standards for Linux-based workloads" (Azure/azure-policy PSPRestrictedStandard.json, checked 2026-12-01). */
export const RESTRICTED_POD_SECURITY_INITIATIVE = '42b8ef37-b724-4e24-bbc8-7a7708edfe00';

const pass: RuleViolation[] = [];
const violation = (message: string, property?: string): RuleViolation[] => [{ message, property }];

/** The diagnostic settings in the stack that send `resource`'s logs somewhere (by dependency, or a resourceUri at or under its id). */
function diagnosticSettingsOf(resource: ResourceView, context: EvaluationContext): ResourceView[] {
  return context.resources.filter((d) => {
    if (d.type !== H.diagnosticSetting) return false;
    if (d.dependencies.includes(resource.urn)) return true;
    const uri = d.props.resourceUri;
    return typeof uri === 'string' && resource.id !== undefined && (uri.toLowerCase() === resource.id.toLowerCase() || uri.toLowerCase().startsWith(`${resource.id.toLowerCase()}/`));
  });
}

function logsInclude(setting: ResourceView, category: string, groups: string[]): boolean {
  return asArray(setting.props.logs).some((log) => get(log, 'enabled') !== false &&
    (equalsIgnoreCase(get(log, 'category'), category) || groups.some((g) => equalsIgnoreCase(get(log, 'categoryGroup'), g))));
}

function isPodSecurityAssignment(assignment: ResourceView): boolean {
  const id = assignment.props.policyDefinitionId;
  return typeof id === 'string' && id.toLowerCase().endsWith(`/${RESTRICTED_POD_SECURITY_INITIATIVE}`);
}

export const HARDENING_RULES: readonly Rule[] = [
  {
    id: 'aks-defender',
    publicIds: [],
    description: 'Microsoft Defender for Containers security monitoring is on and reports to a Log Analytics workspace.',
    resourceTypes: [H.managedCluster],
    scope: 'resource',
    severity: 'medium',
    check: (cluster) => get(cluster.props, 'securityProfile.defender.securityMonitoring.enabled') === true && typeof get(cluster.props, 'securityProfile.defender.logAnalyticsWorkspaceResourceId') === 'string'
      ? pass
      : violation(`securityProfile.defender is ${show(get(cluster.props, 'securityProfile.defender'))}; enable securityMonitoring with the workspace`, 'securityProfile.defender'),
    remediation: 'Set config cluster.defender: true (securityProfile.defender: { logAnalyticsWorkspaceResourceId, securityMonitoring: { enabled: true } }).',
    devAdvisory: { reason: 'Defender for Containers is billed per vCore, and dev runs it off (cluster.defender: false)' },
  },
  {
    id: 'aks-image-cleaner',
    publicIds: [],
    description: 'The image cleaner removes unused (and vulnerable) images from the nodes on a schedule.',
    resourceTypes: [H.managedCluster],
    scope: 'resource',
    severity: 'low',
    check: (cluster) => get(cluster.props, 'securityProfile.imageCleaner.enabled') === true
      ? pass
      : violation(`securityProfile.imageCleaner is ${show(get(cluster.props, 'securityProfile.imageCleaner'))}; enable it`, 'securityProfile.imageCleaner'),
    remediation: 'Set config cluster.imageCleanerIntervalHours (24–2160; default 168).',
  },
  {
    id: 'data-service-diagnostics',
    publicIds: [],
    description: 'Key Vault (AuditEvent), the registry, PostgreSQL, Redis and the egress firewall send their logs to Log Analytics through a diagnostic setting.',
    resourceTypes: [H.vault, H.registry, H.postgresServer, H.redis, H.redisEnterprise, H.firewall],
    scope: 'stack',
    severity: 'medium',
    check: (resource, context) => {
      const settings = diagnosticSettingsOf(resource, context).filter((d) => d.props.workspaceId !== undefined && d.props.workspaceId !== '');
      if (settings.length === 0) return violation(`no monitor:DiagnosticSetting sends ${resource.name}'s logs to a Log Analytics workspace`, 'diagnosticSettings');
      if (resource.type === H.vault && !settings.some((d) => logsInclude(d, 'AuditEvent', ['audit', 'allLogs']))) {
        return violation(`the diagnostic settings of ${resource.name} do not send AuditEvent (category AuditEvent, or group audit/allLogs)`, 'diagnosticSettings.logs');
      }
      if (!settings.some((d) => asArray(d.props.logs).some((log) => get(log, 'enabled') !== false))) {
        return violation(`the diagnostic settings of ${resource.name} send no logs`, 'diagnosticSettings.logs');
      }
      return pass;
    },
    remediation: 'Add a monitor.DiagnosticSetting on the resource (Redis: its database) with workspaceId and logs (Key Vault: AuditEvent; the firewall: its AZFW* categories; others: category group audit) — components/platform-guardrails.ts.',
  },
  {
    id: 'aks-egress-firewall',
    publicIds: [],
    description: 'The nodes egress through an Azure Firewall: outboundType userDefinedRouting, created after a 0.0.0.0/0 route to a virtual appliance, with an Azure Firewall in the stack.',
    resourceTypes: [H.managedCluster],
    scope: 'stack',
    severity: 'high',
    check: (cluster, context) => {
      const outboundType = get(cluster.props, 'networkProfile.outboundType');
      if (!equalsIgnoreCase(outboundType, 'userDefinedRouting')) {
        return violation(`networkProfile.outboundType is ${show(outboundType)}; it must be "userDefinedRouting" (egress through the firewall)`, 'networkProfile.outboundType');
      }
      const routes = context.resources.filter((r) => r.type === H.route && cluster.dependencies.includes(r.urn));
      const defaultRoute = routes.find((r) => r.props.addressPrefix === '0.0.0.0/0');
      if (!defaultRoute) return violation(`${cluster.name} does not depend on a network:Route for 0.0.0.0/0 (the nodes' route to the firewall must exist before the cluster)`, 'dependsOn');
      if (!equalsIgnoreCase(defaultRoute.props.nextHopType, 'VirtualAppliance')) {
        return violation(`route ${defaultRoute.name} sends 0.0.0.0/0 to ${show(defaultRoute.props.nextHopType)}; it must go to the firewall (VirtualAppliance)`, 'nextHopType');
      }
      if (!context.resources.some((r) => r.type === H.firewall)) return violation('no network:AzureFirewall in the stack filters the nodes\' egress', 'azureFirewall');
      return pass;
    },
    remediation: 'Set config network.egressFirewall: { enabled: true, subnet: <a /26 AzureFirewallSubnet> } (components/egress-firewall.ts).',
    devAdvisory: { reason: 'dev runs without the egress firewall (network.egressFirewall.enabled: false): its fixed charge of about $932/month (firewall and public IP, in the plan) would cost more than the rest of dev ($249/month); dev\'s nodes egress through the AKS load balancer' },
  },
  {
    id: 'aks-pod-security-initiative',
    publicIds: [],
    description: 'The built-in initiative "Kubernetes cluster pod security restricted standards for Linux-based workloads" is assigned to the cluster.',
    resourceTypes: [H.managedCluster],
    scope: 'stack',
    severity: 'high',
    check: (cluster, context) => {
      const assigned = context.resources.some((a) => a.type === H.policyAssignment && isPodSecurityAssignment(a) &&
        (a.dependencies.includes(cluster.urn) || (cluster.id !== undefined && typeof a.props.scope === 'string' && a.props.scope.toLowerCase() === cluster.id.toLowerCase())));
      return assigned ? pass : violation(`no authorization:PolicyAssignment of policySetDefinitions/${RESTRICTED_POD_SECURITY_INITIATIVE} is scoped to ${cluster.name}`, 'policyAssignment');
    },
    remediation: 'Assign the initiative to the cluster (components/platform-guardrails.ts) with the app namespaces and effect Deny in prod, Audit in dev.',
  },
  {
    id: 'pod-security-deny',
    publicIds: [],
    description: 'The restricted pod-security initiative blocks (Deny) non-compliant pods, and its assignment is enforced.',
    resourceTypes: [H.policyAssignment],
    scope: 'resource',
    severity: 'high',
    check: (assignment) => {
      if (!isPodSecurityAssignment(assignment)) return pass;
      const problems: RuleViolation[] = [];
      const effect = get(assignment.props, 'parameters.effect.value');
      if (!equalsIgnoreCase(effect, 'Deny')) problems.push({ message: `parameters.effect is ${show(effect)}; it must be "Deny"`, property: 'parameters.effect.value' });
      if (equalsIgnoreCase(assignment.props.enforcementMode, 'DoNotEnforce')) problems.push({ message: 'enforcementMode is "DoNotEnforce"', property: 'enforcementMode' });
      return problems;
    },
    remediation: 'Set config cluster.podSecurityPolicyEffect: Deny (and keep enforcementMode Default).',
    devAdvisory: { reason: 'dev audits the restricted pod-security initiative (cluster.podSecurityPolicyEffect: Audit), so an experimental pod is reported rather than blocked; the namespaces still enforce restricted through Pod Security Admission' },
  },
  {
    id: 'vmss-ssh-key-only',
    publicIds: ['CKV_AZURE_49'],
    description: 'Linux scale sets (the operations runner) sign their admin in with an SSH key only: password authentication off, no admin password (none in the state either).',
    resourceTypes: [H.scaleSet],
    scope: 'resource',
    severity: 'high',
    check: (scaleSet) => {
      const os = get(scaleSet.props, 'virtualMachineProfile.osProfile') as Record<string, unknown> | undefined;
      if (os === undefined || get(os, 'windowsConfiguration') !== undefined) return pass;
      const problems: RuleViolation[] = [];
      const disabled = get(os, 'linuxConfiguration.disablePasswordAuthentication');
      if (disabled !== true) problems.push({ message: `virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication is ${show(disabled)}; it must be true`, property: 'virtualMachineProfile.osProfile.linuxConfiguration.disablePasswordAuthentication' });
      if (os.adminPassword !== undefined && os.adminPassword !== null && os.adminPassword !== '') problems.push({ message: 'virtualMachineProfile.osProfile.adminPassword is set; the admin signs in with an SSH key only', property: 'virtualMachineProfile.osProfile.adminPassword' });
      if (asArray(get(os, 'linuxConfiguration.ssh.publicKeys')).length === 0) problems.push({ message: 'virtualMachineProfile.osProfile.linuxConfiguration.ssh.publicKeys is empty; give the admin an SSH public key', property: 'virtualMachineProfile.osProfile.linuxConfiguration.ssh.publicKeys' });
      return problems;
    },
    remediation: 'Set config operationsRunner.adminSshPublicKey (components/operations-runner.ts turns password sign-in off).',
  },
];
