/**
 * The test suite keeps its checks and its budget (README "Testing"): jest and
 * the apps' build lane only transpile, so every test file and app source file
 * must belong to a strict tsc project that `npm test` (scripts/test.sh) runs;
 * tests must not pull the whole azure-native typings into tsc, nor tests or the library the Kubernetes or
 * Grafana SDK's (submodules only); the budget the README states is the one scripts/test.sh enforces.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const testSh = read('scripts/test.sh');

/** A function of scripts/test.sh, as it is written there. */
function shellFunction(name: string): string {
  const body = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?^\\}$`, 'm').exec(testSh)?.[0];
  if (!body) throw new Error(`scripts/test.sh has no function ${name}`);
  return body;
}

/** tsconfig paths that scripts/test.sh passes to tsc (its code, not its comments). */
function tscProjects(): string[] {
  const code = testSh
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  const projects = [...code.matchAll(/(?:^|\s)((?:[\w.-]+\/)*tsconfig[\w.]*\.json)\b/g)].map((m) => m[1]);
  return [...new Set(projects)].sort();
}

/** The workspaces of the root package.json. */
function workspaces(): string[] {
  return (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
}

function filesUnder(dir: string, match: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : filesUnder(file, match);
    return match.test(e.name) ? [file] : [];
  });
}

/** A tsconfig as tsc reads it (extends, include/exclude expanded to its root files), by TypeScript's own parser. */
function parseTsconfig(config: string): ts.ParsedCommandLine {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${config}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, config), undefined, host);
  if (!parsed) throw new Error(`${config}: not readable`);
  return parsed;
}

describe('npm test type-checks every app source and test file once, strictly', () => {
  const projects = tscProjects();
  const parsed = new Map(projects.map((p) => [p, parseTsconfig(p)]));
  const checked = new Set([...parsed.values()].flatMap((p) => p.fileNames.map((f) => path.resolve(f))));
  const rel = (files: string[]) => files.map((f) => path.relative(root, path.resolve(f))).sort();

  it('runs the root project (test/**), the apps\' program and the frontend\'s', () => {
    expect(projects).toEqual(expect.arrayContaining(['tsconfig.json', 'apps/tsconfig.json', 'apps/frontend/tsconfig.json']));
    const rootConfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    expect(rootConfig.include).toContain('test/**/*.ts');
  });

  it('covers every file of each workspace tsconfig (the sources `npm run build` compiles)', () => {
    const missing = workspaces().flatMap((ws) => {
      const config = `${ws}/tsconfig.json`;
      if (!existsSync(path.join(root, config))) return [];
      return parseTsconfig(config).fileNames.filter((f) => !checked.has(path.resolve(f)));
    });
    expect(rel(missing)).toEqual([]);
  });

  it('covers every TypeScript file of each workspace\'s tests, test kit and bench', () => {
    const files = workspaces().flatMap((ws) => ['test', 'test-support', 'bench'].flatMap((dir) => filesUnder(path.join(root, ws, dir), /\.tsx?$/)));
    expect(files.length).toBeGreaterThan(30);
    expect(rel(files.filter((f) => !checked.has(path.resolve(f))))).toEqual([]);
  });

  it('checks with strict and the unused/implicit-return/fallthrough checks on in every project', () => {
    const loose = projects.flatMap((p) => {
      const o = parsed.get(p)!.options;
      const off = (['strict', 'noUnusedLocals', 'noUnusedParameters', 'noImplicitReturns', 'noFallthroughCasesInSwitch'] as const).filter((k) => o[k] !== true);
      return off.map((k) => `${p}: ${k}`);
    });
    expect(loose).toEqual([]);
  });

  it('lets jest only transpile (SWC), so tsc is the one type-check', () => {
    const config = read('jest.config.js');
    expect(config).toContain("'@swc/jest'");
    expect(config).not.toContain('ts-jest');
  });
});

describe('tests stay cheap for tsc', () => {
  /** The TypeScript files under `dirs` that import (statically or dynamically) one of `modules`, relative to the root. */
  const importersOf = (dirs: string[], modules: string[]): string[] => {
    const imports = new RegExp(`(?:from |import\\()\\s*'(?:${modules.map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})'`);
    return dirs
      .flatMap((dir) => filesUnder(path.join(root, dir), /\.tsx?$/))
      .filter((file) => imports.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
  };

  it('import azure-native submodules, never the package root (5,000 typing files)', () => {
    expect(importersOf(['test', 'offline'], ['@pulumi/azure-native'])).toEqual([]);
  });

  it('import the Kubernetes and Grafana SDKs by submodule in the library, tests and offline harness (their roots: ~750 typing files)', () => {
    // The package roots, and helm/v3's index, whose Chart typings import yaml's, which import every API group.
    const roots = ['@pulumi/kubernetes', '@pulumi/kubernetes/helm/v3', '@pulumiverse/grafana'];
    expect(importersOf(['components', 'lib', 'config', 'test', 'offline'], roots)).toEqual([]);
  });
});

describe('the profile (TEST_PROFILE_DIR)', () => {

  it("gives each phase its own CPU seconds, not those of a background phase that ended meanwhile", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'suite-profile-'));
    try {
      // "busy" burns ~0.5 CPU-s in the background; "idle" waits until the shell has reaped it.
      const burn = 'let x = 0; while (process.cpuUsage().user < 500000) for (let i = 0; i < 1e6; i++) x += i;';
      const script = [
        'set -euo pipefail',
        `LOGS=${dir} PROFILE_DIR=${dir}`,
        shellFunction('timed'),
        shellFunction('record'),
        `timed busy node -e '${burn}' &`,
        'busy=$!',
        'timed idle bash -c "while kill -0 $busy 2>/dev/null; do sleep 0.05; done"',
        'record idle 0',
        'wait "$busy"',
        'record busy 0',
      ].join('\n');
      const res = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
      const phases = Object.fromEntries(
        readFileSync(path.join(dir, 'phases.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { phase: string; user: number; sys: number })
          .map((p) => [p.phase, p.user + p.sys]),
      );
      expect(phases.busy).toBeGreaterThanOrEqual(0.5);
      expect(phases.idle).toBeLessThan(0.3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the budget', () => {
  it('is the same in the README and in scripts/test.sh, which fails a CI run over twice the budget', () => {
    const budget = /BUDGET="\$\{TEST_BUDGET_SECONDS:-(\d+)\}"/.exec(testSh)?.[1];
    expect(budget).toBeDefined();
    expect(read('README.md')).toContain(`budget of **${budget} s**`);
    expect(testSh).toMatch(/\$elapsed" -gt \$\(\(MARGIN \* BUDGET\)\)/);
    expect(testSh).toMatch(/then MARGIN=2; WORKERS=3; else MARGIN=3; WORKERS=2; fi/);
    expect(testSh).toMatch(/CI:-\}" = "true"[\s\S]*status=1/);
  });

  it.each([
    ['a machine-wide NODE_EXTRA_CA_CERTS is kept aside for npm', { NODE_EXTRA_CA_CERTS: '/etc/ca.pem' }, { extra: '', kept: '/etc/ca.pem' }],
    ['none set: nothing changes', {}, { extra: '', kept: '' }],
  ])("starts the suite's Node processes without NODE_EXTRA_CA_CERTS (loopback_only): %s", (_case, env, expected) => {
    const script = `${shellFunction('loopback_only')}\nloopback_only\nprintf '%s|%s' "\${NODE_EXTRA_CA_CERTS:-}" "\${AKS_PLATFORM_NODE_EXTRA_CA_CERTS:-}"`;
    const base = { ...process.env };
    delete base.NODE_EXTRA_CA_CERTS;
    delete base.AKS_PLATFORM_NODE_EXTRA_CA_CERTS;
    const run = spawnSync('bash', ['-c', script], { env: { ...base, ...env }, encoding: 'utf8' });
    const [extra, kept] = run.stdout.split('|');
    expect({ extra, kept }).toEqual(expected);
    expect(testSh).toMatch(/^loopback_only$/m);
  });

  it("runs jest with two workers on a first run and three once tsc's build info exists; a caller's JEST_MAX_WORKERS wins", () => {
    expect(testSh).toMatch(/if \[ -f "\$TSC_CACHE\/root\.tsbuildinfo" \]; then MARGIN=2; WORKERS=3; else MARGIN=3; WORKERS=2; fi/);
    expect(testSh).toContain('export JEST_MAX_WORKERS="${JEST_MAX_WORKERS:-$WORKERS}"');
    const configWith = (workers: string | undefined): unknown => {
      const saved = process.env.JEST_MAX_WORKERS;
      if (workers === undefined) delete process.env.JEST_MAX_WORKERS;
      else process.env.JEST_MAX_WORKERS = workers;
      let maxWorkers: unknown;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        jest.isolateModules(() => ({ maxWorkers } = require('../jest.config.js') as { maxWorkers: unknown }));
      } finally {
        if (saved === undefined) delete process.env.JEST_MAX_WORKERS;
        else process.env.JEST_MAX_WORKERS = saved;
      }
      return maxWorkers;
    };
    expect(configWith('3')).toBe('3');
    expect(configWith(undefined)).toBe(2);
  });
});
