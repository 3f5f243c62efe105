/**
 * The `npm run plan` command line: argument parsing (pure) and, in a child
 * process, the exit codes a PR check relies on.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseOverride, parsePlanArgs, UsageError } from '../../plan/args';
import type { Plan } from '../../plan/build';

const ROOT = path.join(__dirname, '..', '..');

function runCli(args: string[]) {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const res = spawnSync(tsx, ['plan/cli.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
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
  it('exits 1 on a mandatory finding (JSON on stdout) and 2 on an invalid config (error on stderr)', () => {
    const blocked = runCli(['prod', '--json', '--set', 'aks-platform:cluster.tier=Free']);
    expect({ code: blocked.code, stderr: blocked.stderr }).toEqual({ code: 1, stderr: '' });
    const plan = JSON.parse(blocked.stdout) as Plan;
    expect(plan.blocked).toBe(true);
    expect(plan.findings.filter((f) => f.level === 'mandatory').map((f) => f.ruleId)).toEqual(['aks-uptime-sla']);

    const invalid = runCli(['prod', '--set', 'aks-platform:cluster.privateCluster=false']);
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('Invalid stack configuration');
    expect(invalid.stderr).toContain('aks-platform:cluster.authorizedIpRanges');
  }, 240_000);
});
