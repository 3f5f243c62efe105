/**
 * The package schema Pulumi infers for the source-based package (PulumiPlugin.yaml,
 * provider/), what `pulumi package add` generates SDKs for other languages from:
 * its token, inputs and outputs, and every nested type and enum against the zod
 * schema. test/provider.test.ts runs the `PlatformStack` facade itself.
 *
 * In `npm test` the type-check lane infers the schema, with the SDKs' typings it
 * has parsed already (scripts/provider-schema.ts); this file reads its report,
 * and, short, runs late, when the report is there. Run alone (`npx jest
 * test/provider-schema.test.ts`), it runs the SDK's inference itself.
 */
import { z } from 'zod';
import {
  appsSchema,
  clusterSchema,
  keyVaultSchema,
  monitoringSchema,
  networkSchema,
  appSettingsSchema,
  canarySchema,
  edgeSchema,
  postgresSchema,
  redisSchema,
  registrySchema,
  stackConfigFieldsSchema,
  systemPoolSchema,
  tagsSchema,
  userPoolSchema,
  operationsRunnerSchema,
  regionSchema,
} from '../config/schema';
import { appSizingOverrideSchema } from '../lib/app-values';
import { componentNames } from '../provider/package-options';
import { waitForLaneReport } from '../scripts/lane-report';
import type { ProviderSchemaStatus } from '../scripts/provider-schema';

const WAIT_MS = 300_000;

/**
 * The schema the type-check lane of `npm test` infers (scripts/provider-schema.ts, in
 * scripts/typecheck-root.ts's process: it reuses the root program's parsed typings), once it is
 * reported to PROVIDER_SCHEMA_STATUS; undefined when the file runs alone.
 */
async function laneSchema(): Promise<ProviderSchemaStatus | undefined> {
  const file = process.env.PROVIDER_SCHEMA_STATUS;
  return file ? waitForLaneReport<ProviderSchemaStatus>(file, 'provider schema', WAIT_MS) : undefined;
}

/**
 * Run alone: the SDK's inference in this process, with the same provider and options
 * provider/index.ts hands to componentProviderHost (cached by its inputs, as in the lane).
 */
