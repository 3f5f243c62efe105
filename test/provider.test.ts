/**
 * The source-based Pulumi package (PulumiPlugin.yaml, provider/): the schema
 * Pulumi infers for other languages, and the `PlatformStack` facade under the
 * offline engine with the dev stack's values.
 *
 * In `npm test` the schema is inferred by the type-check lane, which has the
 * SDKs' typings parsed already (scripts/provider-schema.ts); this file reads its
 * report. Run alone (`npx jest test/provider.test.ts`), it runs the SDK's
 * inference itself.
 */
import { existsSync, readFileSync } from 'fs';
import { z } from 'zod';
import { installMocks, OfflineRecorder, resolveOutput, settle } from '../offline/mocks';
import { readStackConfig } from '../offline/stack-config';
import {
  appsSchema,
  clusterSchema,
  CONFIG_NAMESPACE,
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
  StackConfigInput,
  systemPoolSchema,
  tagsSchema,
  userPoolSchema,
  operationsRunnerSchema,
  regionSchema,
} from '../config/schema';
import { appSizingOverrideSchema } from '../lib/app-values';
import { ConfigValidationError, parseStackConfig } from '../config/validate';
import type { PlatformStackArgs, PlatformStackConfigArgs } from '../provider/platform-stack';
import { componentNames, packageOptions } from '../provider/package-options';
import type { ProviderSchemaStatus } from '../scripts/provider-schema';

const WAIT_MS = 300_000;

/**
 * The schema the type-check lane of `npm test` infers (scripts/provider-schema.ts, in
 * scripts/typecheck-root.ts's process: it reuses the root program's parsed typings), once it is
 * reported to PROVIDER_SCHEMA_STATUS (polled from the file's start: the lane is another process,
 * and the offline-engine tests below run meanwhile); undefined when the file runs alone.
 */
