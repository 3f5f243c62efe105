/**
 * The policy pack as the Pulumi CLI runs it: `@pulumi/pulumi/cmd/run-policy-pack`
 * started in policy/ (what `pulumi preview --policy-pack policy` does), then
 * driven over the analyzer gRPC protocol the CLI speaks. Proves that the pack
 * loads (PulumiPolicy.yaml, package.json, TypeScript via the runner's ts-node)
 * and that enforcement levels follow the stack in the URN.
 *
 * Plus the adapter logic (policies.ts) called directly, which is fast.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { UnknownValueError } from '@pulumi/policy';
import { policiesFor, viewFromPolicyResource } from '../../policy/policies';
import { RULES, T } from '../../policy/rules';
import { acrPull, cluster, registry, vault, view } from './fixtures';
import { planStack } from '../../plan/plan';
import { unwrapSecrets } from '../../offline/recorded';
import { cacheDir, cacheEnabled } from '../../offline/input-cache';
import { pinnedTypeToken } from '../../lib/azure-api-versions';
import { TEST_CLOCK } from '../support/clock';
/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerRpc = require('@pulumi/pulumi/proto/analyzer_grpc_pb');
const analyzerPb = require('@pulumi/pulumi/proto/analyzer_pb');
const emptyPb = require('google-protobuf/google/protobuf/empty_pb');
const structPb = require('google-protobuf/google/protobuf/struct_pb');
const { unknownCheckingProxy, unknownStringValue } = require('@pulumi/policy/proxy') as { unknownCheckingProxy<X extends object>(o: X): X; unknownStringValue: unknown };
/* eslint-enable @typescript-eslint/no-require-imports */

const POLICY_DIR = path.join(__dirname, '..', '..', 'policy');
const LAZY_SDK_MODULES = path.join(__dirname, '..', 'support', 'lazy', 'register.cjs');
/**
 * The runner's ts-node (the SDK's vendored 7.0.1) keeps each file it compiled, after type-checking
 * it, in a cache keyed by the file's text; left alone, in the system's temp directory, shared by
 * every clone of the machine and never pruned, and its entries carry source maps into the clone
 * that wrote them. Here it is kept with the clone's other caches (a fresh clone, as in CI, starts
 * empty; `TEST_CACHE=off` turns it off). Measured, the runner's start-up to its port: 8.3-8.6
 * CPU-s with no entries (TypeScript checks the pack), 1.2 with them.
 */
const TS_NODE_CACHE = cacheDir('aks-platform-ts-node');

