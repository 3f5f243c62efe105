import { installMocks, settle, resolveOutput } from '../offline/mocks';
import type { ContainerRegistryArgs } from '../components/container-registry';
import { NameParts } from '../lib/naming';
import { registryArgProblems } from '../lib/container-registry';
import { registeredTypes, resourceErrorOf } from './support/components';

const naming: NameParts = { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' };
const tags = { environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1', 'managed-by': 'pulumi' };
const PE_SUBNET = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/pe';
const ACR_ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io';

const prodArgs = (): ContainerRegistryArgs => ({
  naming,
  resourceGroupName: 'rg-aksplat-prod-weu',
  sku: 'Premium',
  privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: ACR_ZONE },
  zoneRedundancy: true,
  untaggedRetentionDays: 7,
  tags,
});
const devArgs = (): ContainerRegistryArgs => ({ naming: { ...naming, environment: 'dev' }, resourceGroupName: 'rg-aksplat-dev-weu', sku: 'Standard', tags });

async function build(name: string, args: ContainerRegistryArgs) {
  const recorder = installMocks();
  const { ContainerRegistry } = await import('../components/container-registry');
  const acr = new ContainerRegistry(name, args);
  await settle();
  return { recorder, acr };
}

describe('ContainerRegistry', () => {
  it('prod: private Premium registry with a private endpoint, zone redundancy and untagged retention', async () => {
    const { recorder, acr } = await build('acr', prodArgs());
    const comp = recorder.one('aks-platform:index:ContainerRegistry', 'acr');
    expect(recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'aks-platform:index:PrivateLink acr-pl',
      'azure-native:containerregistry:Registry acr-acr',
    ]);
    const reg = recorder.one('azure-native:containerregistry:Registry');
    expect(reg.inputs).toEqual({
      registryName: 'craksplatprodweuabc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      sku: { name: 'Premium' },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      dataEndpointEnabled: true,
      zoneRedundancy: 'Enabled',
      publicNetworkAccess: 'Disabled',
      networkRuleSet: { defaultAction: 'Deny' },
      networkRuleBypassOptions: 'AzureServices',
      policies: { exportPolicy: { status: 'disabled' }, retentionPolicy: { status: 'enabled', days: 7 } },
      tags,
    });
    const pl = recorder.one('aks-platform:index:PrivateLink', 'acr-pl');
    const pe = recorder.one('azure-native:network:PrivateEndpoint');
    expect(pe.parent).toBe(pl.urn);
    expect(pe.inputs).toMatchObject({
      privateEndpointName: 'pe-aksplat-prod-weu-acr',
      subnet: { id: PE_SUBNET },
      privateLinkServiceConnections: [{ privateLinkServiceId: reg.id, groupIds: ['registry'] }],
      tags,
    });
    expect(recorder.one('azure-native:network:PrivateDnsZoneGroup').inputs).toMatchObject({
      privateDnsZoneConfigs: [{ name: 'registry', privateDnsZoneId: ACR_ZONE }],
    });
    expect((await resolveOutput(acr.registryId)).value).toBe(reg.id);
    expect((await resolveOutput(acr.loginServer)).value).toBe('craksplatprodweuabc123.azurecr.io');
    expect((await resolveOutput(acr.name)).value).toBe('craksplatprodweuabc123');
  });

  it('dev: Standard registry on its public endpoint, still without admin user or anonymous pull', async () => {
    const { recorder } = await build('dev', devArgs());
    expect(recorder.ofType('azure-native:network:PrivateEndpoint')).toEqual([]);
    const reg = recorder.one('azure-native:containerregistry:Registry');
    expect(reg.inputs).toEqual({
      registryName: 'craksplatdevweuabc123',
      resourceGroupName: 'rg-aksplat-dev-weu',
      location: 'westeurope',
      sku: { name: 'Standard' },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      dataEndpointEnabled: false,
      zoneRedundancy: 'Disabled',
      publicNetworkAccess: 'Enabled',
      networkRuleBypassOptions: 'AzureServices', // SDK default
      tags,
    });
  });

  it('lets a private registry refuse trusted Azure services', async () => {
    const { recorder } = await build('strict', { ...prodArgs(), allowTrustedServices: false });
    expect(recorder.one('azure-native:containerregistry:Registry').inputs.networkRuleBypassOptions).toBe('None');
  });

  it('retention 0 means no retention policy (and is fine on Standard)', async () => {
    const { recorder } = await build('noret', { ...devArgs(), untaggedRetentionDays: 0 });
    expect(recorder.one('azure-native:containerregistry:Registry').inputs.policies).toBeUndefined();
  });

  it('Premium without a private endpoint keeps public access, with retention', async () => {
    const { recorder } = await build('pub', { ...prodArgs(), privateEndpoint: undefined });
    const reg = recorder.one('azure-native:containerregistry:Registry');
    expect(reg.inputs).toMatchObject({ publicNetworkAccess: 'Enabled', dataEndpointEnabled: true, policies: { retentionPolicy: { status: 'enabled', days: 7 } } });
    expect(reg.inputs.networkRuleSet).toBeUndefined();
  });

  const bad: Array<[string, Partial<ContainerRegistryArgs>, string]> = [
    ['unknown sku', { sku: 'Ultra' as never }, 'args.sku: "Ultra" is not a registry SKU; allowed: Basic, Standard, Premium'],
    ['private endpoint on Standard', { sku: 'Standard', zoneRedundancy: undefined, untaggedRetentionDays: undefined }, 'args.privateEndpoint: a private endpoint needs sku "Premium" (sku is "Standard")'],
    ['zone redundancy on Basic', { sku: 'Basic', privateEndpoint: undefined, untaggedRetentionDays: undefined }, 'args.zoneRedundancy: zone redundancy needs sku "Premium" (sku is "Basic")'],
    ['retention on Standard', { sku: 'Standard', privateEndpoint: undefined, zoneRedundancy: false }, 'args.untaggedRetentionDays: a retention policy for untagged manifests needs sku "Premium"'],
    ['retention too long', { untaggedRetentionDays: 400 }, 'args.untaggedRetentionDays: 400 is not allowed; use a whole number of days from 1 to 365, or 0 for no retention policy'],
    ['retention not whole', { untaggedRetentionDays: 1.5 }, 'args.untaggedRetentionDays: 1.5 is not allowed'],
  ];
  it.each(bad)('rejects %s with a ResourceError and creates nothing', async (_label, overrides, message) => {
    const recorder = installMocks();
    const { ContainerRegistry } = await import('../components/container-registry');
    const error = resourceErrorOf(() => new ContainerRegistry('bad', { ...prodArgs(), ...overrides }));
    expect(error.message).toContain('ContainerRegistry "bad" has invalid arguments');
    expect(error.message).toContain(message);
    expect(await registeredTypes(recorder)).toEqual(['aks-platform:index:ContainerRegistry']);
  });
});

describe('registryArgProblems', () => {
  it.each([
    [{ sku: 'Premium', privateEndpoint: true, zoneRedundancy: true, untaggedRetentionDays: 1 }, []],
    [{ sku: 'Standard', untaggedRetentionDays: 0 }, []],
    [{ sku: 'Premium', untaggedRetentionDays: 365 }, []],
    [{ sku: 'Standard' }, []],
    [{ sku: 'Basic', zoneRedundancy: false }, []],
    [{ sku: undefined, privateEndpoint: true }, []],
    [{ sku: 'Standard', privateEndpoint: true, zoneRedundancy: true, untaggedRetentionDays: 7 }, ['privateEndpoint', 'zoneRedundancy', 'untaggedRetentionDays']],
    [{ sku: 'Premium', untaggedRetentionDays: -1 }, ['untaggedRetentionDays']],
  ])('%j → %j', (args, paths) => {
    expect(registryArgProblems(args).map((p) => p.path)).toEqual(paths);
  });
});
