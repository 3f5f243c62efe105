import * as pulumi from '@pulumi/pulumi';
import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql';
import { globalResourceName, resourceName } from '../lib/naming';
import {
  DEFAULT_POSTGRES_VERSION,
  postgresBackupRetentionProblem,
  postgresDatabaseNameProblem,
  postgresHaModeProblem,
  postgresHaTierProblem,
  postgresHaZonesProblem,
  postgresSkuTierProblem,
  postgresStorageSizeProblem,
  postgresVersionProblem,
  PostgresHaMode,
  PostgresSkuTier,
} from '../lib/data-services';
import { postgresSkuProblem } from '../lib/data-services-rules';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';
import { PrivateEndpointPlacement, PrivateLink } from './private-link';
import { AzureComponentArgs } from '../lib/component-args';

/** A Microsoft Entra principal made PostgreSQL administrator. */
export interface PostgresEntraAdministrator {
  /** Object ID of the user, group or service principal (a managed identity: its principal id). */
  objectId: pulumi.Input<string>;
  /** Its display name (user principal name, group name, application or managed identity name); becomes the Postgres role name. */
  principalName: pulumi.Input<string>;
  /** Kind of principal. */
  principalType: pulumi.Input<'User' | 'Group' | 'ServicePrincipal'>;
}

/** Arguments of {@link PostgresDatabase}. */
export interface PostgresDatabaseArgs extends AzureComponentArgs {
  /** Entra tenant for Microsoft Entra authentication (`authorization.getClientConfigOutput().tenantId`). */
  tenantId: pulumi.Input<string>;
  /** PostgreSQL major version: "15", "16", "17" or "18" (POSTGRES_VERSIONS); default "16". */
  version?: pulumi.Input<string>;
  /** Compute size, e.g. `Standard_B1ms` (Burstable), `Standard_D2ds_v5` (GeneralPurpose), `Standard_E2ds_v5` (MemoryOptimized). */
  skuName: pulumi.Input<string>;
  /** Compute tier matching `skuName`. */
  skuTier: pulumi.Input<PostgresSkuTier>;
  /** Storage in GiB: 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384 or 32768; default 32. It can grow, never shrink. */
  storageSizeGb?: pulumi.Input<number>;
  /** Grow storage automatically when it nears full; default true. */
  storageAutoGrow?: pulumi.Input<boolean>;
  /** Point-in-time-restore window, 7..35 days; default 7 (production: ≥ 14). */
  backupRetentionDays?: pulumi.Input<number>;
  /** Geo-redundant backup (set at creation only; changing it later fails); default false (production: true). */
  geoRedundantBackup?: pulumi.Input<boolean>;
  /** High availability: "Disabled" (default), "SameZone" or "ZoneRedundant" (production). Not available on Burstable. */
  highAvailability?: pulumi.Input<PostgresHaMode>;
  /** Zone of the primary ("1", "2" or "3"); Azure picks one when unset. */
  availabilityZone?: pulumi.Input<string>;
  /** Zone of the HA standby; must differ from `availabilityZone` with ZoneRedundant. */
  standbyAvailabilityZone?: pulumi.Input<string>;
  /** Application databases (UTF-8, en_US.utf8); default `["app"]`. Plain values: one resource each. */
  databases?: string[];
  /**
   * The Microsoft Entra administrator (the schema owner: the migration Job's identity). Password
   * authentication is off, so this is the only way in until it creates the apps' login roles.
   */
  entraAdministrator: PostgresEntraAdministrator;
  /** Private endpoint placement (groupId `postgresqlServer`, zone `privatelink.postgres.database.azure.com`). */
  privateEndpoint: PrivateEndpointPlacement;
  /**
   * Make this server a cross-region read replica (`createMode: Replica`) of another server:
   * asynchronous physical replication, read-only until promoted. Its databases, roles (the Entra
   * principals included) and administrators are the source's, so no Entra administrator is added here.
   * No zone-redundant HA and no geo-redundant backup on a replica. Burstable cannot have one.
   */
  replicaOf?: { sourceServerId: pulumi.Input<string> };
  /** Protect the server and its databases from deletion (`protect: true`); production: true. */
  protect?: boolean;
}

