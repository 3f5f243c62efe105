/**
 * The source-based Pulumi package (PulumiPlugin.yaml, provider/): the
 * `PlatformStack` facade under the offline engine with the dev stack's values,
 * and the options the provider host serves it with. The schema Pulumi infers
 * for other languages: test/provider-schema.test.ts.
 *
 * The facade with the dev values is built once for the jest run, on the
 * program-run server and cached with its runs (offline/run-stack.ts, `facade`);
 * the constructions it refuses run here.
 */
import { installMocks } from '../offline/mocks';
import { runStack, type StackRun } from '../offline/run-stack';
import { readStackConfig } from '../offline/stack-config';
import { platformStackArgs } from '../offline/platform-stack-run';
import { CONFIG_NAMESPACE, StackConfigInput } from '../config/schema';
import { ConfigValidationError, parseStackConfig } from '../config/validate';
import type { PlatformStackArgs, PlatformStackConfigArgs } from '../provider/platform-stack';
import { componentNames, packageOptions } from '../provider/package-options';

/**
 * Compile-time guard: the facade's args (without the program-computed fields)
 * are a valid input of the stack-config schema. A field whose type drifts from
 * the schema (a renamed key, a new enum value on one side) fails `tsc`.
 */
const asSchemaInput = (args: PlatformStackConfigArgs): StackConfigInput => args;
/** Every top-level config key has a facade field (the reverse direction). */
export type EveryConfigKeyHasAnArg = [Exclude<keyof StackConfigInput, keyof PlatformStackConfigArgs>] extends [never] ? true : never;
export const everyConfigKeyHasAnArg: EveryConfigKeyHasAnArg = true;

/** The `aks-platform:*` values of a stack file, parsed the way Pulumi hands them to the program (what the facade run passes it). */
function configValues(stack: string, overrides: Record<string, unknown> = {}): PlatformStackConfigArgs {
  return platformStackArgs(readStackConfig(stack, overrides).values);
}

describe('PlatformStack under the offline engine', () => {
  let run: StackRun;
  let PlatformStack: typeof import('../provider/platform-stack').PlatformStack;

  beforeAll(async () => {
    // What the facade run gets (`new PlatformStack('platform', args)`, offline/platform-stack-run.ts).
    const args: PlatformStackArgs = configValues('dev');
    asSchemaInput(args);
    run = await runStack('dev', { facade: true });
    ({ PlatformStack } = await import('../provider/platform-stack'));
    // The server makes runs one after another, and may have others' to make first.
  }, 60_000);

  it('is what the host serves: the identity and component names the schema is inferred from (provider/package-options.ts)', async () => {
    const { hostOptions } = await import('../provider/host-options');
    expect(hostOptions).toMatchObject(packageOptions);
    expect(hostOptions.components.map((c) => c.name)).toEqual(componentNames);
    expect(hostOptions.components).toEqual([PlatformStack]);
  });

  it('registers the whole platform under the facade', () => {
    const byType: Record<string, number> = {};
    for (const r of run.recorder.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
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

  it('resolves the same outputs as the program, the kubeconfig as a secret', () => {
    const { outputs } = run;
    expect(outputs.resourceGroupName).toEqual({ value: 'rg-aksplat-dev-weu', secret: false });
    expect(outputs.clusterName).toEqual({ value: 'aks-aksplat-dev-weu', secret: false });
    expect(String(outputs.registryLoginServer.value)).toMatch(/^craksplat.*\.azurecr\.io$/);
    const kubeconfig = outputs.kubeconfig;
    expect(kubeconfig.secret).toBe(true);
    expect(String(kubeconfig.value)).toContain('kubelogin');
    const images = outputs.images.value as Record<string, string>;
    expect(Object.keys(images).sort()).toEqual(['agent', 'api', 'frontend']);
    for (const ref of Object.values(images)) expect(ref).toMatch(/\.azurecr\.io\/.+@sha256:[0-9a-f]{64}$/);
    expect(Object.keys(outputs.releases.value as Record<string, unknown>).sort()).toEqual(['agent', 'api', 'frontend']);
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
