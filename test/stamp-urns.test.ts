/**
 * A one-region stack keeps its URNs through the regional-stamp refactor: what moved
 * under the `RegionalStamp` answers to its old URN through an `aliases` entry, so
 * `pulumi up` on an existing stack moves resources in state instead of replacing them.
 * The fixtures (test/fixtures/urns/) were recorded from main before the refactor
 * (scripts/urn-fixture.ts); a new resource is appended with `--add`, never removed.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { aliasUrns, createUrn, parseUrn } from '../offline/aliases';
import type { RecordedResource } from '../offline/recorded';
import { readUrnFixture } from '../scripts/urn-fixture';
import { TEST_CLOCK } from './support/clock';

describe('aliasUrns (the engine rules)', () => {
  const urn = (qualifiedType: string, name: string) => `urn:pulumi:dev::p::${qualifiedType}::${name}`;
  const res = (qualifiedType: string, name: string, parent: string, aliases: RecordedResource['aliases'] = []) => ({
    urn: urn(qualifiedType, name),
    type: qualifiedType.split('$').pop()!,
    name,
    parent,
    aliases,
  });
  const platform = res('x:Platform', 'aks-dev', '');
  const stamp = res('x:Platform$x:Stamp', 'aks-dev', platform.urn);
  const network = res('x:Platform$x:Stamp$x:Network', 'aks-dev-network', stamp.urn, [{ parentUrn: platform.urn }]);
  const vnet = res('x:Platform$x:Stamp$x:Network$az:Vnet', 'aks-dev-network-vnet', network.urn);
  const renamed = res('x:Platform$x:Stamp$x:Thing', 'new', stamp.urn, [{ name: 'old', noParent: true }]);
  const whole = res('x:Platform$x:Other', 'o', platform.urn, [{ urn: 'urn:pulumi:dev::p::x:Gone::g' }]);

  it.each([
    ['a moved component: its old parent, same type and name', network, [urn('x:Platform$x:Network', 'aks-dev-network')]],
    ["its child: the parent's old type chain (inherited alias)", vnet, [urn('x:Platform$x:Network$az:Vnet', 'aks-dev-network-vnet')]],
    ['a rename to the top level', renamed, [urn('x:Thing', 'old')]],
    ['a whole URN', whole, ['urn:pulumi:dev::p::x:Gone::g']],
    ['no aliases, parent without aliases', stamp, []],
  ])('%s', (_label, resource, expected) => {
    expect(aliasUrns([platform, stamp, network, vnet, renamed, whole]).get(resource.urn)).toEqual(expected);
  });

  it('parses and builds URNs', () => {
    expect(parseUrn(vnet.urn)).toEqual({ stack: 'dev', project: 'p', qualifiedType: 'x:Platform$x:Stamp$x:Network$az:Vnet', name: 'aks-dev-network-vnet' });
    expect(createUrn('dev', 'p', network.urn, 'az:Vnet', 'v')).toBe(urn('x:Platform$x:Stamp$x:Network$az:Vnet', 'v'));
    expect(() => parseUrn('nope')).toThrow('is not a Pulumi URN');
  });
});

/**
 * Resources removed on purpose, each with the change that removed it: an existing stack deletes
 * them on its next `pulumi up` (nothing else depends on them). Every pattern must still match a
 * fixture URN, so the list cannot go stale.
 */
const RETIRED: { pattern: RegExp; why: string }[] = [
  { pattern: /::aksplat-[a-z]+-kv-apps(-identity|-fic-[a-z]+-[a-z]+)?$/, why: '#14: the one shared apps identity became per-workload identities (components/app-identities.ts)' },
  { pattern: /::aksplat-[a-z]+-kv-apps-secrets-user(-propagation)?$/, why: '#14: no vault-wide Key Vault role for the apps; per-secret roles only' },
  { pattern: /::aksplat-[a-z]+-kv-secret-(postgres|redis)-password$/, why: '#14: PostgreSQL and Redis use Entra; no password or key is stored' },
  { pattern: /::aksplat-[a-z]+-postgres-admin-password$/, why: '#14: password authentication is disabled on PostgreSQL' },
];
const retired = (urn: string) => RETIRED.some((r) => r.pattern.test(urn));

/**
 * Resources added after the refactor, under the stamp (so not in the pre-refactor fixture), each with its change;
 * `stacks` names the stacks that have it, when not every one does.
 */
