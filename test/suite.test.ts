/**
 * The test suite keeps its checks and its budget (README "Testing"): jest and
 * the apps' build lane only transpile, so every test file and app source file
 * must belong to a strict tsc project that `npm test` (scripts/test.sh) runs;
 * tests must not pull the whole azure-native typings into tsc; the budget the README states is the one scripts/test.sh enforces.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const testSh = read('scripts/test.sh');

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
  it('import azure-native submodules, never the package root (5,000 typing files)', () => {
    const offenders = [...filesUnder(path.join(root, 'test'), /\.tsx?$/), ...filesUnder(path.join(root, 'offline'), /\.ts$/)]
      .filter((file) => /(?:from |import\()\s*'@pulumi\/azure-native'/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });
});

describe('the budget', () => {
  it('is the same in the README and in scripts/test.sh, which fails a CI run over twice the budget', () => {
    const budget = /BUDGET="\$\{TEST_BUDGET_SECONDS:-(\d+)\}"/.exec(testSh)?.[1];
    expect(budget).toBeDefined();
    expect(read('README.md')).toContain(`budget of **${budget} s**`);
    expect(testSh).toMatch(/\$elapsed" -gt \$\(\(MARGIN \* BUDGET\)\)/);
    expect(testSh).toMatch(/then MARGIN=2; else MARGIN=3; fi/);
    expect(testSh).toMatch(/CI:-\}" = "true"[\s\S]*status=1/);
  });
});
