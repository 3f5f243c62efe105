/**
 * Dev's advisory findings: every one states a reason, and the reason is true
 * of dev. Each rule that is advisory in dev has a check here of the fact its
 * reason claims, read from Pulumi.dev.yaml (and, for prod, that the same rule
 * is mandatory there and the fact differs). A new dev relaxation without a
 * checked reason fails this test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Finding } from '../../policy/model';
import { planStack } from '../../plan/plan';
import { AssignedRole, PROGRAM_ROLES, programRoleIds, roleGuidOf } from '../../lib/role-ids';
import { unwrapSecrets } from '../../offline/recorded';
import { TEST_CLOCK } from '../support/clock';

type Cfg = Record<string, any>;
const config = (stack: string): Cfg => {
  const raw = (parse(readFileSync(join(__dirname, '..', '..', `Pulumi.${stack}.yaml`), 'utf8')) as { config: Cfg }).config;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.replace(/^aks-platform:/, ''), v]));
};

/** The fact each dev relaxation's reason states, as a check on the stack config (and the finding). */
const REASON_FACTS: Record<string, { fact: string; holds: (cfg: Cfg, finding: Finding) => boolean }> = {
  'aks-uptime-sla': { fact: 'the control plane runs on the Free tier', holds: (c) => c.cluster.tier === 'Free' },
  'aks-system-pool-critical-addons-only': {
    fact: 'the apps run on the system pool, whose user pools scale to zero',
    holds: (c) => c.cluster.systemPool.onlyCriticalAddons === false && c.cluster.userPools.every((p: Cfg) => p.minCount === 0),
  },
  'acr-public-network-disabled': { fact: 'the registry is not Premium', holds: (c) => c.registry.sku !== 'Premium' },
  'acr-zone-redundancy': { fact: 'the registry is not Premium', holds: (c) => c.registry.sku !== 'Premium' },
  'acr-retention-policy': { fact: 'the registry is not Premium', holds: (c) => c.registry.sku !== 'Premium' },
  'postgres-geo-redundant-backup': { fact: 'geo-redundant backup is off', holds: (c) => c.postgres.geoRedundantBackup === false },
  'postgres-high-availability': { fact: 'a single Burstable server', holds: (c) => c.postgres.tier === 'Burstable' && c.postgres.highAvailability === false },
  'data-service-private-endpoint': {
    fact: 'only the non-Premium registry lacks a private endpoint',
    holds: (c, f) => f.type === 'azure-native:containerregistry:Registry' && c.registry.sku !== 'Premium' && c.registry.privateEndpoint !== true,
  },
  'stateful-resource-protected': { fact: 'protectStatefulResources is off', holds: (c) => c.protectStatefulResources !== true },
  'front-door-waf-prevention': { fact: 'the WAF runs in Detection mode', holds: (c) => c.edge?.frontDoor?.wafMode === 'Detection' },
  'aks-defender': { fact: 'Defender is off', holds: (c) => c.cluster.defender !== true },
  'aks-egress-firewall': { fact: 'the egress firewall is off', holds: (c) => c.network.egressFirewall?.enabled !== true },
  'pod-security-deny': { fact: 'the pod-security initiative audits', holds: (c) => c.cluster.podSecurityPolicyEffect !== 'Deny' },
};

describe('dev advisory findings', () => {
  let findings: Finding[];
  let roles: string[];
  beforeAll(async () => {
    const { plan, run } = await planStack({ stack: 'dev', clock: TEST_CLOCK });
    findings = plan.findings;
    roles = run.resources.filter((r) => r.type === 'azure-native:authorization:RoleAssignment')
      .map((r) => roleGuidOf(String((unwrapSecrets(r.inputs) as Record<string, unknown>).roleDefinitionId)));
  }, 60_000);

  it('come from a dev program that assigns exactly the roles of lib/role-ids.ts (test/role-ids.test.ts)', () => {
    // Every role the stack assigns is listed; every listed role not tied to an optional config value is assigned.
    expect([...new Set(roles)].filter((r) => !programRoleIds().includes(r))).toEqual([]);
    const always = (Object.values(PROGRAM_ROLES) as AssignedRole[]).filter((r) => !r.whenConfigured).map((r) => r.id);
    expect(always.filter((id) => !roles.includes(id))).toEqual([]);
  });

  it('are advisory only, each with a reason', () => {
    expect(findings.filter((f) => f.level === 'mandatory').map((f) => `${f.ruleId} ${f.name}: ${f.message}`)).toEqual([]);
    for (const f of findings) expect(f.reason).toMatch(/^advisory in dev: .{20,}/);
  });

  it('state a reason that is true of dev', () => {
    const dev = config('dev');
    const unchecked = findings.filter((f) => !REASON_FACTS[f.ruleId]).map((f) => f.ruleId);
    expect(unchecked).toEqual([]);
    const untrue = findings.filter((f) => !REASON_FACTS[f.ruleId].holds(dev, f)).map((f) => `${f.ruleId} ${f.name}: "${f.reason}" but not ${REASON_FACTS[f.ruleId].fact}`);
    expect(untrue).toEqual([]);
  });

  it('rest on facts that are false of prod', () => {
    const prod = config('prod');
    const heldInProd = [...new Set(findings.map((f) => f.ruleId))].filter((id) => id !== 'data-service-private-endpoint' && REASON_FACTS[id].holds(prod, findings.find((f) => f.ruleId === id)!));
    expect(heldInProd).toEqual([]);
  });
});
