/**
 * The pinned API versions (lib/azure-api-versions.ts): the facts re-read from
 * the installed azure-native SDK, the parameterization format azure-native's
 * provider expects, the token forms, and the pinned resource classes under the
 * offline mocks (what they register, through which package).
 */
import * as pulumi from '@pulumi/pulumi';
import { getVersion } from '@pulumi/azure-native/utilities';
import {
  AZURE_NATIVE_BASE,
  PINNED_API_VERSIONS,
  PREVIEW_ONLY_TYPES,
  apiVersionOfSdkVersion,
  canonicalType,
  decodeParameterValue,
  explicitApiVersion,
  isAzureNativeType,
  parameterValue,
  parameterizedPackageName,
  pinnedTypeToken,
  sdkVersion,
} from '../lib/azure-api-versions';
import { isPreview, sdkApiVersionsOf } from './support/api-versions';
import { installMocks, settle, unwrapSecrets } from '../offline/mocks';
import { Registry } from '../components/pinned-api/container-registry';
import { ActionGroup } from '../components/pinned-api/action-group';
import { pinnedPackage } from '../components/pinned-api/package';

describe('API version forms', () => {
  it.each([
    ['2025-11-01', 'v20251101'],
    ['2023-01-01-preview', 'v20230101preview'],
    ['2022-06-01', 'v20220601'],
  ])('%s ↔ %s', (api, sdk) => {
    expect(sdkVersion(api)).toBe(sdk);
    expect(apiVersionOfSdkVersion(sdk)).toBe(api);
  });

  it.each(['2025-11', 'v2025-11-01', '2025-11-01-beta', ''])('refuses %j', (bad) => {
    expect(() => sdkVersion(bad)).toThrow(/not an Azure API version/);
  });

  it.each([
    ['azure-native_containerregistry_v20251101:containerregistry:Registry', 'azure-native:containerregistry:Registry', '2025-11-01'],
    ['azure-native_monitor_v20220601:monitor:ActionGroup', 'azure-native:monitor:ActionGroup', '2022-06-01'],
    ['azure-native:containerregistry/v20230101preview:Registry', 'azure-native:containerregistry:Registry', '2023-01-01-preview'],
    ['azure-native:containerregistry:Registry', 'azure-native:containerregistry:Registry', undefined],
    ['kubernetes:helm.sh/v3:Release', 'kubernetes:helm.sh/v3:Release', undefined],
  ])('%s is %s at %s', (token, type, version) => {
    expect(canonicalType(token)).toBe(type);
    expect(explicitApiVersion(token)).toBe(version);
    expect(isAzureNativeType(token)).toBe(type.startsWith('azure-native:'));
  });
});

describe('the parameterization azure-native reads', () => {
  it('is the base64 text of {"module","version"} with the SDK version form (azure-native provider_parameterize.go)', () => {
    // The vector of azure-native's own round-trip test (module aad, version v20221201).
    expect(parameterValue('aad', '2022-12-01')).toBe('eyJtb2R1bGUiOiJhYWQiLCJ2ZXJzaW9uIjoidjIwMjIxMjAxIn0=');
    expect(Buffer.from(parameterValue('containerregistry', '2025-11-01'), 'base64').toString()).toBe('{"module":"containerregistry","version":"v20251101"}');
    expect(decodeParameterValue(parameterValue('monitor', '2022-06-01'))).toEqual({ module: 'monitor', version: 'v20220601' });
    expect(() => decodeParameterValue(Buffer.from('{"module":1}').toString('base64'))).toThrow(/not an azure-native parameter/);
  });

  it('names the package azure-native_<module>_<version> and the token <package>:<module>:<Resource>', () => {
    expect(parameterizedPackageName('containerregistry', '2025-11-01')).toBe('azure-native_containerregistry_v20251101');
    expect(pinnedTypeToken('azure-native:containerregistry:Registry')).toBe('azure-native_containerregistry_v20251101:containerregistry:Registry');
    expect(pinnedTypeToken('azure-native:monitor:ActionGroup')).toBe('azure-native_monitor_v20220601:monitor:ActionGroup');
    expect(() => pinnedTypeToken('azure-native:keyvault:Vault')).toThrow(/has no pinned API version/);
  });

  it('is based on the azure-native plugin the program installs', () => {
    expect(getVersion()).toBe(AZURE_NATIVE_BASE.version);
    expect(pinnedPackage('azure-native:containerregistry:Registry')).toEqual({
      baseProviderName: 'azure-native',
      baseProviderVersion: getVersion(),
      packageName: 'azure-native_containerregistry_v20251101',
      packageVersion: getVersion(),
      value: parameterValue('containerregistry', '2025-11-01'),
    });
  });
});

