/**
 * Offline Pulumi engine: `pulumi.runtime` mocks that answer the way Azure,
 * the Docker build provider and Helm would, and record every resource the
 * program registers (type, name, inputs, parent, dependencies, options).
 *
 * Used by the tests and by the offline plan (`npm run plan`), so that the
 * real program runs with no cloud account, no Pulumi CLI and no Docker engine.
 */
import { createHash } from 'crypto';
import * as pulumi from '@pulumi/pulumi';
import { canonicalType } from '../lib/azure-api-versions';
import { trimSdkOverheads } from './sdk-overheads';
// These two modules are the SDK's own mock monitor and its settings; the
// monitor is subclassed to see the resource options that `Mocks` does not get.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks') as { MockMonitor: new (mocks: pulumi.runtime.Mocks) => MockMonitorLike };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require('@pulumi/pulumi/runtime/settings') as {
  setMockOptions(monitor: unknown, project?: string, stack?: string, preview?: boolean, organization?: string): void;
  waitForRPCs(): Promise<void>;
  getStack(): string;
  getProject(): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require('@pulumi/pulumi/runtime/state') as { getStore(): Record<string, unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resproto = require('@pulumi/pulumi/proto/resource_pb') as { RegisterPackageResponse: new () => { setRef(ref: string): void } };

/** The parts of the engine's RegisterPackageRequest the recorder reads. */
interface RegisterPackageRequest {
  getName(): string;
  getVersion(): string;
  getParameterization(): { getName(): string; getVersion(): string; getValue_asU8(): Uint8Array } | undefined;
}

interface MockMonitorLike {
  registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void>;
}

/** The parts of the engine's RegisterResourceRequest the recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasspecs?(): boolean;
  getPackageref(): string;
  getAliasesList(): Array<{ getUrn(): string; getSpec(): AliasSpecMessage | undefined }>;
}

/** The alias spec the SDK sends (the engine turns it into an old URN). */
interface AliasSpecMessage {
  getName(): string;
  getType(): string;
  getStack(): string;
  getProject(): string;
  getParenturn(): string;
  getNoparent(): boolean;
}

// The recorded shapes and the secret helpers live in ./recorded (no Pulumi import), so that a
// test reading a cached run (offline/run-stack.ts) does not load the SDK; re-exported here.
import {
  isSecretValue,
  MOCK_ACR_REFRESH_TOKEN,
  MOCK_CLIENT_ID,
  MOCK_CLIENT_OBJECT_ID,
  MOCK_ENTRA_ACCESS_TOKEN,
  MOCK_SECRET_MARKER,
  MOCK_SUBSCRIPTION_ID,
  MOCK_TENANT_ID,
  mockJwt,
  OfflineRecorder,
  secretValue,
  unwrapSecrets,
  type RecordedAlias,
  type RecordedResource,
} from './recorded';
export { isSecretValue, MOCK_ACR_REFRESH_TOKEN, MOCK_CLIENT_ID, MOCK_CLIENT_OBJECT_ID, MOCK_ENTRA_ACCESS_TOKEN, MOCK_SECRET_MARKER, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, mockJwt, OfflineRecorder, secretValue, unwrapSecrets };
export type { RecordedAlias, RecordedCall, RecordedResource } from './recorded';

/** A deterministic UUID (v4 layout) derived from a seed, for identities. */
export function mockUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function digestOf(seed: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(seed)).digest('hex')}`;
}

/** ARM resource provider and type for the azure-native modules the platform uses. */
const ARM_TYPES: Record<string, string> = {
  'resources:ResourceGroup': '',
  'network:VirtualNetwork': 'Microsoft.Network/virtualNetworks',
  'network:Subnet': 'Microsoft.Network/virtualNetworks/subnets',
  'network:NetworkSecurityGroup': 'Microsoft.Network/networkSecurityGroups',
  'network:PrivateEndpoint': 'Microsoft.Network/privateEndpoints',
  'network:AzureFirewall': 'Microsoft.Network/azureFirewalls',
  'network:FirewallPolicy': 'Microsoft.Network/firewallPolicies',
  'network:FirewallPolicyRuleCollectionGroup': 'Microsoft.Network/firewallPolicies/ruleCollectionGroups',
  'network:RouteTable': 'Microsoft.Network/routeTables',
  'network:Route': 'Microsoft.Network/routeTables/routes',
  'network:PrivateDnsZoneGroup': 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
  'privatedns:PrivateZone': 'Microsoft.Network/privateDnsZones',
  'privatedns:VirtualNetworkLink': 'Microsoft.Network/privateDnsZones/virtualNetworkLinks',
  'containerregistry:Registry': 'Microsoft.ContainerRegistry/registries',
  'containerservice:ManagedCluster': 'Microsoft.ContainerService/managedClusters',
  'containerservice:AgentPool': 'Microsoft.ContainerService/managedClusters/agentPools',
  'containerservice:MaintenanceConfiguration': 'Microsoft.ContainerService/managedClusters/maintenanceConfigurations',
  'operationalinsights:Workspace': 'Microsoft.OperationalInsights/workspaces',
  'managedidentity:UserAssignedIdentity': 'Microsoft.ManagedIdentity/userAssignedIdentities',
  'managedidentity:FederatedIdentityCredential': 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials',
  'keyvault:Vault': 'Microsoft.KeyVault/vaults',
  'keyvault:Secret': 'Microsoft.KeyVault/vaults/secrets',
  'dbforpostgresql:Server': 'Microsoft.DBforPostgreSQL/flexibleServers',
  'dbforpostgresql:Database': 'Microsoft.DBforPostgreSQL/flexibleServers/databases',
  'dbforpostgresql:Configuration': 'Microsoft.DBforPostgreSQL/flexibleServers/configurations',
  'dbforpostgresql:Administrator': 'Microsoft.DBforPostgreSQL/flexibleServers/administrators',
  'dbforpostgresql:AdministratorsMicrosoftEntra': 'Microsoft.DBforPostgreSQL/flexibleServers/administrators',
  'redisenterprise:RedisEnterprise': 'Microsoft.Cache/redisEnterprise',
  'redisenterprise:Database': 'Microsoft.Cache/redisEnterprise/databases',
  'redis:Redis': 'Microsoft.Cache/redis',
  'insights:DiagnosticSetting': 'Microsoft.Insights/diagnosticSettings',
  'cdn:Profile': 'Microsoft.Cdn/profiles',
  'cdn:AFDEndpoint': 'Microsoft.Cdn/profiles/afdEndpoints',
  'cdn:AFDOriginGroup': 'Microsoft.Cdn/profiles/originGroups',
  'cdn:AFDCustomDomain': 'Microsoft.Cdn/profiles/customDomains',
  'cdn:RuleSet': 'Microsoft.Cdn/profiles/ruleSets',
  'frontdoor:Policy': 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies',
  'monitor:AzureMonitorWorkspace': 'Microsoft.Monitor/accounts',
  'monitor:DataCollectionEndpoint': 'Microsoft.Insights/dataCollectionEndpoints',
  'monitor:DataCollectionRule': 'Microsoft.Insights/dataCollectionRules',
  'monitor:ActionGroup': 'Microsoft.Insights/actionGroups',
  'alertsmanagement:PrometheusRuleGroup': 'Microsoft.AlertsManagement/prometheusRuleGroups',
  'dashboard:Grafana': 'Microsoft.Dashboard/grafana',
  'compute:VirtualMachineScaleSet': 'Microsoft.Compute/virtualMachineScaleSets',
  'containerinstance:ContainerGroup': 'Microsoft.ContainerInstance/containerGroups',
  'network:PublicIPAddress': 'Microsoft.Network/publicIPAddresses',
  'network:NatGateway': 'Microsoft.Network/natGateways',
};

/**
 * Extension resources: ARM nests them under the resource they extend (their
 * `scope` / `resourceUri` input): `<scope>/providers/<type>/<name>`.
 */
const ARM_EXTENSION_TYPES: Record<string, { armType: string; scopeInput: string }> = {
  'authorization:RoleAssignment': { armType: 'Microsoft.Authorization/roleAssignments', scopeInput: 'scope' },
  'monitor:DiagnosticSetting': { armType: 'Microsoft.Insights/diagnosticSettings', scopeInput: 'resourceUri' },
  'monitor:DataCollectionRuleAssociation': { armType: 'Microsoft.Insights/dataCollectionRuleAssociations', scopeInput: 'resourceUri' },
};

/** The Azure name of a resource: its own explicit name input, else the Pulumi name. */
function azureName(type: string, name: string, inputs: Record<string, unknown>): string {
  const mod = type.split(':').slice(1).join(':');
  const own: Record<string, string> = {
    'resources:ResourceGroup': 'resourceGroupName',
    'network:VirtualNetwork': 'virtualNetworkName',
    'network:Subnet': 'subnetName',
    'network:NetworkSecurityGroup': 'networkSecurityGroupName',
    'network:PrivateEndpoint': 'privateEndpointName',
    'network:AzureFirewall': 'azureFirewallName',
    'network:FirewallPolicy': 'firewallPolicyName',
    'network:FirewallPolicyRuleCollectionGroup': 'ruleCollectionGroupName',
    'network:RouteTable': 'routeTableName',
    'network:Route': 'routeName',
    'network:PrivateDnsZoneGroup': 'privateDnsZoneGroupName',
    'privatedns:PrivateZone': 'privateZoneName',
    'privatedns:VirtualNetworkLink': 'virtualNetworkLinkName',
    'containerregistry:Registry': 'registryName',
    'containerservice:ManagedCluster': 'resourceName',
    'containerservice:AgentPool': 'agentPoolName',
    'containerservice:MaintenanceConfiguration': 'configName',
    'operationalinsights:Workspace': 'workspaceName',
    'managedidentity:UserAssignedIdentity': 'resourceName',
    'managedidentity:FederatedIdentityCredential': 'federatedIdentityCredentialResourceName',
    'keyvault:Vault': 'vaultName',
    'keyvault:Secret': 'secretName',
    'dbforpostgresql:Server': 'serverName',
    'dbforpostgresql:Database': 'databaseName',
    'dbforpostgresql:Configuration': 'configurationName',
    'redisenterprise:RedisEnterprise': 'clusterName',
    'redisenterprise:Database': 'databaseName',
    'redis:Redis': 'name',
    'cdn:Profile': 'profileName',
    'cdn:AFDEndpoint': 'endpointName',
    'cdn:AFDOriginGroup': 'originGroupName',
    'cdn:AFDOrigin': 'originName',
    'cdn:AFDCustomDomain': 'customDomainName',
    'cdn:RuleSet': 'ruleSetName',
    'cdn:Rule': 'ruleName',
    'cdn:Route': 'routeName',
    'cdn:SecurityPolicy': 'securityPolicyName',
    'frontdoor:Policy': 'policyName',
    'dbforpostgresql:AdministratorsMicrosoftEntra': 'objectId',
    'authorization:RoleAssignment': 'roleAssignmentName',
    'monitor:DiagnosticSetting': 'name',
    'monitor:DataCollectionRuleAssociation': 'associationName',
    'monitor:DataCollectionRule': 'dataCollectionRuleName',
    'monitor:AzureMonitorWorkspace': 'azureMonitorWorkspaceName',
    'monitor:DataCollectionEndpoint': 'dataCollectionEndpointName',
    'monitor:ActionGroup': 'actionGroupName',
    'alertsmanagement:PrometheusRuleGroup': 'ruleGroupName',
    'dashboard:Grafana': 'workspaceName',
    'compute:VirtualMachineScaleSet': 'vmScaleSetName',
    'containerinstance:ContainerGroup': 'containerGroupName',
    'network:PublicIPAddress': 'publicIpAddressName',
    'network:NatGateway': 'natGatewayName',
  };
  const key = own[mod];
  const value = key ? unwrapSecrets(inputs[key]) : undefined;
  if (typeof value === 'string' && value !== '') return value;
  // azure-native names a role assignment with a new GUID, and anything else
  // without a name input after the Pulumi name plus random characters
  // (deterministic here), so a wiring that uses the Pulumi name where the
  // Azure name belongs shows up in tests.
  if (mod === 'authorization:RoleAssignment') return mockUuid(`role-assignment/${name}`);
  return `${name}${createHash('sha256').update(`autoname/${name}`).digest('hex').slice(0, 8)}`;
}

function armId(type: string, name: string, inputs: Record<string, unknown>): string {
  if (type === 'azuread:index/applicationRegistration:ApplicationRegistration') return `/applications/${mockUuid(`${String(inputs.displayName)}/object`)}`;
  if (type === 'azuread:index/servicePrincipal:ServicePrincipal') return `/servicePrincipals/${mockUuid(`${String(inputs.clientId)}/sp`)}`;
  const mod = type.split(':').slice(1).join(':');
  const rg = unwrapSecrets(inputs.resourceGroupName);
  const base = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${typeof rg === 'string' ? rg : 'rg'}`;
  if (mod === 'resources:ResourceGroup') return base;
  const extension = ARM_EXTENSION_TYPES[mod];
  if (extension) {
    const scope = unwrapSecrets(inputs[extension.scopeInput]);
    return `${typeof scope === 'string' ? scope.replace(/\/$/, '') : base}/providers/${extension.armType}/${azureName(type, name, inputs)}`;
  }
  if (!type.startsWith('azure-native:')) return `${name}-id`;
  // Unknown azure-native types still get an ARM-shaped id: provider namespace from the module.
  const armType = ARM_TYPES[mod] ?? `Microsoft.${mod.split(':')[0]}/${mod.split(':')[1].charAt(0).toLowerCase()}${mod.split(':')[1].slice(1)}s`;
  const segments = armType.split('/');
  // Child types (a/b/c): use the parent's name input where there is one.
  const parentNames: Record<string, string | undefined> = {
    'Microsoft.Network/virtualNetworks/subnets': inputs.virtualNetworkName as string,
    'Microsoft.ContainerService/managedClusters/agentPools': inputs.resourceName as string,
    'Microsoft.ContainerService/managedClusters/maintenanceConfigurations': inputs.resourceName as string,
    'Microsoft.KeyVault/vaults/secrets': inputs.vaultName as string,
    'Microsoft.DBforPostgreSQL/flexibleServers/databases': inputs.serverName as string,
    'Microsoft.DBforPostgreSQL/flexibleServers/configurations': inputs.serverName as string,
    'Microsoft.DBforPostgreSQL/flexibleServers/administrators': inputs.serverName as string,
    'Microsoft.Cache/redisEnterprise/databases': inputs.clusterName as string,
    'Microsoft.Network/privateDnsZones/virtualNetworkLinks': inputs.privateZoneName as string,
    'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': inputs.privateEndpointName as string,
    'Microsoft.Network/firewallPolicies/ruleCollectionGroups': inputs.firewallPolicyName as string,
    'Microsoft.Network/routeTables/routes': inputs.routeTableName as string,
    'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials': inputs.resourceName as string,
    'Microsoft.Cdn/profiles/afdEndpoints': inputs.profileName as string,
    'Microsoft.Cdn/profiles/originGroups': inputs.profileName as string,
    'Microsoft.Cdn/profiles/customDomains': inputs.profileName as string,
    'Microsoft.Cdn/profiles/ruleSets': inputs.profileName as string,
  };
  const own = azureName(type, name, inputs);
  if (segments.length === 3) {
    const parent = unwrapSecrets(parentNames[armType]) ?? 'parent';
    return `${base}/providers/${segments[0]}/${segments[1]}/${String(parent)}/${segments[2]}/${own}`;
  }
  return `${base}/providers/${armType}/${own}`;
}

