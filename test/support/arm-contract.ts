/**
 * The ARM contract of each Azure resource type the stacks register: which
 * generated SDK model its request body is, which SDK URL parameters its name
 * inputs are, and — in this one place — how azure-native's input shape maps
 * to the SDK model where they differ.
 *
 * {@link checkArmContract} serializes a recorded resource with
 * `createSerializer(mappers).serialize(...)`, which enforces required
 * properties, types and fixed enum values. `serialize` (core-client 1.x) does
 * not apply the mappers' `constraints`, so the check also walks the inputs
 * against the model and calls the serializer's `validateConstraints` on every
 * value (Pattern, Min/MaxLength, Inclusive/ExclusiveMinimum/Maximum,
 * MinItems/MaxItems, MultipleOf, UniqueItems). The walk reports every input
 * property the model does not know: a typo, or a property from a newer API
 * version than the SDK's (those are listed, with the reason, in
 * {@link ResourceContract.newerThanSdk}).
 */
import { readFileSync, existsSync } from 'fs';
import * as path from 'path';
import { createSerializer, CompositeMapper, DictionaryMapper, Mapper, SequenceMapper, Serializer } from '@azure/core-client';
import { SdkServiceName, sdkModels } from './arm-sdk-models';
import { PINNED_API_VERSIONS, canonicalType, explicitApiVersion } from '../../lib/azure-api-versions';

/** How one azure-native resource type meets its SDK model. */
export interface ResourceContract {
  /** SDK package (pinned in package.json). */
  service: SdkServiceName;
  /** Name of the request body model in the SDK's mappers. */
  model: string;
  /** azure-native URL inputs → the SDK parameter export that validates them (`resourceName` → `resourceName`). */
  urlParameters: Record<string, string>;
  /** Which URL input is the resource's own name (when azure-native autonames it, the created name is checked). */
  ownName: string;
  /** The SDK operation group's API version (the default of this `apiVersion*` parameter export). */
  apiVersionParameter?: string;
  /** azure-native input shape → SDK model shape, where they differ. */
  toModel?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Input paths the SDK model of its API version does not have, and why they are still right. */
  newerThanSdk?: Record<string, string>;
}

const rg = { resourceGroupName: 'resourceGroupName' };

/** azure-native lists user-assigned identity ids; ARM (and the SDK model) keys a map by them. */
function identityMap(body: Record<string, unknown>): Record<string, unknown> {
  const identity = body.identity as { userAssignedIdentities?: unknown } | undefined;
  if (!identity || !Array.isArray(identity.userAssignedIdentities)) return body;
  return { ...body, identity: { ...identity, userAssignedIdentities: Object.fromEntries(identity.userAssignedIdentities.map((id: string) => [id, {}])) } };
}