async function ownSchema(): Promise<ProviderSchemaStatus> {
  const { inferSchema } = await import('../scripts/provider-schema');
  const { hostOptions } = await import('../provider/host-options');
  return { ok: true, schema: await inferSchema(hostOptions) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('the inferred package schema (what `pulumi package add` generates SDKs from)', () => {
  let schema: Any;
  beforeAll(async () => {
    const status = (await laneSchema()) ?? (await ownSchema());
    if (!status.ok) throw new Error(status.error);
    schema = JSON.parse(status.schema);
  }, WAIT_MS + 30_000);

  it('names the package aks-platform and serves PlatformStack only', () => {
    // The components provider/package-options.ts names (test/provider.test.ts: the host's), no more, no fewer.
    expect(Object.keys(schema.resources)).toEqual(componentNames.map((name) => `aks-platform:index:${name}`));
    expect(schema.name).toBe('aks-platform');
    expect(schema.version).toBe(require('../package.json').version);
    expect(Object.keys(schema.resources)).toEqual(['aks-platform:index:PlatformStack']);
    expect(schema.resources['aks-platform:index:PlatformStack'].isComponent).toBe(true);
  });

  it('takes the stack configuration as plain inputs, plus the program-computed context', () => {
    const resource = schema.resources['aks-platform:index:PlatformStack'];
    expect(Object.keys(resource.inputProperties).sort()).toEqual([...Object.keys(stackConfigFieldsSchema.shape), 'contextDirectory', 'uniqueSuffix'].sort());
    expect(resource.inputProperties.network).toMatchObject({ $ref: '#/types/aks-platform:index:PlatformStackNetwork', plain: true });
    expect(resource.inputProperties.cluster).toMatchObject({ $ref: '#/types/aks-platform:index:PlatformStackCluster', plain: true });
    expect(resource.requiredInputs.sort()).toEqual(['apps', 'cluster', 'environment', 'location', 'network', 'postgres', 'prefix', 'redis', 'registry', 'tags']);
    // Every input is documented.
    for (const [key, prop] of Object.entries<Any>(resource.inputProperties)) expect({ key, description: typeof prop.description }).toEqual({ key, description: 'string' });
    expect(schema.types['aks-platform:index:PlatformStackCluster'].properties.userPools).toMatchObject({
      type: 'array',
      items: { $ref: '#/types/aks-platform:index:PlatformStackUserPool' },
    });
    expect(schema.types['aks-platform:index:PlatformStackUserPool'].properties.labels).toMatchObject({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('has the same keys as the schema objects at every level, so no config key is unreachable from other languages', () => {
    const pairs: [string, z.ZodObject][] = [
      ['PlatformStackTags', tagsSchema],
      ['PlatformStackNetwork', networkSchema],
      ['PlatformStackSubnets', networkSchema.shape.subnets],
      ['PlatformStackEgressFirewall', networkSchema.shape.egressFirewall.unwrap()],
      ['PlatformStackCluster', clusterSchema],
      ['PlatformStackMaintenanceWindow', clusterSchema.shape.maintenanceWindow],
      ['PlatformStackSystemPool', systemPoolSchema],
      ['PlatformStackUserPool', userPoolSchema],
      ['PlatformStackRegistry', registrySchema],
      ['PlatformStackPostgres', postgresSchema],
      ['PlatformStackRedis', redisSchema],
      ['PlatformStackKeyVault', keyVaultSchema],
      ['PlatformStackApps', appsSchema],
      ['PlatformStackAppSizing', appSettingsSchema],
      ['PlatformStackCanary', canarySchema],
      ['PlatformStackEdge', edgeSchema],
      ['PlatformStackGateway', edgeSchema.shape.gateway.unwrap()],
      ['PlatformStackFrontDoor', edgeSchema.shape.frontDoor.unwrap()],
      ['PlatformStackRateLimit', edgeSchema.shape.frontDoor.unwrap().shape.rateLimit.unwrap()],
      ['PlatformStackOperationsRunner', operationsRunnerSchema],
      ['PlatformStackMonitoring', monitoringSchema],
      ['PlatformStackEmailReceiver', monitoringSchema.shape.emailReceivers.unwrap().element],
      ['PlatformStackWebhookReceiver', monitoringSchema.shape.webhookReceivers.unwrap().element],
    ];
    for (const [type, zodObject] of pairs) {
      const properties = schema.types[`aks-platform:index:${type}`]?.properties ?? {};
      expect({ type, keys: Object.keys(properties).sort() }).toEqual({ type, keys: Object.keys(zodObject.shape).sort() });
    }
  });

  it('turns the schema enums into package enums with the same values', () => {
    const enumValues = (type: string) => (schema.types[`aks-platform:index:${type}`]?.enum ?? []).map((m: { value: string }) => m.value).sort();
    const options = (s: z.core.$ZodType): string[] => {
      const def = (s as Any)._zod.def;
      if (def.type === 'enum') return Object.values(def.entries as Record<string, string>).sort();
      if (def.innerType) return options(def.innerType);
      if (def.type === 'array') return options(def.element);
      throw new Error(`not an enum: ${def.type}`);
    };
    const c = clusterSchema.shape;
    const pairs: [string, z.core.$ZodType][] = [
      ['WeekDay', c.maintenanceWindow.shape.day],
      ['AvailabilityZone', systemPoolSchema.shape.zones],
      ['OsDiskType', systemPoolSchema.shape.osDiskType],
      ['OsType', userPoolSchema.shape.osType],
      ['ClusterTier', c.tier],
      ['NetworkPolicy', c.networkPolicy],
      ['UpgradeChannel', c.upgradeChannel],
      ['NodeOsUpgradeChannel', c.nodeOsUpgradeChannel],
      ['KubeloginMode', c.kubeloginMode],
      ['PodSecurityPolicyEffect', c.podSecurityPolicyEffect],
      ['RegistrySku', registrySchema.shape.sku],
      ['FirewallSku', networkSchema.shape.egressFirewall.unwrap().shape.sku],
      ['PostgresVersion', postgresSchema.shape.version],
      ['PostgresTier', postgresSchema.shape.tier],
      ['RedisKind', redisSchema.shape.kind],
      ['RedisPersistence', redisSchema.shape.persistence],
      ['KeyVaultSku', keyVaultSchema.shape.sku],
      ['ZoneSpread', appSizingOverrideSchema.shape.zoneSpread],
      ['LogLevel', appSizingOverrideSchema.shape.logLevel],
      ['DeployerPrincipalType', stackConfigFieldsSchema.shape.deployerPrincipalType],
      ['WafMode', edgeSchema.shape.frontDoor.unwrap().shape.wafMode],
      ['SupportPlan', c.supportPlan],
      ['DeployPhase', stackConfigFieldsSchema.shape.phase],
      ['GrafanaRole', monitoringSchema.shape.grafanaRole],
      ['RegionRole', regionSchema.shape.role],
    ];
    for (const [type, zodEnum] of pairs) expect({ type, values: enumValues(type) }).toEqual({ type, values: options(zodEnum) });
  });

  it('exposes the stack outputs of the program as component outputs', () => {
    const outputs = schema.resources['aks-platform:index:PlatformStack'].properties;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['registryLoginServer', 'clusterName', 'kubeconfig', 'postgresFqdn', 'redisHost', 'redisPort', 'keyVaultUri', 'images', 'releases', 'ingressHost', 'publicUrl', 'frontDoorEndpointHost']),
    );
    expect(outputs.redisPort).toMatchObject({ type: 'number' });
    expect(outputs.kubeconfig).toMatchObject({ type: 'string' });
    expect(outputs.releases).toMatchObject({ type: 'object', additionalProperties: { $ref: '#/types/aks-platform:index:PlatformStackRelease' } });
  });
});