const laneSchema: Promise<ProviderSchemaStatus> | undefined = process.env.PROVIDER_SCHEMA_STATUS
  ? (async (file: string): Promise<ProviderSchemaStatus> => {
      const deadline = Date.now() + WAIT_MS;
      while (!existsSync(file)) {
        if (Date.now() > deadline) return { ok: false, error: `no provider schema report at ${file} after ${WAIT_MS / 1000} s (scripts/test.sh's typecheck lane writes it)` };
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return JSON.parse(readFileSync(file, 'utf8')) as ProviderSchemaStatus;
    })(process.env.PROVIDER_SCHEMA_STATUS)
  : undefined;

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

/**
 * Compile-time guard: the facade's args (without the program-computed fields)
 * are a valid input of the stack-config schema. A field whose type drifts from
 * the schema (a renamed key, a new enum value on one side) fails `tsc`.
 */
const asSchemaInput = (args: PlatformStackConfigArgs): StackConfigInput => args;
/** Every top-level config key has a facade field (the reverse direction). */
export type EveryConfigKeyHasAnArg = [Exclude<keyof StackConfigInput, keyof PlatformStackConfigArgs>] extends [never] ? true : never;
export const everyConfigKeyHasAnArg: EveryConfigKeyHasAnArg = true;

/** The `aks-platform:*` values of a stack file, parsed the way Pulumi hands them to the program. */
function configValues(stack: string, overrides: Record<string, unknown> = {}): PlatformStackConfigArgs {
  const { values } = readStackConfig(stack, overrides);
  const scalarKeys = new Set(['environment', 'location', 'prefix']);
  const out: Record<string, unknown> = {};
  for (const [fullKey, raw] of Object.entries(values)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = fullKey.slice(CONFIG_NAMESPACE.length + 1);
    out[key] = scalarKeys.has(key) ? raw : JSON.parse(raw);
  }
  return out as unknown as PlatformStackConfigArgs;
}

describe('PlatformStack under the offline engine', () => {
  let recorder: OfflineRecorder;
  let PlatformStack: typeof import('../provider/platform-stack').PlatformStack;
  let stack: InstanceType<typeof PlatformStack>;

  beforeAll(async () => {
    recorder = installMocks({ project: 'aks-platform', stack: 'dev' });
    ({ PlatformStack } = await import('../provider/platform-stack'));
    const args: PlatformStackArgs = configValues('dev');
    asSchemaInput(args);
    stack = new PlatformStack('platform', args);
    await resolveOutput(stack.ingressHost);
    await settle();
  }, 30_000);

  it('registers the whole platform under the facade', () => {
    const byType: Record<string, number> = {};
    for (const r of recorder.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
    expect(byType).toMatchObject({
      'aks-platform:index:PlatformStack': 1,
      'aks-platform:index:Platform': 1,
      'azure-native:containerservice:ManagedCluster': 1,
      'azure-native:containerservice:AgentPool': 2,
      'azure-native:dbforpostgresql:Server': 1,
      'docker-build:index:Image': 3,
      'kubernetes:helm.sh/v3:Release': 4,
      'aks-platform:index:FrontDoor': 1,
    });
  });

  it('resolves the same outputs as the program, the kubeconfig as a secret', async () => {
    expect(await resolveOutput(stack.resourceGroupName)).toEqual({ value: 'rg-aksplat-dev-weu', secret: false });
    expect(await resolveOutput(stack.clusterName)).toEqual({ value: 'aks-aksplat-dev-weu', secret: false });
    expect(String((await resolveOutput(stack.registryLoginServer)).value)).toMatch(/^craksplat.*\.azurecr\.io$/);
    const kubeconfig = await resolveOutput(stack.kubeconfig);
    expect(kubeconfig.secret).toBe(true);
    expect(String(kubeconfig.value)).toContain('kubelogin');
    const images = (await resolveOutput(stack.images)).value;
    expect(Object.keys(images).sort()).toEqual(['agent', 'api', 'frontend']);
    for (const ref of Object.values(images)) expect(ref).toMatch(/\.azurecr\.io\/.+@sha256:[0-9a-f]{64}$/);
    expect(Object.keys((await resolveOutput(stack.releases)).value).sort()).toEqual(['agent', 'api', 'frontend']);
  });

  it.each([
    ['a pool name with capitals', { 'aks-platform:cluster.systemPool.name': 'System' }, 'cluster.systemPool.name: "System" is not a valid node pool name'],
    ['an unknown key', { 'aks-platform:registry.adminUserEnabled': true }, 'registry.adminUserEnabled: unknown key'],
  ])('rejects %s with the program\'s message, before any Azure resource exists', (_label, overrides, expected) => {
    const bad = installMocks({ project: 'aks-platform', stack: 'dev' });
    const values = configValues('dev', overrides);
    // What the program says for the same values (config/validate.ts), minus the config namespace.
    let programProblems: string[] = [];
    try {
      parseStackConfig(values as unknown as Record<string, unknown>);
    } catch (err) {
      programProblems = (err as ConfigValidationError).problems.map((p) => `${p.key.replace(`${CONFIG_NAMESPACE}:`, '')}: ${p.message}`);
    }
    expect(programProblems.join('\n')).toContain(expected);
    let message = '';
    try {
      new PlatformStack('bad', values);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('Invalid PlatformStack "bad" arguments');
    for (const problem of programProblems) expect(message).toContain(problem);
    expect(bad.resources.filter((r) => r.custom)).toEqual([]);
  });
});

describe('the inferred package schema (what `pulumi package add` generates SDKs from)', () => {
  let schema: Any;
  beforeAll(async () => {
    const status = (await laneSchema) ?? (await ownSchema());
    if (!status.ok) throw new Error(status.error);
    schema = JSON.parse(status.schema);
  }, WAIT_MS + 30_000);

  it('names the package aks-platform and serves PlatformStack only', async () => {
    // The lane infers from provider/package-options.ts: the same identity and component names as the host's options.
    const { hostOptions } = await import('../provider/host-options');
    expect(hostOptions).toMatchObject(packageOptions);
    expect(hostOptions.components.map((c) => c.name)).toEqual(componentNames);
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