/** Moves values between property paths (`a.b` → `a.c`): azure-native keeps the spec's casing where the SDK camel-cases acronyms. */
function renamed(renames: Record<string, string>): (body: Record<string, unknown>) => Record<string, unknown> {
  return (body) => {
    const copy = structuredClone(body);
    for (const [from, to] of Object.entries(renames)) {
      const fromParts = from.split('.');
      const toKey = to.split('.').pop()!;
      let node: Record<string, unknown> | undefined = copy;
      for (const part of fromParts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
      const last = fromParts[fromParts.length - 1];
      if (node && last in node) {
        node[toKey] = node[last];
        delete node[last];
      }
    }
    return copy;
  };
}

/** ManagedCluster: identity map, and the SDK's casing of three acronyms. */
const managedClusterToModel = (body: Record<string, unknown>) =>
  renamed({
    enableRBAC: 'enableRbac',
    'aadProfile.enableAzureRBAC': 'aadProfile.enableAzureRbac',
    'apiServerAccessProfile.enablePrivateClusterPublicFQDN': 'apiServerAccessProfile.enablePrivateClusterPublicFqdn',
  })(identityMap(body));

/** Every Azure resource type the stacks register, by azure-native type token (version suffix removed). */
export const ARM_CONTRACTS: Record<string, ResourceContract> = {
  'azure-native:resources:ResourceGroup': { service: 'resources', model: 'ResourceGroup', urlParameters: { ...rg }, ownName: 'resourceGroupName' },
  'azure-native:network:VirtualNetwork': {
    service: 'network', model: 'VirtualNetwork', urlParameters: { ...rg, virtualNetworkName: 'virtualNetworkName' }, ownName: 'virtualNetworkName',
  },
  'azure-native:network:Subnet': {
    service: 'network', model: 'Subnet', urlParameters: { ...rg, virtualNetworkName: 'virtualNetworkName', subnetName: 'subnetName' }, ownName: 'subnetName',
  },
  'azure-native:network:NetworkSecurityGroup': {
    service: 'network', model: 'NetworkSecurityGroup', urlParameters: { ...rg, networkSecurityGroupName: 'networkSecurityGroupName' }, ownName: 'networkSecurityGroupName',
  },
  'azure-native:network:PublicIPAddress': {
    service: 'network', model: 'PublicIPAddress', urlParameters: { ...rg, publicIpAddressName: 'publicIpAddressName' }, ownName: 'publicIpAddressName',
  },
  'azure-native:network:RouteTable': {
    service: 'network', model: 'RouteTable', urlParameters: { ...rg, routeTableName: 'routeTableName' }, ownName: 'routeTableName',
  },
  'azure-native:network:Route': {
    service: 'network', model: 'Route', urlParameters: { ...rg, routeTableName: 'routeTableName', routeName: 'routeName' }, ownName: 'routeName',
  },
  'azure-native:network:FirewallPolicy': {
    service: 'network', model: 'FirewallPolicy', urlParameters: { ...rg, firewallPolicyName: 'firewallPolicyName' }, ownName: 'firewallPolicyName',
  },
  'azure-native:network:AzureFirewall': {
    service: 'network', model: 'AzureFirewall', urlParameters: { ...rg, azureFirewallName: 'azureFirewallName' }, ownName: 'azureFirewallName',
  },
  'azure-native:network:PrivateEndpoint': {
    service: 'network', model: 'PrivateEndpoint', urlParameters: { ...rg, privateEndpointName: 'privateEndpointName' }, ownName: 'privateEndpointName',
  },
  'azure-native:network:PrivateDnsZoneGroup': {
    service: 'network',
    model: 'PrivateDnsZoneGroup',
    urlParameters: { ...rg, privateEndpointName: 'privateEndpointName', privateDnsZoneGroupName: 'privateDnsZoneGroupName' },
    ownName: 'privateDnsZoneGroupName',
  },
  'azure-native:privatedns:PrivateZone': { service: 'privatedns', model: 'PrivateZone', urlParameters: { ...rg, privateZoneName: 'privateZoneName' }, ownName: 'privateZoneName' },
  'azure-native:privatedns:VirtualNetworkLink': {
    service: 'privatedns',
    model: 'VirtualNetworkLink',
    urlParameters: { ...rg, privateZoneName: 'privateZoneName', virtualNetworkLinkName: 'virtualNetworkLinkName' },
    ownName: 'virtualNetworkLinkName',
  },
  'azure-native:containerregistry:Registry': {
    service: 'containerregistry', model: 'Registry', urlParameters: { ...rg, registryName: 'registryName' }, ownName: 'registryName', apiVersionParameter: 'apiVersion',
  },
  'azure-native:containerservice:ManagedCluster': {
    service: 'containerservice', model: 'ManagedCluster', urlParameters: { ...rg, resourceName: 'resourceName' }, ownName: 'resourceName', toModel: managedClusterToModel,
  },
  'azure-native:containerservice:AgentPool': {
    service: 'containerservice', model: 'AgentPool', urlParameters: { ...rg, resourceName: 'resourceName', agentPoolName: 'agentPoolName' }, ownName: 'agentPoolName',
  },
  'azure-native:containerservice:MaintenanceConfiguration': {
    service: 'containerservice', model: 'MaintenanceConfiguration', urlParameters: { ...rg, resourceName: 'resourceName', configName: 'configName' }, ownName: 'configName',
  },
  'azure-native:operationalinsights:Workspace': {
    service: 'operationalinsights', model: 'Workspace', urlParameters: { ...rg, workspaceName: 'workspaceName' }, ownName: 'workspaceName', apiVersionParameter: 'apiVersion3',
  },
  'azure-native:managedidentity:UserAssignedIdentity': { service: 'msi', model: 'Identity', urlParameters: { ...rg, resourceName: 'resourceName' }, ownName: 'resourceName' },
  'azure-native:managedidentity:FederatedIdentityCredential': {
    service: 'msi',
    model: 'FederatedIdentityCredential',
    urlParameters: { ...rg, resourceName: 'resourceName', federatedIdentityCredentialResourceName: 'federatedIdentityCredentialResourceName' },
    ownName: 'federatedIdentityCredentialResourceName',
  },
  'azure-native:keyvault:Vault': {
    service: 'keyvault', model: 'VaultCreateOrUpdateParameters', urlParameters: { ...rg, vaultName: 'vaultName2' }, ownName: 'vaultName', apiVersionParameter: 'apiVersion',
  },
  'azure-native:keyvault:Secret': {
    service: 'keyvault', model: 'SecretCreateOrUpdateParameters', urlParameters: { ...rg, vaultName: 'vaultName2', secretName: 'secretName' }, ownName: 'secretName', apiVersionParameter: 'apiVersion',
  },
  'azure-native:dbforpostgresql:Server': { service: 'postgresql', model: 'Server', urlParameters: { ...rg, serverName: 'serverName' }, ownName: 'serverName' },
  'azure-native:dbforpostgresql:Database': {
    service: 'postgresql', model: 'Database', urlParameters: { ...rg, serverName: 'serverName', databaseName: 'databaseName' }, ownName: 'databaseName',
  },
  'azure-native:dbforpostgresql:Configuration': {
    service: 'postgresql', model: 'Configuration', urlParameters: { ...rg, serverName: 'serverName', configurationName: 'configurationName' }, ownName: 'configurationName',
  },
  'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra': {
    service: 'postgresql', model: 'AdministratorMicrosoftEntraAdd', urlParameters: { ...rg, serverName: 'serverName', objectId: 'objectId' }, ownName: 'objectId',
  },
  'azure-native:redisenterprise:RedisEnterprise': {
    service: 'redisenterprise',
    model: 'Cluster',
    urlParameters: { ...rg, clusterName: 'clusterName' },
    ownName: 'clusterName',
    newerThanSdk: {
      highAvailability: 'Azure Managed Redis (API 2024-09-01-preview and later, GA 2025-04-01); the SDK major with constraint mappers is 2022-01-01',
      publicNetworkAccess: 'Azure Managed Redis, API 2025-04-01 and later (same reason)',
    },
  },
  'azure-native:redisenterprise:Database': {
    service: 'redisenterprise',
    model: 'Database',
    urlParameters: { ...rg, clusterName: 'clusterName', databaseName: 'databaseName' },
    ownName: 'databaseName',
    newerThanSdk: { accessKeysAuthentication: 'API 2024-09-01-preview and later (Entra auth for Azure Managed Redis); the SDK model is 2022-01-01' },
  },
  'azure-native:authorization:RoleAssignment': {
    service: 'authorization', model: 'RoleAssignmentCreateParameters', urlParameters: { scope: 'scope', roleAssignmentName: 'roleAssignmentName' }, ownName: 'roleAssignmentName', apiVersionParameter: 'apiVersion1',
  },
  'azure-native:monitor:DataCollectionRule': {
    service: 'monitor',
    model: 'DataCollectionRuleResource',
    urlParameters: { ...rg, dataCollectionRuleName: 'dataCollectionRuleName' },
    ownName: 'dataCollectionRuleName',
    apiVersionParameter: 'apiVersion12',
    newerThanSdk: {
      dataCollectionEndpointId: 'API 2021-09-01-preview and later (managed Prometheus); the SDK model is 2021-04-01',
      'dataSources.prometheusForwarder': 'API 2021-09-01-preview and later (managed Prometheus)',
      'destinations.monitoringAccounts': 'API 2021-09-01-preview and later (Azure Monitor workspace destination)',
    },
  },
  'azure-native:monitor:DataCollectionRuleAssociation': {
    service: 'monitor', model: 'DataCollectionRuleAssociationProxyOnlyResource', urlParameters: { resourceUri: 'resourceUri', associationName: 'associationName' }, ownName: 'associationName', apiVersionParameter: 'apiVersion12',
  },
  'azure-native:monitor:ActionGroup': {
    service: 'monitor', model: 'ActionGroupResource', urlParameters: { ...rg, actionGroupName: 'actionGroupName' }, ownName: 'actionGroupName', apiVersionParameter: 'apiVersion3',
  },
  'azure-native:monitor:DataCollectionEndpoint': {
    service: 'monitor', model: 'DataCollectionEndpointResource', urlParameters: { ...rg, dataCollectionEndpointName: 'dataCollectionEndpointName' }, ownName: 'dataCollectionEndpointName', apiVersionParameter: 'apiVersion12',
  },
  'azure-native:monitor:DiagnosticSetting': {
    service: 'monitor',
    model: 'DiagnosticSettingsResource',
    urlParameters: { resourceUri: 'resourceUri', name: 'name' },
    ownName: 'name',
    apiVersionParameter: 'apiVersion2',
    newerThanSdk: { 'logs[].categoryGroup': 'API 2021-05-01-preview (category groups such as allLogs / audit); the SDK model is 2017-05-01-preview' },
  },
};

/**
 * Azure types the stacks register that no pinned SDK covers, and why. The
 * contract test fails on any Azure type that is in neither list, so a new
 * resource type gets a contract (or a stated reason) before it ships.
 */
export const NOT_COVERED: Record<string, string> = {
  'azure-native:monitor:AzureMonitorWorkspace':
    'Microsoft.Monitor/accounts: its SDK (@azure/arm-monitor-workspaces?) was not evaluated for constraint mappers yet; a follow-up',
  'azure-native:authorization:PolicyAssignment': 'Microsoft.Authorization/policyAssignments: @azure/arm-policy not pinned yet; a follow-up',
  'azure-native:dashboard:Grafana': 'Microsoft.Dashboard/grafana: @azure/arm-dashboard not pinned yet; a follow-up',
  'azure-native:network:FirewallPolicyRuleCollectionGroup':
    'Microsoft.Network/firewallPolicies/ruleCollectionGroups: ruleCollections and rules are polymorphic (ruleCollectionType / ruleType discriminators), which the checker does not resolve; the rules are asserted in test/program.test.ts; a follow-up',
  'azure-native:frontdoor:Policy': 'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies (@azure/arm-frontdoor): @azure/arm-frontdoor not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:Profile': 'Microsoft.Cdn/profiles: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:AFDEndpoint': 'Microsoft.Cdn/profiles/afdEndpoints: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:AFDOriginGroup': 'Microsoft.Cdn/profiles/originGroups: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:AFDOrigin': 'Microsoft.Cdn/profiles/originGroups/origins: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:Route': 'Microsoft.Cdn/profiles/afdEndpoints/routes: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:RuleSet': 'Microsoft.Cdn/profiles/ruleSets: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:Rule': 'Microsoft.Cdn/profiles/ruleSets/rules: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:cdn:SecurityPolicy': 'Microsoft.Cdn/profiles/securityPolicies: @azure/arm-cdn not pinned yet (the edge landed after the contract); its properties are asserted in test/edge.test.ts; a follow-up',
  'azure-native:redisenterprise:AccessPolicyAssignment':
    'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments: the pinned @azure/arm-redisenterprisecache 2.2.0 models API 2022-01-01, which predates access policy assignments (API 2024-09-01-preview and later); its inputs are asserted in test/redis-cache.test.ts; covered when the SDK pin moves past 2024-09-01',
  'azure-native:alertsmanagement:PrometheusRuleGroup':
    'Microsoft.AlertsManagement/prometheusRuleGroups: @azure/arm-alertsmanagement not pinned yet; the rules themselves are checked by promtool (test/observability-rules.test.ts)',
};

/**
 * `azure-native:containerregistry/v20250401:Registry` and the parameterized
 * `azure-native_containerregistry_v20251101:containerregistry:Registry` → `azure-native:containerregistry:Registry`.
 */
export function unversionedType(type: string): string {
  return canonicalType(type);
}

/**
 * The ARM API version azure-native sends for a type: the version a token names
 * (versioned module or parameterized package), the version pinned in
 * lib/azure-api-versions.ts for the type, else the SDK's doc comment (its default).
 */
export function azureNativeApiVersion(type: string): string {
  const explicit = explicitApiVersion(type);
  if (explicit) return explicit;
  const pinned = PINNED_API_VERSIONS[type]?.apiVersion;
  if (pinned) return pinned;
  const [, mod, resource] = type.split(':');
  const file = path.join(path.dirname(require.resolve('@pulumi/azure-native/package.json')), mod, `${resource.charAt(0).toLowerCase()}${resource.slice(1)}.d.ts`);
  const match = existsSync(file) ? /Uses Azure REST API version ([0-9a-z-]+)/.exec(readFileSync(file, 'utf8')) : null;
  if (!match) throw new Error(`cannot tell the API version of ${type} (no ${file})`);
  return match[1];
}

/** The API version the SDK model's operation group sends. */
export function sdkApiVersion(contract: ResourceContract): string {
  const param = sdkModels(contract.service).parameters[contract.apiVersionParameter ?? 'apiVersion'];
  const version = (param?.mapper as { defaultValue?: string } | undefined)?.defaultValue;
  if (!version) throw new Error(`${contract.service}: no ${contract.apiVersionParameter ?? 'apiVersion'} parameter`);
  return version;
}

/** What the check found for one resource. */
export interface ContractResult {
  /** Serializer errors: the first violation of the body, and each URL parameter's. */
  violations: string[];
  /** Input paths (`a.b[].c`) the model has; these were type-, enum- and constraint-checked. */
  checkedPaths: string[];
  /** Input paths the model does not have and the contract does not explain. */
  unknownPaths: string[];
}

function resolveComposite(mappers: Record<string, Mapper>, mapper: Mapper): Record<string, Mapper> | undefined {
  const type = mapper.type as CompositeMapper['type'];
  if (type.name !== 'Composite') return undefined;
  if (type.modelProperties) return type.modelProperties as Record<string, Mapper>;
  const named = type.className ? (mappers[type.className] as CompositeMapper | undefined) : undefined;
  return named?.type.modelProperties as Record<string, Mapper> | undefined;
}

/** What a walk collects. */
interface Walk {
  mappers: Record<string, Mapper>;
  serializer: Serializer;
  checked: string[];
  unknown: string[];
  violations: string[];
}

/**
 * Walks a value against a mapper: validates each value's `constraints` (the
 * serializer's `validateConstraints`; `serialize` itself checks only required
 * flags, types and enums), and sorts the input paths into known and unknown.
 */
function walk(w: Walk, mapper: Mapper, value: unknown, prefix: string): void {
  if (value === null || value === undefined) return;
  try {
    w.serializer.validateConstraints(mapper, value, prefix || mapper.serializedName || 'body');
  } catch (err) {
    w.violations.push((err as Error).message);
  }
  const name = mapper.type.name;
  if (name === 'Sequence' && Array.isArray(value)) {
    const element = (mapper as SequenceMapper).type.element;
    value.forEach((v, i) => walk(w, element, v, `${prefix}[${i}]`));
    return;
  }
  if (name === 'Dictionary' && typeof value === 'object') {
    const element = (mapper as DictionaryMapper).type.value;
    Object.entries(value as object).forEach(([k, v]) => walk(w, element, v, `${prefix}{${k}}`));
    return;
  }
  const props = resolveComposite(w.mappers, mapper);
  if (!props || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const prop = props[key];
    // Paths are reported without element indexes and map keys (`a[].b`).
    const shape = path.replace(/\[\d+\]/g, '[]').replace(/\{[^}]*\}/g, '{}');
    if (!prop) {
      w.unknown.push(shape);
      continue;
    }
    w.checked.push(shape);
    walk(w, prop, v, path);
  }
}

