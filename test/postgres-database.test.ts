import { installMocks, settle, unwrapSecrets, MOCK_TENANT_ID, OfflineRecorder } from '../offline/mocks';
import type { PostgresDatabaseArgs } from '../components/postgres-database';
import { builds, prodArgs, SUBNET, TAGS, ZONE } from './support/builds/postgres-database';
import { buildRuns } from './support/build-runs';

/** The runs of ./support/builds/postgres-database.ts's builds, by name (./support/build-runs.ts). */
const build = buildRuns('test', 'test/support/builds/postgres-database.ts', builds);
const buildProd = () => build('prod');

const SERVER = 'azure-native:dbforpostgresql:Server';

describe('PostgresDatabase', () => {
  // One module registry for the file: installMocks() re-points the runtime at a fresh recorder per test.

  it('registers exactly the server, TLS settings, Entra admin, database and private link (no password)', async () => {
    const { recorder } = buildProd();
    const comp = recorder.one('aks-platform:index:PostgresDatabase');
    const children = recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort();
    expect(children).toEqual([
      'aks-platform:index:PrivateLink pg-pl',
      'azure-native:dbforpostgresql:AdministratorsMicrosoftEntra pg-entra-admin',
      'azure-native:dbforpostgresql:Configuration pg-require-secure-transport',
      'azure-native:dbforpostgresql:Configuration pg-ssl-min-protocol-version',
      'azure-native:dbforpostgresql:Database pg-db-app',
      'azure-native:dbforpostgresql:Server pg-server',
    ]);
  });

  it('prod: zone-redundant HA, geo backup, 14 days, private only, Entra auth only, protected, tagged', async () => {
    const { recorder } = buildProd();
    const server = recorder.one(SERVER);
    const inputs = unwrapSecrets(server.inputs) as Record<string, unknown>;
    expect(inputs).toMatchObject({
      serverName: 'psql-aksplat-prod-weu-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      version: '16',
      sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' },
      authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled', tenantId: MOCK_TENANT_ID },
      storage: { storageSizeGB: 128, autoGrow: 'Enabled' },
      backup: { backupRetentionDays: 14, geoRedundantBackup: 'Enabled' },
      highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: '2' },
      availabilityZone: '1',
      network: { publicNetworkAccess: 'Disabled' },
      tags: TAGS,
    });
    expect(inputs.network).toEqual({ publicNetworkAccess: 'Disabled' });
    // No password administrator at all: nothing to leak, nothing in the state.
    expect(inputs.administratorLogin).toBeUndefined();
    expect(inputs.administratorLoginPassword).toBeUndefined();
    expect(server.protect).toBe(true);
    expect(server.ignoreChanges).toEqual(expect.arrayContaining(['availabilityZone', 'highAvailability.standbyAvailabilityZone']));
    expect(recorder.one('azure-native:dbforpostgresql:Database').protect).toBe(true);
    expect(recorder.ofType('azure-native:dbforpostgresql:FirewallRule')).toHaveLength(0);

    const admin = recorder.one('azure-native:dbforpostgresql:AdministratorsMicrosoftEntra');
    expect(admin.inputs).toMatchObject({ objectId: '11111111-2222-4333-8444-555555555555', principalName: 'pg-admins', principalType: 'group', tenantId: MOCK_TENANT_ID, serverName: 'psql-aksplat-prod-weu-abc123' });
  });

  it('dev: Burstable without HA, defaults (v16, 32 GiB, 7 days, no geo backup), not protected, still private', async () => {
    const { recorder } = build('dev');
    const server = recorder.one(SERVER);
    expect(unwrapSecrets(server.inputs)).toMatchObject({
      serverName: 'psql-aksplat-dev-weu-def456',
      version: '16',
      sku: { name: 'Standard_B1ms', tier: 'Burstable' },
      storage: { storageSizeGB: 32, autoGrow: 'Enabled' },
      backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' },
      highAvailability: { mode: 'Disabled' },
      network: { publicNetworkAccess: 'Disabled' },
    });
    expect(server.inputs.availabilityZone ?? '').toBe(''); // unset: Azure picks the zone
    expect(server.protect).toBe(false);
    expect(recorder.one('azure-native:dbforpostgresql:Database').protect).toBe(false);
    expect(unwrapSecrets(server.inputs)).toMatchObject({ authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled' } });
    // Dev too: the migration identity is the administrator, as a service principal.
    expect(recorder.one('azure-native:dbforpostgresql:AdministratorsMicrosoftEntra').inputs).toMatchObject({
      objectId: '0a0a0a0a-0000-4000-8000-00000000a003',
      principalName: 'id-aksplat-dev-weu-migrate',
      principalType: 'servicePrincipal',
    });
    expect(recorder.one('azure-native:network:PrivateEndpoint').name).toBe('pg-pl-pe');
  });

  it('requires TLS with a user override and creates UTF-8 databases, one operation at a time', async () => {
    // databases: ['app', 'reports']
    const { recorder } = build('twoDatabases');
    const requireTls = recorder.one('azure-native:dbforpostgresql:Configuration', 'pg-require-secure-transport');
    expect(requireTls.inputs).toEqual({
      configurationName: 'require_secure_transport',
      resourceGroupName: 'rg-aksplat-prod-weu',
      serverName: 'psql-aksplat-prod-weu-abc123',
      value: 'on',
      source: 'user-override',
    });
    const tls = recorder.one('azure-native:dbforpostgresql:Configuration', 'pg-ssl-min-protocol-version');
    expect(tls.inputs).toEqual({
      configurationName: 'ssl_min_protocol_version',
      resourceGroupName: 'rg-aksplat-prod-weu',
      serverName: 'psql-aksplat-prod-weu-abc123',
      value: 'TLSv1.2',
      source: 'user-override',
    });
    expect(tls.dependencies).toContain(requireTls.urn);
    const app = recorder.one('azure-native:dbforpostgresql:Database', 'pg-db-app');
    const reports = recorder.one('azure-native:dbforpostgresql:Database', 'pg-db-reports');
    expect(app.inputs).toMatchObject({ databaseName: 'app', charset: 'UTF8', collation: 'en_US.utf8' });
    const admin = recorder.one('azure-native:dbforpostgresql:AdministratorsMicrosoftEntra');
    // configurations -> Entra admin -> app -> reports (the server rejects concurrent operations)
    expect(admin.dependencies).toContain(tls.urn);
    expect(app.dependencies).toContain(admin.urn);
    expect(reports.dependencies).toContain(app.urn);
  });

  it('puts the private endpoint on the server with group postgresqlServer and the privatelink zone', async () => {
    const { recorder } = buildProd();
    const server = recorder.one(SERVER);
    const pe = recorder.one('azure-native:network:PrivateEndpoint');
    expect(pe.inputs).toMatchObject({
      privateEndpointName: 'pe-aksplat-prod-weu-psql',
      subnet: { id: SUBNET },
      privateLinkServiceConnections: [{ name: 'pe-aksplat-prod-weu-psql', privateLinkServiceId: server.id, groupIds: ['postgresqlServer'] }],
      tags: TAGS,
    });
    const dns = recorder.one('azure-native:network:PrivateDnsZoneGroup');
    expect(dns.inputs.privateDnsZoneConfigs).toEqual([{ name: 'postgresqlServer', privateDnsZoneId: ZONE }]);
  });

  it('clients wait for the Entra administrator (it creates their login roles) besides the databases and the private DNS', async () => {
    const { recorder, outputs: db } = buildProd();
    const admin = recorder.one('azure-native:dbforpostgresql:AdministratorsMicrosoftEntra');
    // readyForClients, recorded as its resources' URNs (offline/run-stack.ts outputsOf); a URN ends with the resource's name.
    expect((db.readyForClients.value as string[]).map((urn) => urn.slice(urn.lastIndexOf('::') + 2))).toContain('pg-entra-admin');
    expect(recorder.ofType('random:index/randomPassword:RandomPassword')).toHaveLength(0);
    expect(admin.inputs.principalType).toBe('group');
    expect(db.entraAdministratorName).toEqual({ value: 'pg-admins', secret: false });
  });

  it('outputs the names the apps need', async () => {
    const { outputs: db } = buildProd();
    expect(db.serverName).toEqual({ value: 'psql-aksplat-prod-weu-abc123', secret: false });
    expect(db.fqdn.value).toBe('psql-aksplat-prod-weu-abc123.postgres.database.azure.com');
    expect(db.databaseNames.value).toEqual(['app']);
    expect(db.port.value).toBe(5432);
    expect(db.serverId.value).toBe(
      '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aksplat-prod-weu/providers/Microsoft.DBforPostgreSQL/flexibleServers/psql-aksplat-prod-weu-abc123',
    );
  });

  const bad: [string, Partial<PostgresDatabaseArgs>, RegExp][] = [
    ['unsupported version', { version: '13' }, /args\.version: .*"13".*allowed: "15", "16", "17", "18"/],
    ['unknown version', { version: '9.6' }, /args\.version: .*allowed: "15"/],
    ['storage size the service does not offer', { storageSizeGb: 100 }, /args\.storageSizeGb: 100 GiB .*allowed \(GiB\): 32, 64, 128/],
    ['HA on Burstable', { skuName: 'Standard_B2s', skuTier: 'Burstable', highAvailability: 'ZoneRedundant', standbyAvailabilityZone: undefined }, /args\.highAvailability: .*not available on the Burstable tier/],
    ['SKU of another tier', { skuName: 'Standard_E4ds_v5', skuTier: 'GeneralPurpose' }, /args\.skuName: "Standard_E4ds_v5" does not belong to the GeneralPurpose tier; GeneralPurpose SKUs are Standard_D\*/],
    ['Burstable SKU on GeneralPurpose', { skuName: 'Standard_B1ms' }, /args\.skuName: "Standard_B1ms" does not belong to the GeneralPurpose tier/],
    ['unknown tier', { skuTier: 'Basic' as never }, /args\.skuTier: tier "Basic" is not allowed; allowed: "Burstable", "GeneralPurpose", "MemoryOptimized"/],
    ['retention below 7', { backupRetentionDays: 5 }, /args\.backupRetentionDays: 5 .*from 7 to 35/],
    ['retention above 35', { backupRetentionDays: 36 }, /args\.backupRetentionDays: 36 .*from 7 to 35/],
    ['unknown HA mode', { highAvailability: 'Regional' as never }, /args\.highAvailability: .*allowed: "Disabled", "SameZone", "ZoneRedundant"/],
    ['standby in the primary zone', { standbyAvailabilityZone: '1' }, /args\.standbyAvailabilityZone: .*another zone/],
    ['zone 4', { availabilityZone: '4', standbyAvailabilityZone: undefined }, /args\.availabilityZone: zone "4" is not allowed/],
    ['no Entra administrator (password authentication is off)', { entraAdministrator: undefined as never }, /args\.entraAdministrator: required: password authentication is disabled/],
    ['bad database name', { databases: ['my-app'] }, /args\.databases\[0\]: "my-app" is not a valid database name/],
    ['system database name', { databases: ['postgres'] }, /args\.databases\[0\]: .*system database/],
    ['no database', { databases: [] }, /args\.databases: at least one/],
  ];

  it.each(bad)('rejects %s with a message naming the arg, and registers no child', async (_label, patch, message) => {
    const recorder: OfflineRecorder = installMocks();
    const { PostgresDatabase } = await import('../components/postgres-database');
    expect(() => new PostgresDatabase('pg', { ...prodArgs(), ...patch })).toThrow(message);
    await settle();
    expect(recorder.resources.filter((r) => r.type !== 'aks-platform:index:PostgresDatabase')).toEqual([]);
  });
});