function kubeconfigFor(clusterName: string, fqdn: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${clusterName}`,
    '  cluster:',
    `    server: https://${fqdn}:443`,
    '    certificate-authority-data: TU9DSy1DQQ==',
    'contexts:',
    `- name: ${clusterName}`,
    '  context:',
    `    cluster: ${clusterName}`,
    `    user: clusterUser_${clusterName}`,
    `current-context: ${clusterName}`,
    'users:',
    `- name: clusterUser_${clusterName}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      command: kubelogin',
    '      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]',
    '',
  ].join('\n');
}

/**
 * What the cloud adds to a resource's inputs when it is created: the outputs
 * the program reads (login server, FQDNs, identities, digests...).
 */
export function computedState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const plain = unwrapSecrets(inputs) as Record<string, unknown>;
  const azName = azureName(type, name, plain);
  const location = (plain.location as string | undefined) ?? 'westeurope';
  switch (type) {
    case 'azure-native:containerregistry:Registry':
      return { name: azName, loginServer: `${azName.toLowerCase()}.azurecr.io` };
    case 'azure-native:containerservice:ManagedCluster': {
      const apiAccess = (plain.apiServerAccessProfile ?? {}) as Record<string, unknown>;
      const isPrivate = apiAccess.enablePrivateCluster === true;
      // AKS builds the API server names from the DNS prefix, a hash and the region.
      const prefix = String(plain.dnsPrefix ?? azName);
      const hash = mockUuid(azName).slice(0, 8);
      const fqdn = `${prefix}-${hash}.hcp.${location}.azmk8s.io`;
      const nodeResourceGroup = (plain.nodeResourceGroup as string | undefined) ?? `MC_${String(plain.resourceGroupName)}_${azName}_${location}`;
      return {
        name: azName,
        fqdn: isPrivate ? undefined : fqdn,
        privateFQDN: isPrivate ? `${prefix}-${hash}.${mockUuid(`${azName}/private-dns`).slice(0, 8)}.privatelink.${location}.azmk8s.io` : undefined,
        azurePortalFQDN: `${prefix}-${hash}.portal.hcp.${location}.azmk8s.io`,
        nodeResourceGroup,
        currentKubernetesVersion: `${String(plain.kubernetesVersion ?? '1.33')}.3`.split('.').slice(0, 3).join('.'),
        provisioningState: 'Succeeded',
        identityProfile: {
          kubeletidentity: {
            clientId: mockUuid(`${azName}/kubelet/client`),
            objectId: mockUuid(`${azName}/kubelet/object`),
            // The kubelet identity lives in the node resource group, named <cluster>-agentpool.
            resourceId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${azName}-agentpool`,
          },
        },
        oidcIssuerProfile: { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${MOCK_TENANT_ID}/${mockUuid(azName)}/` },
        ingressProfile: plain.ingressProfile,
      };
    }
    case 'azure-native:managedidentity:UserAssignedIdentity':
      return { name: azName, clientId: mockUuid(`${azName}/client`), principalId: mockUuid(`${azName}/principal`), tenantId: MOCK_TENANT_ID };
    case 'azure-native:monitor:AzureMonitorWorkspace':
      return { name: azName, metrics: { internalId: `mac_${mockUuid(azName)}`, prometheusQueryEndpoint: `https://${azName}-${mockUuid(azName).slice(0, 4)}.${location}.prometheus.monitor.azure.com` } };
    case 'azure-native:dashboard:Grafana':
      return {
        name: azName,
        identity: { type: 'SystemAssigned', principalId: mockUuid(`${azName}/principal`), tenantId: MOCK_TENANT_ID },
        properties: { ...(plain.properties as object), endpoint: `https://${azName}-${mockUuid(azName).slice(0, 8)}.${location.slice(0, 3)}.grafana.azure.com`, provisioningState: 'Succeeded' },
      };
    case 'azure-native:operationalinsights:Workspace':
      return { name: azName, customerId: mockUuid(`${azName}/workspace`) };
    case 'azure-native:keyvault:Vault':
      return { name: azName, properties: { ...(plain.properties as object), vaultUri: `https://${azName}.vault.azure.net/` } };
    case 'azure-native:keyvault:Secret':
      return { name: azName, properties: { ...(plain.properties as object), secretUri: `https://${String(plain.vaultName)}.vault.azure.net/secrets/${azName}`, secretUriWithVersion: `https://${String(plain.vaultName)}.vault.azure.net/secrets/${azName}/0123456789abcdef` } };
    case 'azure-native:dbforpostgresql:Server':
      return { name: azName, fullyQualifiedDomainName: `${azName}.postgres.database.azure.com`, state: 'Ready' };
    case 'azure-native:redisenterprise:RedisEnterprise':
      return { name: azName, hostName: `${azName}.${location}.redis.azure.net`, provisioningState: 'Succeeded' };
    case 'azure-native:redisenterprise:Database':
      return { name: azName, port: plain.port ?? 10000 };
    case 'azure-native:redis:Redis':
      return { name: azName, hostName: `${azName}.redis.cache.windows.net`, port: 6379, sslPort: 6380 };
    // Documentation ranges (RFC 5737): clearly not real addresses.
    case 'azure-native:network:PublicIPAddress':
      return { name: azName, ipAddress: '198.51.100.10' };
    case 'azure-native:network:AzureFirewall':
      return { name: azName, ipConfigurations: ((plain.ipConfigurations as Record<string, unknown>[] | undefined) ?? []).map((c, i) => ({ ...c, privateIPAddress: `192.0.2.${4 + i}` })) };
    case 'azure-native:network:PrivateEndpoint': {
      // The endpoint's NIC is a top-level resource in the endpoint's resource group.
      const nic = (plain.customNetworkInterfaceName as string | undefined) ?? `${azName}.nic.${mockUuid(`${azName}/nic`)}`;
      return {
        name: azName,
        customDnsConfigs: [],
        networkInterfaces: [{ id: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${String(plain.resourceGroupName)}/providers/Microsoft.Network/networkInterfaces/${nic}` }],
      };
    }
    case 'docker-build:index:Image': {
      const tags = (plain.tags as string[] | undefined) ?? [];
      const digest = digestOf({ name, context: plain.context, dockerfile: plain.dockerfile, buildArgs: plain.buildArgs, tags });
      const repo = tags[0] ? tags[0].replace(/:[^/:]+$/, '') : name;
      return { digest, ref: `${repo}@${digest}` };
    }
    // Microsoft Graph (azuread): an application's client id and object id; ids are Graph paths.
    case 'azuread:index/applicationRegistration:ApplicationRegistration':
      return { clientId: mockUuid(`${String(plain.displayName)}/client`), objectId: mockUuid(`${String(plain.displayName)}/object`), disabledByMicrosoft: '' };
    case 'azuread:index/servicePrincipal:ServicePrincipal':
      return { objectId: mockUuid(`${String(plain.clientId)}/sp`), applicationTenantId: MOCK_TENANT_ID, type: 'Application' };
    case 'random:index/randomUuid:RandomUuid':
      return { result: mockUuid(`uuid/${name}`) };
    case 'random:index/randomPassword:RandomPassword':
      return { result: secretValue(`${MOCK_SECRET_MARKER}password-${name}`), bcryptHash: secretValue(`${MOCK_SECRET_MARKER}bcrypt-${name}`) };
    case 'random:index/randomString:RandomString':
      return { result: createHash('sha256').update(name).digest('hex').slice(0, Number(plain.length ?? 8)) };
    case 'random:index/randomId:RandomId':
      return { hex: createHash('sha256').update(name).digest('hex').slice(0, Number(plain.byteLength ?? 4) * 2) };
    case 'azure-native:cdn:AFDEndpoint':
      // Front Door appends a hash to the endpoint name (autoGeneratedDomainNameLabelScope TenantReuse).
      return { name: azName, hostName: `${azName}-${mockUuid(azName).replace(/-/g, '').slice(0, 16)}.z01.azurefd.net` };
    case 'azure-native:cdn:AFDCustomDomain':
      return { name: azName, validationProperties: { validationToken: `mock-validation-${azName}`, expirationDate: '2027-01-01T00:00:00Z' } };
    case 'kubernetes:helm.sh/v3:Release':
      return {
        name: plain.name ?? name,
        status: { name: plain.name ?? name, namespace: plain.namespace ?? 'default', status: 'deployed', revision: 1, chart: 'app', version: '0.1.0' },
      };
    default:
      return type.startsWith('azure-native:') ? { name: azName } : {};
  }
}

/** Answers for the invokes the program makes. Unknown invokes fail loudly. `resources` are those created so far (ARM answers 404 for others). */
export function callResult(token: string, inputs: Record<string, unknown>, resources: RecordedResource[] = []): Record<string, unknown> {
  const plain = unwrapSecrets(inputs) as Record<string, unknown>;
  switch (token) {
    case 'azure-native:authorization:getClientConfig':
      return { clientId: MOCK_CLIENT_ID, objectId: MOCK_CLIENT_OBJECT_ID, subscriptionId: MOCK_SUBSCRIPTION_ID, tenantId: MOCK_TENANT_ID };
    case 'azure-native:authorization:getClientToken':
      return { token: MOCK_ENTRA_ACCESS_TOKEN };
    case 'azure-native:containerservice:listManagedClusterUserCredentials':
    case 'azure-native:containerservice:listManagedClusterAdminCredentials': {
      const cluster = String(plain.resourceName);
      const found = existing(resources, 'azure-native:containerservice:ManagedCluster', cluster, plain.resourceGroupName);
      // The kubeconfig points at the API server the cluster reports: the private FQDN for a private cluster.
      const server = String(found.state.privateFQDN ?? found.state.fqdn);
      return { kubeconfigs: [{ name: token.endsWith('AdminCredentials') ? 'clusterAdmin' : 'clusterUser', value: Buffer.from(kubeconfigFor(cluster, server)).toString('base64') }] };
    }
    case 'azure-native:redisenterprise:listDatabaseKeys':
      existing(resources, 'azure-native:redisenterprise:Database', String(plain.databaseName), plain.resourceGroupName, String(plain.clusterName));
      return { primaryKey: `${MOCK_SECRET_MARKER}redis-primary-key`, secondaryKey: `${MOCK_SECRET_MARKER}redis-secondary-key` };
    case 'azure-native:redis:listRedisKeys':
      existing(resources, 'azure-native:redis:Redis', String(plain.name), plain.resourceGroupName);
      return { primaryKey: `${MOCK_SECRET_MARKER}redis-primary-key`, secondaryKey: `${MOCK_SECRET_MARKER}redis-secondary-key` };
    default:
      throw new Error(`offline mocks have no answer for invoke "${token}"; add one to offline/mocks.ts`);
  }
}

/**
 * The created resource an invoke names, by its Azure name (and resource group);
 * throws ARM's 404 message when there is none, so an invoke that passes a
 * Pulumi name or an id where the Azure name belongs fails like it would in Azure.
 */
function existing(resources: RecordedResource[], type: string, azName: string, resourceGroup: unknown, parentName?: string): RecordedResource {
  const found = resources.find((r) => {
    if (r.type !== type || r.state.name !== azName) return false;
    const plain = unwrapSecrets(r.inputs) as Record<string, unknown>;
    if (resourceGroup !== undefined && plain.resourceGroupName !== resourceGroup) return false;
    return parentName === undefined || Object.values(plain).includes(parentName);
  });
  if (!found) {
    const armType = ARM_TYPES[type.split(':').slice(1).join(':')] ?? type;
    throw new Error(`(ResourceNotFound) The Resource '${armType}/${parentName ? `${parentName}/` : ''}${azName}' under resource group '${String(resourceGroup)}' was not found.`);
  }
  return found;
}

function recordedAlias(alias: { getUrn(): string; getSpec(): AliasSpecMessage | undefined }): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return {
    name: spec.getName() || undefined,
    type: spec.getType() || undefined,
    parentUrn: spec.getParenturn() || undefined,
    noParent: spec.getNoparent() || undefined,
  };
}

class RecordingMonitor extends (MockMonitor as unknown as new (mocks: pulumi.runtime.Mocks) => MockMonitorLike & {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
}) {
  constructor(
    mocks: pulumi.runtime.Mocks,
    private readonly recorder: OfflineRecorder,
  ) {
    super(mocks);
  }

  /**
   * The URN the engine would give: the parent's whole qualified type chain, then
   * the type (`Platform$RegionalStamp$Network$azure-native:network:VirtualNetwork`).
   * The SDK's mock keeps only the parent's last type, which would hide a move of a
   * component's grandchildren (test/stamp-urns.test.ts compares URNs).
   */
  newUrn(parent: string, type: string, name: string): string {
    const qualifiedType = parent ? `${parent.split('::')[2]}$${type}` : type;
    return `urn:pulumi:${settings.getStack()}::${settings.getProject()}::${qualifiedType}::${name}`;
  }

  /** Answers like Pulumi's mock monitor (a fixed reference) and records what was registered. */
  registerPackage(req: RegisterPackageRequest, callback: (err: unknown, res: unknown) => void): void {
    const parameterization = req.getParameterization();
    const ref = `mock-package-${this.recorder.packages.length}`;
    this.recorder.packages.push({
      baseProviderName: req.getName(),
      baseProviderVersion: req.getVersion(),
      name: parameterization?.getName() ?? '',
      version: parameterization?.getVersion() ?? '',
      value: Buffer.from(parameterization?.getValue_asU8() ?? new Uint8Array()).toString('utf8'),
      ref,
    });
    const response = new resproto.RegisterPackageResponse();
    response.setRef(ref);
    callback(null, response);
  }

  override async registerResource(req: RegisterRequest, callback: (err: unknown, res: unknown) => void): Promise<void> {
    await super.registerResource(req, (err: unknown, res: unknown) => {
      if (!err && res) {
        const response = res as { getUrn(): string; getId(): string };
        const pending = this.recorder.resources.find((r) => r.urn === '' && r.token === req.getType() && r.name === req.getName());
        if (pending) {
          const propertyDependencies: Record<string, string[]> = {};
          req.getPropertydependenciesMap().forEach((value, key) => {
            propertyDependencies[key] = value.getUrnsList();
          });
          Object.assign(pending, {
            urn: response.getUrn(),
            id: response.getId(),
            custom: req.getCustom(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            aliases: req.getAliasesList().map(recordedAlias),
            provider: req.getProvider(),
            packageRef: req.getPackageref(),
          });
        }
      }
      callback(err, res);
    });
  }
}

/**
 * The program also talks to one Azure endpoint outside ARM: the registry's
 * `/oauth2/exchange`, which turns an Entra token into an ACR refresh token for
 * the image push. Offline, `fetch` answers that like ACR does; any other
 * non-loopback request fails, so nothing reaches the network by accident.
 */
function installOfflineFetch(): void {
  const real = globalThis.fetch;
  const offlineFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return real(input, init);
    if (url.hostname.endsWith('.azurecr.io') && url.pathname === '/oauth2/exchange') {
      return new Response(JSON.stringify({ refresh_token: MOCK_ACR_REFRESH_TOKEN }), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    throw new TypeError(`offline: no network access to ${url.origin} (offline/mocks.ts answers only the ACR token exchange)`);
  };
  globalThis.fetch = offlineFetch as typeof fetch;
}

/** Options for {@link installMocks}. */
export interface InstallMocksOptions {
  project?: string;
  stack?: string;
  organization?: string;
  /** Run as a preview (unknown outputs stay unknown); default false. */
  preview?: boolean;
  /**
   * Leave on the SDK work the mocks never read (V8's debugger, which closure serialization
   * turns on for good, a stack trace per resource, the leak bookkeeping of every promise the
   * SDK awaits): ./sdk-overheads.ts. Default false:
   * installing the mocks turns it off for this copy of the SDK. Only a reference run that
   * compares with the SDK's own behaviour wants it (test/sdk-overheads.test.ts).
   */
  keepSdkOverheads?: boolean;
}

/**
 * Installs the offline engine. Call before any resource is created; returns the
 * recorder that fills as the program registers resources.
 *
 * It also turns off, for the SDK copy it runs in, the SDK work the mocks never read
 * (./sdk-overheads.ts), unless `keepSdkOverheads`. In jest every test file has its own copy
 * of the SDK, but V8's debugger belongs to the worker process: a file whose program
 * serialized a dynamic provider left it on for every later file of its worker, and each paid
 * ~4× for its promises.
 */
export function installMocks(options: InstallMocksOptions = {}): OfflineRecorder {
  const recorder = new OfflineRecorder();
  if (!options.keepSdkOverheads) trimSdkOverheads();
  installOfflineFetch();
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      const type = canonicalType(args.type);
      const computed = computedState(type, args.name, inputs);
      const stateValue = { ...inputs, ...Object.fromEntries(Object.entries(computed).filter(([, v]) => v !== undefined)) };
      const id = args.custom === false ? '' : armId(type, args.name, unwrapSecrets(inputs) as Record<string, unknown>);
      recorder.resources.push({
        urn: '',
        type,
        token: args.type,
        name: args.name,
        custom: args.custom ?? true,
        parent: '',
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        replaceOnChanges: [],
        additionalSecretOutputs: [],
        aliases: [],
        provider: args.provider ?? '',
        packageRef: '',
        inputs,
        state: stateValue,
        id,
      });
      return { id, state: stateValue };
    },
    call(args) {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      recorder.calls.push({ token: args.token, inputs });
      return callResult(args.token, inputs, recorder.resources);
    },
  };
  settings.setMockOptions(
    new RecordingMonitor(mocks, recorder),
    options.project ?? 'aks-platform',
    options.stack ?? 'test',
    options.preview ?? false,
    options.organization ?? 'organization',
  );
  // The same feature flags `pulumi.runtime.setMocks` turns on.
  const store = state.getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsReplaceWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: true,
    supportsInvokeTransforms: true,
    supportsParameterization: true,
    supportsResourceHooks: true,
    supportsErrorHooks: true,
    supportsInvokeDependsOn: false,
  });
  return recorder;
}

/** Waits until every registration the program started has reached the mocks. */
export async function settle(): Promise<void> {
  await settings.waitForRPCs();
}

/** Resolves an Output (or plain value) to its value and whether it is secret. */
export async function resolveOutput<T>(value: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const output = pulumi.output(value) as pulumi.Output<T> & { isSecret: Promise<boolean> };
  const resolved = await new Promise<T>((resolve) => output.apply((v) => { resolve(v as T); return v; }));
  return { value: resolved, secret: await output.isSecret };
}
