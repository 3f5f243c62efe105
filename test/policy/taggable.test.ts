/**
 * policy/taggable-types.json must match the installed @pulumi/azure-native:
 * after an SDK upgrade, regenerate it with
 *   npx tsx policy/tools/taggable-types.ts --write
 */
import taggable from '../../policy/taggable-types.json';
import { scanTaggableTypes } from '../../policy/tools/taggable-types';

describe('taggable azure-native types', () => {
  it('match the installed SDK (regenerate with: npx tsx policy/tools/taggable-types.ts --write)', () => {
    const scanned = scanTaggableTypes();
    expect(taggable.sdkVersion).toBe(scanned.sdkVersion);
    expect(taggable.types).toEqual(scanned.types);
  });

  it('cover the platform resources that take tags, and not those that do not', () => {
    const types = new Set(taggable.types);
    for (const type of ['resources:ResourceGroup', 'network:VirtualNetwork', 'network:NetworkSecurityGroup', 'network:PrivateEndpoint',
      'containerservice:ManagedCluster', 'keyvault:Vault', 'dbforpostgresql:Server', 'redisenterprise:RedisEnterprise', 'operationalinsights:Workspace']) {
      expect(types.has(`azure-native:${type}`)).toBe(true);
    }
    for (const type of ['authorization:RoleAssignment', 'network:PrivateDnsZoneGroup', 'redisenterprise:Database', 'containerservice:MaintenanceConfiguration']) {
      expect(types.has(`azure-native:${type}`)).toBe(false);
    }
  });
});