function resourceArgs(type: string, name: string, props: Record<string, unknown>, stack: string, protect = false): ResourceValidationArgs {
  return {
    type, name, props, urn: `urn:pulumi:${stack}::aks-platform::${type}::${name}`,
    opts: { protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => { throw new Error(reason); },
  };
}

function runResourcePolicies(args: ResourceValidationArgs): { policy: string; level: string; message: string }[] {
  const reported: { policy: string; level: string; message: string }[] = [];
  for (const policy of policiesFor()) {
    const validate = (policy as ResourceValidationPolicy).validateResource;
    if (!validate || Array.isArray(validate)) continue;
    void validate(args, (message) => reported.push({ policy: policy.name, level: policy.enforcementLevel ?? '', message }));
  }
  return reported;
}

describe('policy pack adapter', () => {
  it('registers one mandatory policy per rule and an advisory companion only where a rule can be advisory', () => {
    const policies = policiesFor();
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of RULES) {
      expect(policies.find((p) => p.name === rule.id)?.enforcementLevel).toBe('mandatory');
      const companion = policies.find((p) => p.name === `${rule.id}-advisory`);
      expect(companion?.enforcementLevel).toBe(rule.devAdvisory || rule.advisoryCase ? 'advisory' : undefined);
    }
  });

  it('reports a prod violation as mandatory and the same violation in dev as advisory with the reason', () => {
    const props = registry({ publicNetworkAccess: 'Enabled' });
    const prod = runResourcePolicies(resourceArgs(T.registry, 'acr', props, 'prod'));
    const dev = runResourcePolicies(resourceArgs(T.registry, 'acr', props, 'dev'));
    expect(prod).toEqual([expect.objectContaining({ policy: 'acr-public-network-disabled', level: 'mandatory' })]);
    expect(dev).toEqual([expect.objectContaining({ policy: 'acr-public-network-disabled-advisory', level: 'advisory' })]);
    expect(dev[0].message).toContain('Advisory: advisory in dev: dev uses a Basic/Standard registry');
    expect(prod[0].message).toContain('[CKV_AZURE_139]');
  });

  it('applies the registry rules to a registry registered on its pinned API version (parameterized token)', () => {
    const token = pinnedTypeToken(T.registry);
    expect(token).toBe('azure-native_containerregistry_v20251101:containerregistry:Registry');
    const found = runResourcePolicies(resourceArgs(token, 'acr', registry({ adminUserEnabled: true }), 'prod'));
    expect(found.map((f) => f.policy)).toContain('acr-admin-user-disabled');
    expect(found.map((f) => f.policy)).toEqual(runResourcePolicies(resourceArgs(T.registry, 'acr', registry({ adminUserEnabled: true }), 'prod')).map((f) => f.policy));
  });

  it('reads the protect option', () => {
    const unprotected = runResourcePolicies(resourceArgs(T.vault, 'kv', vault(), 'prod', false));
    const protectedVault = runResourcePolicies(resourceArgs(T.vault, 'kv', vault(), 'prod', true));
    expect(unprotected.map((r) => r.policy)).toEqual(['stateful-resource-protected']);
    expect(protectedVault).toEqual([]);
  });

  it('reads a resource\'s id under validateStack as unknown when it is not known yet (preview), and fails on any other error', () => {
    const resource = (props: Record<string, unknown>) => ({
      type: T.registry, name: 'acr', urn: `urn:pulumi:prod::aks-platform::${T.registry}::acr`, props,
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [], propertyDependencies: {},
    });
    expect(viewFromPolicyResource(resource({ id: '/subscriptions/s/x' })).id).toBe('/subscriptions/s/x');
    // What the runner hands a policy during a preview: its proxy throws UnknownValueError on reading an unknown.
    const unknownId = unknownCheckingProxy({ sku: { name: 'Premium' }, id: unknownStringValue });
    expect(() => unknownId.id).toThrow(UnknownValueError);
    expect(viewFromPolicyResource(resource(unknownId)).id).toBeUndefined();
    const broken = Object.defineProperty({}, 'id', { enumerable: true, get: () => { throw new Error('broken'); } });
    expect(() => viewFromPolicyResource(resource(broken))).toThrow('broken');
  });

  it('runs cross-resource rules in validateStack with dependencies', () => {
    const clusterView = view(T.managedCluster, 'aks', cluster());
    const registryView = view(T.registry, 'acr', registry());
    const grant = acrPull(clusterView, registryView);
    const toPolicyResource = (v: typeof clusterView, deps: PolicyResource[] = []): PolicyResource => ({
      type: v.type, name: v.name, urn: v.urn, props: v.props,
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: deps, propertyDependencies: {}, isType: () => false, asType: () => undefined,
    });
    const c = toPolicyResource(clusterView);
    const r = toPolicyResource(registryView);
    const policy = policiesFor().find((p) => p.name === 'aks-acr-pull-kubelet-identity') as StackValidationPolicy;
    const run = (resources: PolicyResource[]) => {
      const reported: string[] = [];
      void policy.validateStack({ resources, stackTags: new Map(), getConfig: <X extends object>() => ({}) as X, notApplicable: (): never => { throw new Error(); } }, (m) => reported.push(m));
      return reported;
    };
    expect(run([c, r, toPolicyResource(grant, [c, r])])).toEqual([]);
    expect(run([c, r])).toEqual([expect.stringContaining('no authorization:RoleAssignment grants AcrPull')]);
  });
});

/** One plan per stack and overrides for the whole file: two tests compare the pack with the same dev plan. */
const plans = new Map<string, ReturnType<typeof planStack>>();
function planOf(stack: string, overrides: Record<string, unknown> = {}): ReturnType<typeof planStack> {
  const key = JSON.stringify([stack, overrides]);
  let plan = plans.get(key);
  if (!plan) {
    plan = planStack({ stack, overrides, clock: TEST_CLOCK });
    plans.set(key, plan);
  }
  return plan;
}

