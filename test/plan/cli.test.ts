/**
 * The `npm run plan` command line: argument parsing (pure), the exit codes a
 * PR check relies on through main() (in process: the program run is shared
 * with the other tests, offline/run-stack.ts), and once as a real process:
 * exit code and streams.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOverride, parsePlanArgs, USAGE, UsageError } from '../../plan/args';
import type { Plan } from '../../plan/build';
import { main } from '../../plan/cli';
import { TEST_CLOCK } from '../support/clock';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run plan` runs `tsx plan/cli.ts`; Node with tsx's loader is the same program without tsx's launcher process. */
function runCli(args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'plan/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

async function runMain(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, TEST_CLOCK);
  return { code, stdout, stderr };
}

describe('plan arguments', () => {
  it('parses the stack, --json, repeated --set with YAML values and --config-file', () => {
    expect(parsePlanArgs(['prod', '--json', '--set', 'aks-platform:cluster.tier=Free', '--set=aks-platform:cluster.authorizedIpRanges=["20.1.2.0/24"]', '--set', 'aks-platform:protectStatefulResources=false', '--config-file', 'x.yaml'])).toEqual({
      stack: 'prod',
      json: true,
      configFile: 'x.yaml',
      overrides: {
        'aks-platform:cluster.tier': 'Free',
        'aks-platform:cluster.authorizedIpRanges': ['20.1.2.0/24'],
        'aks-platform:protectStatefulResources': false,
      },
    });
    expect(parseOverride('aks-platform:postgres.storageSizeGb=512')).toEqual(['aks-platform:postgres.storageSizeGb', 512]);
  });

  it.each([
    [[], 'no stack given'],
    [['prod', 'dev'], 'unexpected argument dev'],
    [['prod', '--set', 'tier=Free'], 'is not <namespace>:<key.path>'],
    [['prod', '--set', 'aks-platform:cluster.tier'], 'expects <namespace:key.path>=<value>'],
    [['prod', '--yes'], 'unknown option --yes'],
    [['../prod'], 'stack name "../prod"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parsePlanArgs(argv)).toThrow(UsageError);
    expect(() => parsePlanArgs(argv)).toThrow(message);
  });
});

describe('plan command exit codes', () => {
  it('exits 1 on a mandatory finding, with the JSON plan on stdout', async () => {
    // The overrides (in this order) and the clock of test/plan/plan.test.ts and test/policy/pack.test.ts: one shared program run.
    const blocked = await runMain(['prod', '--json', '--set', 'aks-platform:protectStatefulResources=false', '--set', 'aks-platform:cluster.tier=Free']);
    expect({ code: blocked.code, stderr: blocked.stderr }).toEqual({ code: 1, stderr: '' });
    const plan = JSON.parse(blocked.stdout) as Plan;
    expect(plan.blocked).toBe(true);
    expect(plan.findings.filter((f) => f.level === 'mandatory').map((f) => f.ruleId).sort()).toEqual([
      'aks-uptime-sla',
      'stateful-resource-protected',
      'stateful-resource-protected',
      'stateful-resource-protected',
    ]);
  }, 120_000);

  it('exits 2 on bad usage, with the message on stderr and nothing on stdout', async () => {
    expect(await runMain(['prod', '--yes'])).toEqual({ code: 2, stdout: '', stderr: `unknown option --yes\n${USAGE}\n` });
  });

  it('as a process: exits 2 on an invalid config, with the error on stderr and nothing on stdout', () => {
    const invalid = runCli(['prod', '--set', 'aks-platform:cluster.privateCluster=false']);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('Invalid stack configuration');
    expect(invalid.stderr).toContain('aks-platform:cluster.authorizedIpRanges');
  }, 120_000);
});
