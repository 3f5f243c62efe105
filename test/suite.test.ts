/**
 * The test suite keeps its checks and its budget (README "Testing"): jest only
 * transpiles, so every test file must belong to a tsc project that `npm test`
 * (scripts/test.sh) runs; tests must not pull the whole azure-native typings
 * into tsc; the budget the README states is the one scripts/test.sh enforces.
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const testSh = read('scripts/test.sh');

/** tsconfig paths that scripts/test.sh passes to `tsc -p` (build and typecheck lanes). */
function tscProjects(): string[] {
  const projects = [...testSh.matchAll(/(?:-p|typecheck [\w-]+) (\S*tsconfig[\w.]*\.json)/g)].map((m) => m[1]);
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

describe('npm test type-checks every test file once', () => {
  it('runs the root project (test/**) and every workspace tsconfig and test tsconfig', () => {
    const expected = ['tsconfig.json'];
    for (const ws of workspaces()) {
      for (const file of [`${ws}/tsconfig.json`, `${ws}/test/tsconfig.json`]) if (existsSync(path.join(root, file))) expected.push(file);
    }
    expect(tscProjects()).toEqual(expect.arrayContaining(expected));
    const rootConfig = JSON.parse(read('tsconfig.json')) as { include: string[] };
    expect(rootConfig.include).toContain('test/**/*.ts');
  });

  it('has a test tsconfig run by npm test for every workspace that has jest tests', () => {
    const uncovered = workspaces().filter((ws) => {
      const tests = filesUnder(path.join(root, ws, 'test'), /\.test\.tsx?$/);
      return tests.length > 0 && !tscProjects().includes(`${ws}/test/tsconfig.json`);
    });
    expect(uncovered).toEqual([]);
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
    expect(testSh).toMatch(/then MARGIN=2; else MARGIN=6; fi/);
    expect(testSh).toMatch(/CI:-\}" = "true"[\s\S]*status=1/);
  });
});