describe('policy pack under the Pulumi policy runner', () => {
  let pack: ChildProcess | undefined;
  let client: { analyze: Function; getAnalyzerInfo: Function; close(): void } | undefined;
  let runnerStarted = 0;

  beforeAll(async () => {
    const runner = require.resolve('@pulumi/pulumi/cmd/run-policy-pack', { paths: [POLICY_DIR] });
    // The SDK's @npmcli/arborist (and its TypeScript shim) load only when first used
    // (test/support/lazy/register.cjs, as for the program-run server): the runner never uses
    // arborist. Everything else runs as the CLI runs it; ts-node still type-checks the pack (each
    // file its cache lacks). Measured, the runner's start-up to its port: 1.4-1.6 CPU-s without,
    // 0.9-1.1 with (three runs each).
    runnerStarted = Date.now();
    const env = { ...process.env, TS_NODE_CACHE_DIRECTORY: TS_NODE_CACHE, ...(cacheEnabled() ? {} : { TS_NODE_CACHE: 'false' }) };
    pack = spawn(process.execPath, ['--require', LAZY_SDK_MODULES, runner, '127.0.0.1:1', '.'], { cwd: POLICY_DIR, stdio: ['ignore', 'pipe', 'pipe'], env });
    let stderr = '';
    pack.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      pack?.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      pack?.on('exit', (code) => reject(new Error(`policy pack exited with ${code}: ${stderr}`)));
    });
    client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }, 90_000);

  afterAll(async () => {
    client?.close();
    // Waited for: the runner's CPU then counts in this file's (TEST_TIMINGS_FILE, npm run test:profile).
    if (pack && pack.exitCode === null && pack.signalCode === null) {
      const exited = new Promise((resolve) => pack?.once('exit', resolve));
      pack.kill();
      await exited;
    }
  });

  function call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      (client as unknown as Record<string, Function>)[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res)));
    });
  }

  async function analyze(type: string, name: string, props: Record<string, unknown>, stack: string, protect = false) {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setName(name);
    req.setUrn(`urn:pulumi:${stack}::aks-platform::${type}::${name}`);
    req.setProperties(structPb.Struct.fromJavaScript(props));
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(protect);
    req.setOptions(opts);
    const res = await call<{ getDiagnosticsList(): { getPolicyname(): string; getEnforcementlevel(): number; getMessage(): string }[] }>('analyze', req);
    return res.getDiagnosticsList().map((d) => ({
      policy: d.getPolicyname(),
      level: d.getEnforcementlevel() === analyzerPb.EnforcementLevel.MANDATORY ? 'mandatory' : 'advisory',
      message: d.getMessage(),
    }));
  }

  it('keeps what the runner compiled with the clone\'s caches (TEST_CACHE=off: nothing)', () => {
    // An entry is the compiled file with its source map inline; the map names the file compiled.
    const compiled = (existsSync(TS_NODE_CACHE) ? readdirSync(TS_NODE_CACHE, { recursive: true, encoding: 'utf8' }) : [])
      .filter((f) => f.endsWith('.js'))
      .map((f) => path.join(TS_NODE_CACHE, f))
      // With the cache off, only what this runner might have written counts.
      .filter((f) => cacheEnabled() || statSync(f).mtimeMs >= runnerStarted)
      .map((f) => /base64,([A-Za-z0-9+/=]+)\s*$/.exec(readFileSync(f, 'utf8'))?.[1])
      .map((map) => (map ? (JSON.parse(Buffer.from(map, 'base64').toString('utf8')) as { file?: string }).file : undefined));
    if (cacheEnabled()) expect(compiled).toContain(path.join(POLICY_DIR, 'index.ts'));
    else expect(compiled.filter((f) => f !== undefined && f.startsWith(POLICY_DIR))).toEqual([]);
  });

  it('serves the guardrails pack with every rule', async () => {
    const info = await call<{ getName(): string; getPoliciesList(): { getName(): string }[] }>('getAnalyzerInfo', new emptyPb.Empty());
    expect(info.getName()).toBe('aks-platform-guardrails');
    const names = info.getPoliciesList().map((p) => p.getName());
    for (const rule of RULES) expect(names).toContain(rule.id);
  });

  it('blocks an admin-enabled registry in prod and in dev', async () => {
    for (const stack of ['prod', 'dev']) {
      const diagnostics = await analyze(T.registry, 'acr', registry({ adminUserEnabled: true }), stack);
      expect(diagnostics).toEqual([expect.objectContaining({ policy: 'acr-admin-user-disabled', level: 'mandatory' })]);
    }
  });

  it.each([
    ['prod', { 'aks-platform:protectStatefulResources': false, 'aks-platform:cluster.tier': 'Free' }],
    ['dev', {}],
  ])('agrees with the offline plan on the real %s program: same resource-rule findings and levels, per resource', async (stack, overrides) => {
    const { plan, run } = await planOf(stack, overrides);
    const resourceRules = new Set(RULES.filter((r) => r.scope === 'resource').map((r) => r.id));
    const fromPlan = plan.findings.filter((f) => resourceRules.has(f.ruleId)).map((f) => `${f.level} ${f.ruleId} ${f.name}`);
    const fromPack: string[] = [];
    for (const resource of run.resources.filter((r) => r.custom && r.urn !== '')) {
      const props = JSON.parse(JSON.stringify(unwrapSecrets(resource.inputs) ?? {})) as Record<string, unknown>;
      for (const d of await analyze(resource.type, resource.name, props, stack, resource.protect)) {
        fromPack.push(`${d.level} ${d.policy.replace(/-advisory$/, '')} ${resource.name}`);
      }
    }
    expect(fromPlan.length).toBeGreaterThanOrEqual(4);
    expect(fromPack.sort()).toEqual(fromPlan.sort());
  }, 120_000);

  it.each(['dev', 'prod'])('agrees with the offline plan on cross-resource rules for the real %s program (analyzeStack)', async (stack) => {
    const { plan, run } = await planOf(stack);
    const stackRules = new Set(RULES.filter((r) => r.scope === 'stack').map((r) => r.id));
    const fromPlan = plan.findings.filter((f) => stackRules.has(f.ruleId)).map((f) => `${f.level} ${f.ruleId} ${f.name}`);
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(run.resources.filter((r) => r.urn !== '').map((r) => {
      const resource = new analyzerPb.AnalyzerResource();
      resource.setType(r.type);
      resource.setName(r.name);
      resource.setUrn(r.urn);
      // validateStack sees outputs: the recorded state (inputs plus what Azure computes).
      resource.setProperties(structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(unwrapSecrets(r.state) ?? {}))));
      const opts = new analyzerPb.AnalyzerResourceOptions();
      opts.setProtect(r.protect);
      resource.setOptions(opts);
      resource.setParent(r.parent);
      resource.setDependenciesList(r.dependencies);
      const propertyDependencies = resource.getPropertydependenciesMap();
      for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        const deps = new analyzerPb.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        propertyDependencies.set(key, deps);
      }
      return resource;
    }));
    const res = await call<{ getDiagnosticsList(): { getPolicyname(): string; getEnforcementlevel(): number; getUrn(): string }[] }>('analyzeStack', req);
    const byUrn = new Map(run.resources.map((r) => [r.urn, r.name]));
    const fromPack = res.getDiagnosticsList().map((d) =>
      `${d.getEnforcementlevel() === analyzerPb.EnforcementLevel.MANDATORY ? 'mandatory' : 'advisory'} ${d.getPolicyname().replace(/-advisory$/, '')} ${byUrn.get(d.getUrn())}`);
    if (stack === 'dev') expect(fromPlan.sort()).toEqual(['advisory aks-egress-firewall aksplat-dev-aks-aks', 'advisory data-service-private-endpoint aksplat-dev-registry-acr']);
    expect(fromPack.sort()).toEqual(fromPlan.sort());
  }, 120_000);

  it('makes a dev relaxation advisory with its reason, and passes a compliant protected prod vault', async () => {
    const dev = await analyze(T.registry, 'acr', registry({ zoneRedundancy: 'Disabled' }), 'dev');
    expect(dev).toEqual([expect.objectContaining({ policy: 'acr-zone-redundancy-advisory', level: 'advisory' })]);
    expect(dev[0].message).toContain('zone redundancy needs the Premium SKU');
    expect(await analyze(T.vault, 'kv', vault(), 'prod', true)).toEqual([]);
  });
});
