/**
 * Create order as tested invariants: both stacks' real programs run offline,
 * and every named wait (offline/create-order.ts, reasons in lib/create-order.ts)
 * must hold in the dependency graph, walked the way the engine orders creation.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { CreateOrderInvariant, DeployGraph, GraphNode, checkInvariant, checkInvariants, platformCreateOrderInvariants, poolsOfRelease } from '../offline/create-order';
import { CLUSTER_RBAC_PROPAGATION, CREATE_ORDER_FACTS, WORKLOAD_IDENTITY_ROLE_PROPAGATION } from '../lib/create-order';
import { unwrapSecrets } from '../offline/mocks';

const INVARIANTS = platformCreateOrderInvariants();
const runs: Record<string, StackRun> = {};

beforeAll(async () => {
  for (const stack of ['dev', 'prod']) runs[stack] = await runStack(stack);
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
    // The count is reported in the README; the lists differ only in the registry's private DNS.
    expect(applied.length).toBe(stack === 'prod' ? INVARIANTS.length : INVARIANTS.length - 5);
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
        ? { api: ['AgentPool'], agent: ['AgentPool'], frontend: ['AgentPool'] }
        : { api: ['ManagedCluster'], agent: ['ManagedCluster'], frontend: ['ManagedCluster'] },
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
    ['cluster RBAC', CLUSTER_RBAC_PROPAGATION, '5m'],
    ['workload identity Key Vault role', WORKLOAD_IDENTITY_ROLE_PROPAGATION, '10m'],
  ])('%s propagation is a dated, sourced fact and the wait the program registers', (_label, fact, duration) => {
    expect(fact.duration).toBe(duration);
    expect(fact.source).toMatch(/learn\.microsoft\.com/);
    expect(fact.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const stack of ['dev', 'prod']) {
      const sleeps = runs[stack].recorder.ofType('time:index/sleep:Sleep').map((s) => (unwrapSecrets(s.inputs) as { createDuration: string }).createDuration);
      expect(sleeps).toContain(duration);
    }
  });

  it('gives every invariant a reason that is a recorded fact', () => {
    const known = new Set([...Object.keys(CREATE_ORDER_FACTS), 'CLUSTER_RBAC_PROPAGATION', 'WORKLOAD_IDENTITY_ROLE_PROPAGATION']);
    expect(INVARIANTS.filter((i) => !known.has(i.reason)).map((i) => i.name)).toEqual([]);
  });
});
