/**
 * What a first `pulumi up` needs beyond the schema, checked over both stacks'
 * real programs run once offline (the runs are shared by both parts):
 *  - create order: every named wait (offline/create-order.ts, reasons in
 *    lib/create-order.ts) holds in the dependency graph, walked the way the
 *    engine orders creation;
 *  - ARM contract: every Azure resource's inputs serialize against Microsoft's
 *    generated models (test/support/arm-contract.ts).
 */
import { runStack, StackRun } from '../offline/run-stack';
import { CreateOrderInvariant, DeployGraph, GraphNode, checkInvariant, checkInvariants, platformCreateOrderInvariants, poolsOfRelease } from '../offline/create-order';
import { CLUSTER_RBAC_PROPAGATION, CREATE_ORDER_FACTS, WORKLOAD_IDENTITY_ROLE_PROPAGATION } from '../lib/create-order';
import { RecordedResource, unwrapSecrets } from '../offline/recorded';
import { ARM_CONTRACTS, NOT_COVERED, azureNativeApiVersion, checkArmContract, sdkApiVersion, unversionedType } from './support/arm-contract';
import { sdkModels } from './support/arm-sdk-models';
import { TEST_CLOCK } from './support/clock';

const INVARIANTS = platformCreateOrderInvariants();
const runs: Record<string, StackRun> = {};

beforeAll(async () => {
  for (const stack of ['dev', 'prod']) runs[stack] = await runStack(stack, { clock: TEST_CLOCK });
}, 120_000);

function node(urn: string, extra: Partial<GraphNode> = {}): GraphNode {
  return { urn, type: 't:x:X', name: urn, custom: true, parent: '', dependencies: [], propertyDependencies: {}, provider: '', inputs: {}, ...extra };
}

describe('the graph walk', () => {
  it('follows dependsOn, property dependencies, providers, component children and ancestors', () => {
    const graph = new DeployGraph([
      node('comp', { custom: false }),
      node('comp-child', { parent: 'comp' }),
      node('comp-grandchild', { parent: 'comp-child' }),
      node('a'),
      node('b', { propertyDependencies: { x: ['a'] } }),
      node('waiter', { dependencies: ['comp'] }),
      node('gated', { custom: false, dependencies: ['b'] }),
      node('gated-child', { parent: 'gated' }),
      node('prov', { dependencies: ['a'] }),
      node('k8s', { provider: 'prov::some-id' }),
      node('free'),
    ]);
    expect([...graph.waitsFor('waiter')].sort()).toEqual(['comp', 'comp-child', 'comp-grandchild']);
    expect([...graph.waitsFor('gated-child')].sort()).toEqual(['a', 'b']);
    expect([...graph.waitsFor('k8s')].sort()).toEqual(['a', 'prov']);
    expect(graph.waitsFor('free').size).toBe(0);
  });
});

describe.each(['dev', 'prod'])('the %s stack', (stack) => {
  it('keeps every create-order invariant', () => {
    const graph = new DeployGraph(runs[stack].recorder.resources);
    const results = checkInvariants(graph, INVARIANTS);
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    const applied = results.filter((r) => r.applies).map((r) => r.name);
    // Neither stack registers a Key Vault secret an app mounts (Entra for PostgreSQL and Redis), so the
    // six per-secret rules (secret, role, role wait; api and agent) have nothing to wait for;
    // dev also lacks the registry's private DNS (five rules).
    const notApplied = results.filter((r) => !r.applies).map((r) => r.name);
    const perSecret = notApplied.filter((n) => /Key Vault secrets it mounts|per-secret Key Vault roles/.test(n));
    expect(perSecret).toHaveLength(6);
    expect(applied.length).toBe(stack === 'prod' ? INVARIANTS.length - 6 : INVARIANTS.length - 11);
    process.stdout.write(`${stack}: ${applied.length} create-order invariants hold\n`);
  });

  it('pins each release to the pool its config names and finds that pool in the graph', () => {
    const graph = new DeployGraph(runs[stack].recorder.resources);
    const pools = Object.fromEntries(
      runs[stack].recorder.ofType('kubernetes:helm.sh/v3:Release').map((r) => [
        (unwrapSecrets(r.inputs) as { name: string }).name,
        poolsOfRelease(r, graph).map((p) => p.type.split(':').pop()),
      ]),
    );
    expect(pools).toEqual(
      stack === 'prod'
        ? { api: ['AgentPool'], agent: ['AgentPool'], frontend: ['AgentPool'], traefik: ['AgentPool'] }
        : { api: ['ManagedCluster'], agent: ['ManagedCluster'], frontend: ['ManagedCluster'], traefik: ['ManagedCluster'] },
    );
  });
});