/**
 * An Azure Database for PostgreSQL flexible server reachable only through
 * Private Link: public network access disabled, a private endpoint in the PE
 * subnet, TLS 1.2+ required, Microsoft Entra authentication only (password
 * authentication disabled: no administrator password exists, in Azure or in
 * the stack's state), with one Entra administrator.
 */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** The flexible server. */
  public readonly server: dbforpostgresql.Server;
  /** Azure name of the server. */
  public readonly serverName: pulumi.Output<string>;
  /** ARM ID of the server. */
  public readonly serverId: pulumi.Output<string>;
  /** `<server>.postgres.database.azure.com`; inside the VNet it resolves to the private endpoint (PGHOST). */
  public readonly fqdn: pulumi.Output<string>;
  /** Port (PGPORT). */
  public readonly port: pulumi.Output<number>;
  /** Names of the application databases (PGDATABASE is the first). */
  public readonly databaseNames: pulumi.Output<string[]>;
  /** Role name of the Entra administrator (the migration Job's PGUSER). */
  public readonly entraAdministratorName: pulumi.Output<string>;
  /** The Entra administrator resource (not on a replica: it has the source's). */
  public readonly entraAdministrator?: dbforpostgresql.AdministratorsMicrosoftEntra;
  /** ARM ID of the private endpoint. */
  public readonly privateEndpointId: pulumi.Output<string>;
  /** The private endpoint and its DNS zone group. */
  public readonly privateLink: PrivateLink;
  /**
   * What a client must wait for before it connects by name from the VNet: the
   * databases and the private endpoint's DNS zone group (lib/create-order.ts).
   */
  public readonly readyForClients: pulumi.Resource[];

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:PostgresDatabase', name, {}, opts);
    const problems = postgresArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('PostgresDatabase', name, problems), this);

    const location = args.location ?? args.naming.location;
    const serverAzureName = globalResourceName(args.naming, 'postgres');
    const databases = args.databases ?? ['app'];
    const protect = args.protect ?? false;

    const haMode = args.highAvailability ?? 'Disabled';
    const replica = args.replicaOf;
    this.server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        serverName: serverAzureName,
        resourceGroupName: args.resourceGroupName,
        location,
        version: args.version ?? DEFAULT_POSTGRES_VERSION,
        sku: { name: args.skuName, tier: args.skuTier },
        // A replica takes the source's roles and data (Microsoft Learn, concepts-read-replicas).
        ...(replica ? { createMode: 'Replica', sourceServerResourceId: replica.sourceServerId } : {}),
        // Entra only: no administrator login or password (lib/app-identities.ts DATA_ACCESS_FACTS.postgresEntraOnly).
        authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled', tenantId: args.tenantId },
        storage: {
          storageSizeGB: args.storageSizeGb ?? 32,
          autoGrow: pulumi.output(args.storageAutoGrow ?? true).apply((on) => (on ? 'Enabled' : 'Disabled')),
        },
        backup: {
          backupRetentionDays: args.backupRetentionDays ?? 7,
          geoRedundantBackup: pulumi.output(args.geoRedundantBackup ?? false).apply((on) => (on ? 'Enabled' : 'Disabled')),
        },
        highAvailability: pulumi
          .all([haMode, args.standbyAvailabilityZone])
          .apply(([mode, standby]) => (mode === 'Disabled' ? { mode } : standby ? { mode, standbyAvailabilityZone: standby } : { mode })),
        availabilityZone: args.availabilityZone,
        network: { publicNetworkAccess: 'Disabled' },
        tags: args.tags,
      },
      {
        parent: this,
        protect,
        // After an HA failover Azure swaps the primary and standby zones; do not fight it. A
        // promoted replica keeps being the same server (docs/runbooks.md, failover).
        ignoreChanges: ['availabilityZone', 'highAvailability.standbyAvailabilityZone', ...(replica ? ['createMode', 'sourceServerResourceId'] : [])],
      },
    );

    // Flexible server rejects concurrent operations on one server
    // ("ServerBusy"/"ConflictingServerOperation"), so the server's children are chained.
    const requireTls = new dbforpostgresql.Configuration(
      `${name}-require-secure-transport`,
      {
        configurationName: 'require_secure_transport',
        resourceGroupName: args.resourceGroupName,
        serverName: this.server.name,
        value: 'on',
        source: 'user-override',
      },
      { parent: this },
    );
    // TLS 1.2 at least (the server's default allows 1.2 too, but the setting must not drift to 1.0/1.1).
    const minTls = new dbforpostgresql.Configuration(
      `${name}-ssl-min-protocol-version`,
      {
        configurationName: 'ssl_min_protocol_version',
        resourceGroupName: args.resourceGroupName,
        serverName: this.server.name,
        value: 'TLSv1.2',
        source: 'user-override',
      },
      { parent: this, dependsOn: [requireTls] },
    );
    this.entraAdministrator = replica ? undefined : new dbforpostgresql.AdministratorsMicrosoftEntra(
      `${name}-entra-admin`,
      {
        resourceGroupName: args.resourceGroupName,
        serverName: this.server.name,
        objectId: args.entraAdministrator.objectId,
        principalName: args.entraAdministrator.principalName,
        principalType: pulumi.output(args.entraAdministrator.principalType).apply(entraPrincipalType),
        tenantId: args.tenantId,
      },
      { parent: this, dependsOn: [minTls] },
    );
    let previous: pulumi.Resource = this.entraAdministrator ?? minTls;

    // A replica has the source's databases (it is read-only): none to create.
    const databaseResources = (replica ? [] : databases).map((db) => {
      const resource = new dbforpostgresql.Database(
        `${name}-db-${db}`,
        {
          databaseName: db,
          resourceGroupName: args.resourceGroupName,
          serverName: this.server.name,
          charset: 'UTF8',
          collation: 'en_US.utf8',
        },
        { parent: this, protect, dependsOn: [previous] },
      );
      previous = resource;
      return resource;
    });

    const endpoint = (this.privateLink = new PrivateLink(
      `${name}-pl`,
      {
        resourceGroupName: args.resourceGroupName,
        location,
        ...args.privateEndpoint,
        targetResourceId: this.server.id,
        groupId: 'postgresqlServer',
        endpointName: resourceName(args.naming, 'privateEndpoint', 'psql'),
        tags: args.tags,
      },
      { parent: this, dependsOn: [previous] },
    ));
    // Clients log in as Entra principals the administrator creates: the administrator must exist first.
    this.readyForClients = [...(this.entraAdministrator ? [this.entraAdministrator] : []), ...databaseResources, ...endpoint.ready];

    this.serverName = this.server.name;
    this.serverId = this.server.id;
    this.fqdn = this.server.fullyQualifiedDomainName.apply((f) => f ?? `${serverAzureName}.postgres.database.azure.com`);
    this.port = pulumi.output(5432);
    this.databaseNames = replica ? pulumi.output(databases) : pulumi.all(databaseResources.map((d) => d.name));
    this.entraAdministratorName = pulumi.output(args.entraAdministrator.principalName);
    this.privateEndpointId = endpoint.endpointId;

    this.registerOutputs({
      serverName: this.serverName,
      serverId: this.serverId,
      fqdn: this.fqdn,
      port: this.port,
      databaseNames: this.databaseNames,
      entraAdministratorName: this.entraAdministratorName,
      privateEndpointId: this.privateEndpointId,
    });
  }
}