describe('the recorded facts', () => {
  it.each(Object.entries(PINNED_API_VERSIONS))('%s: the default and the stable versions are what the installed SDK states', (type, pin) => {
    const sdk = sdkApiVersionsOf(type)!;
    expect(sdk.used).toBe(pin.providerDefault);
    expect(isPreview(pin.providerDefault)).toBe(true);
    expect([sdk.used, ...sdk.others].filter((v) => !isPreview(v)).sort()).toEqual(pin.stableInProvider);
    // The pinned version is a stable version the provider can serve, the newest such one.
    expect(isPreview(pin.apiVersion)).toBe(false);
    expect(pin.stableInProvider[pin.stableInProvider.length - 1]).toBe(pin.apiVersion);
    expect(pin.stableInSpecs).toContain(pin.apiVersion);
    expect(pin.source).toMatch(/azure-rest-api-specs/);
  });

  it.each(Object.entries(PREVIEW_ONLY_TYPES))('%s has no stable version in the installed SDK', (type, entry) => {
    const sdk = sdkApiVersionsOf(type)!;
    expect(sdk.used).toBe(entry.apiVersion);
    expect([sdk.used, ...sdk.others].filter((v) => !isPreview(v))).toEqual([]);
  });
});

describe('the pinned resource classes under the offline mocks', () => {
  it('register the parameterized token through their package, with the default inputs and an alias to the default-version type', async () => {
    const recorder = installMocks({ stack: 'unit' });
    const registry = new Registry('acr', { registryName: 'craksplatunit', resourceGroupName: 'rg', location: 'westeurope', sku: { name: 'Standard' }, tags: { team: 'platform' } });
    const group = new ActionGroup('ag', { actionGroupName: 'ag-unit', resourceGroupName: 'rg', location: 'global', groupShortName: 'unit' });
    const loginServer = await new Promise((resolve) => registry.loginServer.apply(resolve));
    await new Promise((resolve) => group.name.apply(resolve));
    await settle();

    const acr = recorder.one('azure-native:containerregistry:Registry');
    expect(acr.token).toBe('azure-native_containerregistry_v20251101:containerregistry:Registry');
    expect(acr.urn).toMatch(/::azure-native_containerregistry_v20251101:containerregistry:Registry::acr$/);
    expect(unwrapSecrets(acr.inputs)).toEqual({
      registryName: 'craksplatunit',
      resourceGroupName: 'rg',
      location: 'westeurope',
      sku: { name: 'Standard' },
      tags: { team: 'platform' },
      adminUserEnabled: false,
      anonymousPullEnabled: false,
      networkRuleBypassOptions: 'AzureServices',
      publicNetworkAccess: 'Enabled',
      zoneRedundancy: 'Disabled',
    });
    expect(loginServer).toBe('craksplatunit.azurecr.io');
    // The registry created earlier as `azure-native:containerregistry:Registry` (default version) is the same resource.
    expect(acr.aliases).toEqual([{ type: 'azure-native:containerregistry:Registry' }]);
    const ag = recorder.one('azure-native:monitor:ActionGroup');
    expect(ag.token).toBe('azure-native_monitor_v20220601:monitor:ActionGroup');
    expect(unwrapSecrets(ag.inputs)).toMatchObject({ enabled: true, groupShortName: 'unit' });
    expect(ag.aliases).toEqual([{ type: 'azure-native:monitor:ActionGroup' }]);

    expect(recorder.packages.map(({ ref: _ref, ...p }) => p)).toEqual([
      { baseProviderName: 'azure-native', baseProviderVersion: '3.28.0', name: 'azure-native_containerregistry_v20251101', version: '3.28.0', value: parameterValue('containerregistry', '2025-11-01') },
      { baseProviderName: 'azure-native', baseProviderVersion: '3.28.0', name: 'azure-native_monitor_v20220601', version: '3.28.0', value: parameterValue('monitor', '2022-06-01') },
    ]);
    expect(acr.packageRef).toBe(recorder.packages[0].ref);
    expect(ag.packageRef).toBe(recorder.packages[1].ref);
    expect(pulumi.runtime.supportsParameterization()).toBe(true);
  });
});