describe('a missing wait', () => {
  it('fails with the name of the invariant it breaks', () => {
    const resources = structuredClone(runs.dev.recorder.resources);
    const acrPull = resources.find((r) => r.name.endsWith('-kubelet-acr-pull'))!;
    // Drop the api release component's dependency on the kubelet's AcrPull assignment.
    const apiApp = resources.find((r) => r.type === 'aks-platform:index:HelmApp' && r.name.endsWith('-api'))!;
    expect(apiApp.dependencies).toContain(acrPull.urn);
    apiApp.dependencies = apiApp.dependencies.filter((u) => u !== acrPull.urn);
    const failures = checkInvariants(new DeployGraph(resources), INVARIANTS).flatMap((r) => r.failures);
    expect(failures).toEqual([expect.stringMatching(/^helm release api waits for the kubelet's AcrPull: aksplat-dev-api-release does not wait for .*-kubelet-acr-pull/)]);
  });

  it('names user pools that can be created together', () => {
    const resources = structuredClone(runs.prod.recorder.resources);
    const pools = resources.filter((r) => r.type === 'azure-native:containerservice:AgentPool');
    expect(pools).toHaveLength(2);
    pools[1].dependencies = pools[1].dependencies.filter((u) => u !== pools[0].urn);
    const serial = INVARIANTS.find((i) => i.serial)!;
    expect(checkInvariant(new DeployGraph(resources), serial).failures).toEqual([
      `user pools are created one after another: ${pools[0].name} and ${pools[1].name} can be created at the same time`,
    ]);
  });

  it('names a subject that is not registered at all', () => {
    const invariant: CreateOrderInvariant = { name: 'x waits for y', reason: 'test', subject: { type: 'no:such:Type' }, waitsFor: { type: 'no:such:Other' } };
    expect(checkInvariant(new DeployGraph(runs.dev.recorder.resources), invariant).failures).toEqual(['x waits for y: no no:such:Type is registered']);
  });
});

describe('the facts behind the waits', () => {
  it.each([
    ['cluster RBAC', CLUSTER_RBAC_PROPAGATION, '5m', true],
    // Registered only for an app that mounts a Key Vault secret (KeyVault.secretReadAccessReady, test/key-vault.test.ts): none does now.
    ['workload identity Key Vault role', WORKLOAD_IDENTITY_ROLE_PROPAGATION, '10m', false],
  ])('%s propagation is a dated, sourced fact; the stacks register its wait: %s', (_label, fact, duration, registered) => {
    expect(fact.duration).toBe(duration);
    expect(fact.source).toMatch(/learn\.microsoft\.com/);
    expect(fact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const stack of ['dev', 'prod']) {
      const sleeps = runs[stack].recorder.ofType('time:index/sleep:Sleep').map((s) => (unwrapSecrets(s.inputs) as { createDuration: string }).createDuration);
      expect(sleeps.includes(duration)).toBe(registered);
    }
  });

  it('gives every invariant a reason that is a recorded fact', () => {
    const known = new Set([...Object.keys(CREATE_ORDER_FACTS), 'CLUSTER_RBAC_PROPAGATION', 'WORKLOAD_IDENTITY_ROLE_PROPAGATION']);
    expect(INVARIANTS.filter((i) => !known.has(i.reason)).map((i) => i.name)).toEqual([]);
  });
});

/**
 * The ARM contract. Each resource's recorded inputs (secrets unwrapped) are
 * serialized with the SDK model of its type: required properties, enum values,
 * types, patterns, lengths and numeric ranges; its name inputs with the SDK's
 * URL parameters. Input properties the model does not know fail too, unless
 * the contract explains them (newer API than the SDK).
 *
 * API versions: azure-native sends the version in its type's doc comment (or
 * module), the SDK model is from its pinned major; both are printed per type
 * below and asserted in "states the API version on each side".
 *
 * What this cannot cover: rules that live only in the service (quota, region
 * and SKU availability, cross-property rules such as "zones need a zonal SKU",
 * VM size fit), extensible enums (the SDK types them as strings), values only
 * known after create, properties of a newer API than the pinned SDK model
 * (listed in `newerThanSdk`, unchecked), and Kubernetes, Docker and time resources.
 */
describe('the ARM contract', () => {
  const azureOf = (run: StackRun): RecordedResource[] => run.recorder.resources.filter((r) => r.custom && r.type.startsWith('azure-native:'));

  it.each(['dev', 'prod'])('holds for every Azure resource the %s stack registers', (stack) => {
    const started = Date.now();
    const all = azureOf(runs[stack]);
    const uncovered = [...new Set(all.map((r) => unversionedType(r.type)).filter((t) => !ARM_CONTRACTS[t] && !NOT_COVERED[t]))];
    expect(uncovered).toEqual([]);
    const resources = all.filter((r) => ARM_CONTRACTS[unversionedType(r.type)]);
    const problems: string[] = [];
    let checked = 0;
    for (const r of resources) {
      const result = checkArmContract(ARM_CONTRACTS[unversionedType(r.type)], unwrapSecrets(r.inputs) as Record<string, unknown>, r.state.name as string);
      problems.push(...result.violations.map((v) => `${r.type} ${r.name}: ${v}`));
      problems.push(...result.unknownPaths.map((p) => `${r.type} ${r.name}: input ${p} is not in the SDK model`));
      checked += result.checkedPaths.length;
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(resources.length * 3);
    expect(Date.now() - started).toBeLessThan(10_000);
    process.stdout.write(
      `${stack}: ${resources.length} of ${all.length} Azure resources, ${checked} input paths checked against the SDK models in ${Date.now() - started} ms; not covered: ${[...new Set(all.filter((r) => !ARM_CONTRACTS[unversionedType(r.type)]).map((r) => r.type))].join(', ') || 'none'}\n`,
    );
  });

  it('states the API version on each side for every type', () => {
    const table = Object.entries(ARM_CONTRACTS).map(([type, contract]) => ({
      type,
      azureNative: azureNativeApiVersion(type),
      sdk: `${contract.service}@${sdkModels(contract.service).version} ${contract.model} (${sdkApiVersion(contract)})`,
    }));
    for (const row of table) {
      expect(row.azureNative).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
      expect(row.sdk).toMatch(/\(\d{4}-\d{2}-\d{2}(-preview)?\)$/);
    }
    process.stdout.write(`${table.map((r) => `${r.type}: azure-native ${r.azureNative}; SDK ${r.sdk}`).join('\n')}\n`);
  });

  /** One deliberately invalid input per service, each naming what is wrong. */
  const invalid: [string, string, (inputs: Record<string, any>) => void, RegExp][] = [
    ['containerservice', 'azure-native:containerservice:MaintenanceConfiguration', (i) => (i.maintenanceWindow.durationHours = 3), /durationHours.*"InclusiveMinimum": 4/],
    ['containerservice (name)', 'azure-native:containerservice:AgentPool', (i) => (i.agentPoolName = 'MemOpt'), /agentPoolName.*"Pattern"/],
    ['network', 'azure-native:network:Subnet', (i) => (i.addressPrefix = 10), /addressPrefix.*must be of type string/],
    ['privatedns', 'azure-native:privatedns:VirtualNetworkLink', (i) => (i.registrationEnabled = 'no'), /registrationEnabled.*must be of type boolean/],
    ['containerregistry', 'azure-native:containerregistry:Registry', (i) => (i.registryName = 'cr-with-dash'), /registryName.*"Pattern"/],
    ['postgresql', 'azure-native:dbforpostgresql:Database', (i) => (i.databaseName = '1app'), /databaseName.*"Pattern"/],
    ['redisenterprise', 'azure-native:redisenterprise:RedisEnterprise', (i) => delete i.location, /location cannot be null or undefined/],
    ['keyvault', 'azure-native:keyvault:Vault', (i) => delete i.properties.tenantId, /tenantId cannot be null or undefined/],
    ['msi', 'azure-native:managedidentity:FederatedIdentityCredential', (i) => (i.federatedIdentityCredentialResourceName = 'a'), /federatedIdentityCredentialResourceName.*"Pattern"/],
    ['authorization', 'azure-native:authorization:RoleAssignment', (i) => delete i.principalId, /principalId cannot be null or undefined/],
    ['operationalinsights', 'azure-native:operationalinsights:Workspace', (i) => (i.workspaceName = 'log_bad'), /workspaceName.*"Pattern"/],
    ['resources', 'azure-native:resources:ResourceGroup', (i) => delete i.location, /location cannot be null or undefined/],
    ['monitor', 'azure-native:monitor:DiagnosticSetting', (i) => (i.logs[0].enabled = 'yes'), /enabled.*must be of type boolean/],
  ];
  it.each(invalid)('rejects an invalid %s input', (_service, type, mutate, message) => {
    const resource = runs.prod.recorder.ofType(type)[0];
    const inputs = structuredClone(unwrapSecrets(resource.inputs)) as Record<string, any>;
    const contract = ARM_CONTRACTS[type];
    expect(checkArmContract(contract, inputs, resource.state.name as string).violations).toEqual([]);
    mutate(inputs);
    const { violations } = checkArmContract(contract, inputs, resource.state.name as string);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(message);
  });

  it('rejects an input property the model does not have', () => {
    const cluster = runs.prod.recorder.one('azure-native:containerservice:ManagedCluster');
    const inputs = { ...(unwrapSecrets(cluster.inputs) as Record<string, any>), enableRbac: true, aadProfile: { ...(unwrapSecrets(cluster.inputs) as any).aadProfile, tenantId: 'x' } };
    expect(checkArmContract(ARM_CONTRACTS[cluster.type], inputs, 'c').unknownPaths).toEqual(['aadProfile.tenantId']);
  });
});
