/**
 * The offline plan over the real program (in-process, under offline/run-stack.ts):
 * prod passes every rule, planted violations are found, secrets never reach
 * the text or JSON output, and data services and images do not wait for the cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { installMocks, MOCK_SECRET_MARKER, RecordedResource, secretValue, settle } from '../../offline/mocks';
import { buildPlan, MASK, Plan, redact, secretStrings } from '../../plan/build';
import { ancestors } from '../../plan/durations';
import { PlanFailure, planStack, PlanStackResult, renderPlan } from '../../plan/plan';
import { TEST_CLOCK } from '../support/clock';
import { T } from '../../policy/rules';

const TIMEOUT = 120_000;

function ofType(plan: Plan, type: string) {
  return plan.resources.filter((r) => r.type === type);
}

function mandatory(plan: Plan) {
  return plan.findings.filter((f) => f.level === 'mandatory').map((f) => `${f.ruleId} ${f.name}`);
}

describe('offline plan of the real program', () => {
  let prod: PlanStackResult;
  let dev: PlanStackResult;

  beforeAll(async () => {
    prod = await planStack({ stack: 'prod', clock: TEST_CLOCK });
    dev = await planStack({ stack: 'dev', clock: TEST_CLOCK });
  }, TIMEOUT);

  it('prod passes every rule: no mandatory findings', () => {
    expect(mandatory(prod.plan)).toEqual([]);
    expect(prod.plan.blocked).toBe(false);
    expect(prod.text).toContain('RESULT: ok');
    // The checks did run against the real resources.
    expect(ofType(prod.plan, T.managedCluster)).toHaveLength(1);
    expect(ofType(prod.plan, T.registry)).toHaveLength(1);
  });

  it('dev relaxations are advisory, each with its stated reason, and do not block', () => {
    expect(mandatory(dev.plan)).toEqual([]);
    expect(dev.plan.findings.length).toBeGreaterThan(0);
    for (const finding of dev.plan.findings) {
      expect(finding.level).toBe('advisory');
      expect(finding.reason).toMatch(/^advisory in dev: .{20,}/);
      expect(dev.text).toContain(`why advisory: ${finding.reason}`);
    }
  });

  it('prints the tree with key properties and dependencies, outputs, findings, cost and critical path', () => {
    const text = prod.text;
    expect(text).toMatch(/aks-platform:index:Platform aksplat-prod\n├─ /);
    expect(text).toMatch(/containerregistry:Registry \S+ {2}\{registryName=\S+ sku.name=Premium publicNetworkAccess=Disabled adminUserEnabled=false/);
    expect(text).toMatch(/depends on: .*aksplat-prod-aks-aks/);
    expect(text).toContain('== Outputs');
    expect(text).toContain(`kubeconfig: ${MASK}`);
    expect(text).toMatch(/TOTAL \$\d+\.\d\d\/month/);
    expect(text).toMatch(/== Critical path: ~\d+(\.\d)? minutes/);
    expect(prod.plan.cost.monthlyTotal).toBeGreaterThan(dev.plan.cost.monthlyTotal);
    const json = JSON.parse(prod.json) as Plan;
    expect(json.findings).toEqual(JSON.parse(JSON.stringify(prod.plan.findings)));
    expect(json.cost.monthlyTotal).toBe(prod.plan.cost.monthlyTotal);
    expect(json.criticalPath.steps.map((s) => s.name)).toEqual(prod.plan.criticalPath.steps.map((s) => s.name));
  });

  it('never shows a secret value: not in the text, not in the JSON', () => {
    for (const result of [prod, dev]) {
      const secrets = secretStrings(result.run);
      // The run does hold secrets (the kubeconfig, the Grafana provider's auth, the local image build's ACR refresh token)...
      expect(secrets.size).toBeGreaterThanOrEqual(3);
      expect([...secrets].filter((s) => s.includes(MOCK_SECRET_MARKER)).length).toBeGreaterThanOrEqual(1);
      expect(result.plan.outputs.kubeconfig).toEqual({ value: MASK, secret: true });
      // Values that sit next to a secret (the login server in the image's registry credentials) stay readable.
      const loginServer = result.plan.outputs.registryLoginServer.value as string;
      expect(loginServer).toMatch(/^cr[a-z0-9]+\.azurecr\.io$/);
      expect(result.text).toContain(`registryLoginServer: ${loginServer}`);
      expect(result.text).toContain(`tags=["${loginServer}/aks-platform/api:`);
      // ...and none of them is printed.
      for (const output of [result.text, result.json]) {
        expect(output).not.toContain(MOCK_SECRET_MARKER);
        for (const secret of secrets) expect(output.includes(secret)).toBe(false);
      }
    }
  });

  it('data services and images do not wait for the cluster; the critical path starts with what must wait', () => {
    const plan = prod.plan;
    const nodes = plan.resources.map((r) => ({ urn: r.urn, minutes: r.minutes, dependsOn: r.waitsOn }));
    const cluster = ofType(plan, T.managedCluster)[0];
    const independent = [
      ...ofType(plan, T.postgresServer), ...ofType(plan, T.redisEnterprise), ...ofType(plan, T.vault),
      ...ofType(plan, 'docker-build:index:Image'),
    ];
    expect(independent.length).toBeGreaterThanOrEqual(6);
    for (const resource of independent) {
      expect({ name: resource.name, waitsForCluster: ancestors(resource.urn, nodes).has(cluster.urn) }).toEqual({ name: resource.name, waitsForCluster: false });
      expect(resource.startMinute).toBeLessThan(cluster.finishMinute);
    }
    // Helm releases do wait for the cluster (through the Kubernetes provider) and for their image.
    for (const release of ofType(plan, T.helmRelease)) {
      expect(ancestors(release.urn, nodes).has(cluster.urn)).toBe(true);
      expect(release.startMinute).toBeGreaterThanOrEqual(cluster.finishMinute);
    }
    const steps = plan.criticalPath.steps;
    expect(steps[steps.length - 1].finishMinute).toBe(plan.criticalPath.totalMinutes);
    for (let i = 1; i < steps.length; i++) expect(steps[i].startMinute).toBeCloseTo(steps[i - 1].finishMinute, 5);
  });

  it('finds violations planted through config overrides', async () => {
    const unprotected = await planStack({ stack: 'prod', clock: TEST_CLOCK, overrides: { 'aks-platform:protectStatefulResources': false, 'aks-platform:cluster.tier': 'Free' } });
    expect(unprotected.plan.blocked).toBe(true);
    expect(mandatory(unprotected.plan).sort()).toEqual([
      'aks-uptime-sla aksplat-prod-aks-aks',
      'stateful-resource-protected aksplat-prod-kv-vault',
      'stateful-resource-protected aksplat-prod-postgres-server',
      'stateful-resource-protected aksplat-prod-redis-cluster',
    ]);
    expect(unprotected.text).toContain('MANDATORY aks-uptime-sla [CKV_AZURE_170]');
    expect(unprotected.text).toContain('RESULT: blocked');
  }, TIMEOUT);

  it('reports an API server opened to the internet as a config error: validation stops it before the program runs', async () => {
    const attempt = planStack({
      stack: 'prod',
      clock: TEST_CLOCK,
      overrides: { 'aks-platform:cluster.privateCluster': false, 'aks-platform:cluster.authorizedIpRanges': ['0.0.0.0/0'] },
    });
    await expect(attempt).rejects.toThrow(PlanFailure);
    await expect(attempt).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('aks-platform:cluster.authorizedIpRanges') });
  }, TIMEOUT);

  it('finds a registry admin user planted past the config (a raw resource under the offline engine)', async () => {
    // Config has no key for it and the ContainerRegistry component always turns it off,
    // so the violation is planted with a bare azure-native resource.
    const recorder = installMocks({ stack: 'prod' });
    // Submodules, not the package root (whose typings are 5,000 files for tsc).
    const containerregistry = await import('@pulumi/azure-native/containerregistry');
    const resources = await import('@pulumi/azure-native/resources');
    const tags = { environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1', 'managed-by': 'pulumi' };
    const rg = new resources.ResourceGroup('rg', { resourceGroupName: 'rg-x', tags });
    new containerregistry.Registry('acr', {
      resourceGroupName: rg.name, registryName: 'crx', sku: { name: 'Premium' }, adminUserEnabled: true, anonymousPullEnabled: false,
      publicNetworkAccess: 'Disabled', zoneRedundancy: 'Enabled', policies: { retentionPolicy: { status: 'enabled', days: 7 } }, tags,
    });
    await settle();
    const run = { stack: 'prod', resources: recorder.resources, outputs: { password: { value: pulumi.secret('x'), secret: true } } };
    const plan = buildPlan(run);
    expect(mandatory(plan)).toEqual(['acr-admin-user-disabled acr', 'data-service-private-endpoint acr', 'data-service-diagnostics acr']);
    expect(renderPlan(plan, run).text).toContain('MANDATORY acr-admin-user-disabled [CKV_AZURE_137] on containerregistry:Registry acr (adminUserEnabled)');
  });
});

describe('secret redaction', () => {
  it('treats strings found only inside secrets as secret and masks them, including JSON-escaped forms', () => {
    const resource = {
      inputs: { registries: secretValue([{ address: 'cr1.azurecr.io', password: 'p@ss"word' }]), loginServer: 'cr1.azurecr.io' },
      state: { result: secretValue('generated-password') },
    } as unknown as RecordedResource;
    const secrets = secretStrings({ stack: 'prod', resources: [resource], outputs: { kubeconfig: { value: 'apiVersion: v1', secret: true } } });
    expect([...secrets].sort()).toEqual(['apiVersion: v1', 'generated-password', 'p@ss"word']);
    expect(redact('login cr1.azurecr.io pw generated-password', secrets)).toBe(`login cr1.azurecr.io pw ${MASK}`);
    expect(redact(JSON.stringify({ pw: 'p@ss"word' }), secrets)).toBe(`{"pw":"${MASK}"}`);
  });
});