/** The API's principal type values are lower camel case ("user", "group", "servicePrincipal"). */
function entraPrincipalType(type: 'User' | 'Group' | 'ServicePrincipal'): string {
  return { User: 'user', Group: 'group', ServicePrincipal: 'servicePrincipal' }[type];
}

/** Every problem with the plain (non-Output) arguments, each naming its path; empty when the arguments are fine. */
export function postgresArgProblems(args: PostgresDatabaseArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const check = (path: string, problem: string | undefined) => {
    if (problem) problems.push({ path, problem });
  };
  const version = knownValue(args.version);
  if (version !== undefined) check('version', postgresVersionProblem(String(version)));
  const tier = knownValue(args.skuTier);
  const sku = knownValue(args.skuName);
  const tierProblem = tier !== undefined ? postgresSkuTierProblem(tier) : undefined;
  check('skuTier', tierProblem);
  if (tier !== undefined && !tierProblem && sku !== undefined) check('skuName', postgresSkuProblem(sku, tier as PostgresSkuTier));
  const storage = knownValue(args.storageSizeGb);
  if (storage !== undefined) check('storageSizeGb', postgresStorageSizeProblem(storage));
  const retention = knownValue(args.backupRetentionDays);
  if (retention !== undefined) check('backupRetentionDays', postgresBackupRetentionProblem(retention));
  const ha = knownValue(args.highAvailability);
  const haProblem = ha !== undefined ? postgresHaModeProblem(ha) : undefined;
  check('highAvailability', haProblem);
  if (ha !== undefined && !haProblem && tier !== undefined) check('highAvailability', postgresHaTierProblem(ha, tier));
  const zone = knownValue(args.availabilityZone);
  const standby = knownValue(args.standbyAvailabilityZone);
  check(standby !== undefined ? 'standbyAvailabilityZone' : 'availabilityZone', postgresHaZonesProblem(ha ?? 'Disabled', zone, standby));
  if (!args.entraAdministrator) check('entraAdministrator', 'required: password authentication is disabled, so the Entra administrator (the schema owner) is the only way in');
  const databases = args.databases ?? ['app'];
  if (databases.length === 0) check('databases', 'at least one application database is required');
  databases.forEach((db, i) => check(`databases[${i}]`, postgresDatabaseNameProblem(db)));
  if (new Set(databases).size !== databases.length) check('databases', `${JSON.stringify(databases)} contains duplicates`);
  return problems;
}