const ADDED: { pattern: RegExp; why: string; stacks?: string[] }[] = [
  { pattern: /\$aks-platform:index:AppIdentities(\$[^:]+:[^:]+:[^:]+)*::aksplat-[a-z]+-identities(-(api|agent|migrate|keda)(-identity|-fic-[a-z-]+|-metrics-reader)?)?$/, why: '#14: one identity per workload (components/app-identities.ts)' },
  { pattern: /\$azure-native:redisenterprise:AccessPolicyAssignment::aksplat-[a-z]+-redis-access-(api|agent)$/, why: '#14: Redis Entra access for the api and the agent' },
  { pattern: /\$azure-native:dbforpostgresql:AdministratorsMicrosoftEntra::aksplat-[a-z]+-postgres-entra-admin$/, why: '#14: the migration identity is PostgreSQL\'s Entra administrator' },
  { pattern: /\$azure-native:monitor:DiagnosticSetting::aksplat-prod-guardrails-diag-firewall$/, why: '#13: the egress firewall\'s logs go to Log Analytics (prod only: dev has no firewall)', stacks: ['prod'] },
];
const added = (urn: string) => ADDED.some((a) => a.pattern.test(urn));

describe.each(['dev', 'prod'])('the %s stack keeps its URNs', (stack) => {
  let run: StackRun;
  let fixture: string[];
  let aliases: Map<string, string[]>;
  beforeAll(async () => {
    run = await runStack(stack, { clock: TEST_CLOCK });
    fixture = readUrnFixture(stack);
    aliases = aliasUrns(run.recorder.resources);
  }, 300_000);

  it('has a fixture recorded before the refactor', () => {
    expect(fixture.length).toBeGreaterThan(100);
    expect(fixture.some((u) => u.includes('RegionalStamp'))).toBe(false);
  });

  it('every URN of the fixture is a resource now, or an alias of exactly one', () => {
    const answeredBy = new Map<string, string[]>();
    for (const r of run.recorder.resources) {
      for (const old of [r.urn, ...(aliases.get(r.urn) ?? [])]) answeredBy.set(old, [...(answeredBy.get(old) ?? []), r.urn]);
    }
    const missing = fixture.filter((u) => !answeredBy.has(u) && !retired(u));
    const ambiguous = fixture.filter((u) => (answeredBy.get(u)?.length ?? 0) > 1);
    expect({ missing, ambiguous }).toEqual({ missing: [], ambiguous: [] });
  });

  it('retires only what was removed on purpose, and each retirement names a resource the fixture had', () => {
    for (const r of RETIRED) expect({ why: r.why, matches: fixture.some((u) => r.pattern.test(u)) }).toEqual({ why: r.why, matches: true });
    expect(run.recorder.resources.filter((r) => retired(r.urn)).map((r) => r.urn)).toEqual([]);
  });

  it('every resource is in the fixture, by URN or by an alias, but the new stamp (a new one: scripts/urn-fixture.ts --add)', () => {
    const known = new Set(fixture);
    const unknown = run.recorder.resources.filter((r) => !known.has(r.urn) && !(aliases.get(r.urn) ?? []).some((a) => known.has(a)) && !added(r.urn)).map((r) => r.urn);
    for (const a of ADDED) {
      const expected = a.stacks === undefined || a.stacks.includes(stack);
      expect({ why: a.why, matches: run.recorder.resources.some((r) => a.pattern.test(r.urn)) }).toEqual({ why: a.why, matches: expected });
    }
    // The stamp is the one new resource: a component, it holds no cloud state, so adding it replaces nothing.
    expect(unknown).toEqual([`urn:pulumi:${stack}::aks-platform::aks-platform:index:Platform$aks-platform:index:RegionalStamp::aksplat-${stack}`]);
  });

  it('the regional resources moved under the stamp, each through an alias to its old URN', () => {
    const stamp = run.recorder.one('aks-platform:index:RegionalStamp');
    const cluster = run.recorder.one('azure-native:containerservice:ManagedCluster');
    expect(cluster.urn).toContain('aks-platform:index:Platform$aks-platform:index:RegionalStamp$aks-platform:index:AksCluster$');
    expect(fixture).not.toContain(cluster.urn);
    expect(aliases.get(cluster.urn)).toContain(cluster.urn.replace('$aks-platform:index:RegionalStamp', ''));
    // The stamp's direct children carry the alias; the stamp itself is new (it has no old URN).
    const children = run.recorder.childrenOf(stamp.urn);
    expect(children.length).toBeGreaterThanOrEqual(8);
    for (const child of children) expect(child.aliases).toHaveLength(1);
    expect(aliases.get(stamp.urn)).toEqual([]);
  });

  it("the registry's private endpoint (now the region's) answers to its URN under the registry", () => {
    const endpoints = run.recorder.ofType('aks-platform:index:PrivateLink').filter((r) => r.name.endsWith('-registry-pl'));
    expect(endpoints.map((e) => aliases.get(e.urn))).toEqual(
      endpoints.map(() => [expect.stringContaining('aks-platform:index:Platform$aks-platform:index:ContainerRegistry$aks-platform:index:PrivateLink::')]),
    );
  });
});