/** Removes the documented newer-than-SDK paths from a body before it is serialized. */
function withoutPaths(body: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const copy = structuredClone(body);
  for (const p of paths) {
    if (!p.includes('.') && !p.includes('[')) delete copy[p];
  }
  return copy;
}

/**
 * Checks one resource's inputs (secrets unwrapped) against its contract.
 * `createdName` is the name the resource got, for autonamed resources.
 */
export function checkArmContract(contract: ResourceContract, inputs: Record<string, unknown>, createdName?: string): ContractResult {
  const { mappers, parameters } = sdkModels(contract.service);
  const mapper = mappers[contract.model];
  if (!mapper) throw new Error(`${contract.service} has no model ${contract.model}`);
  const serializer = createSerializer(mappers as Record<string, unknown>, false);
  const body = Object.fromEntries(Object.entries(inputs).filter(([k]) => !(k in contract.urlParameters)));
  const model = contract.toModel ? contract.toModel(body) : body;
  const w: Walk = { mappers, serializer, checked: [], unknown: [], violations: [] };
  const explained = Object.keys(contract.newerThanSdk ?? {});
  const checkedBody = withoutPaths(model, explained);
  // Required properties, types and enum values (stops at the first problem).
  try {
    serializer.serialize(mapper, checkedBody, contract.model);
  } catch (err) {
    w.violations.push((err as Error).message);
  }
  // Patterns, lengths, ranges, item counts; and which inputs the model knows.
  walk(w, mapper, model, '');
  for (const [input, exportName] of Object.entries(contract.urlParameters)) {
    const parameter = parameters[exportName];
    if (!parameter) throw new Error(`${contract.service} has no URL parameter ${exportName}`);
    const value = inputs[input] ?? (input === contract.ownName ? createdName : undefined);
    try {
      serializer.serialize({ ...parameter.mapper, required: true }, value, input);
      serializer.validateConstraints(parameter.mapper, value, input);
      w.checked.push(`(url) ${input}`);
    } catch (err) {
      w.violations.push((err as Error).message);
    }
  }
  return { violations: w.violations, checkedPaths: [...new Set(w.checked)], unknownPaths: [...new Set(w.unknown.filter((p) => !explained.includes(p)))] };
}
