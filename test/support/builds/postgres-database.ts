/**
 * The PostgresDatabase builds of test/postgres-database.test.ts, made once per jest run on the
 * program-run server and cached with its runs (offline/run-stack.ts, `build`): each build constructs
 * the server under the mocks (stack `test`) and returns it. The arguments are exported for the test's
 * refused-argument cases, which construct in the test file.
 */
import { MOCK_TENANT_ID } from '../../../offline/recorded';
import type { PostgresDatabaseArgs } from '../../../components/postgres-database';
import { naming, PE_SUBNET, tags } from './common';

export { PE_SUBNET as SUBNET, tags as TAGS };
export const ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.postgres.database.azure.com';

export function prodArgs(): PostgresDatabaseArgs {
  return {
    naming,
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags,
    tenantId: MOCK_TENANT_ID,
    skuName: 'Standard_D2ds_v5',
    skuTier: 'GeneralPurpose',
    storageSizeGb: 128,
    backupRetentionDays: 14,
    geoRedundantBackup: true,
    highAvailability: 'ZoneRedundant',
    availabilityZone: '1',
    standbyAvailabilityZone: '2',
    databases: ['app'],
    entraAdministrator: { objectId: '11111111-2222-4333-8444-555555555555', principalName: 'pg-admins', principalType: 'Group' },
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: ZONE },
    protect: true,
  };
}

export function devArgs(): PostgresDatabaseArgs {
  return {
    naming: { prefix: 'aksplat', environment: 'dev', location: 'westeurope', uniqueSuffix: 'def456' },
    resourceGroupName: 'rg-aksplat-dev-weu',
    tags: { ...tags, environment: 'dev' },
    tenantId: MOCK_TENANT_ID,
    skuName: 'Standard_B1ms',
    skuTier: 'Burstable',
    entraAdministrator: { objectId: '0a0a0a0a-0000-4000-8000-00000000a003', principalName: 'id-aksplat-dev-weu-migrate', principalType: 'ServicePrincipal' },
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: ZONE },
  };
}

/** Loaded when a build runs, after the mocks are installed. */
const server = async (args: PostgresDatabaseArgs) => new (await import('../../../components/postgres-database')).PostgresDatabase('pg', args);

/** The builds, by name (offline/run-stack.ts `ComponentBuilds`). */
export const builds = {
  prod: () => server(prodArgs()),
  dev: () => server(devArgs()),
  /** prodArgs() with a second database. */
  twoDatabases: () => server({ ...prodArgs(), databases: ['app', 'reports'] }),
};
