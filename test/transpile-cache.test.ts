/**
 * The require hook's cache of compiled files (transpiler's `cacheDir` in scripts/swc-options.cjs;
 * `npm start`'s hook, scripts/local/ts-hook.cjs, keeps it in node_modules/.cache/aks-platform-ts-hook),
 * on a throwaway cache, with SWC behind a counter (each `transpiler()` stands for a new process):
 *  - a file is compiled once; the next process reads the entry, the same code;
 *  - an edited file, or the same source at another path, is compiled again (an entry of its own);
 *  - pruning removes what no process has used for a week, and a read counts as a use.
 * test/launcher.test.ts runs the hook itself (every process `npm start` starts goes through it).
 */
import { readdirSync, statSync, utimesSync } from 'fs';
import * as path from 'path';
import { tempDir } from '../apps/common/test-support/temp-dir';

type Transpile = (source: string, filename: string) => string;
const { pruneTranspileCache, swcOptions, transpiler } = require('../scripts/swc-options.cjs') as {
  pruneTranspileCache(dir: string, unusedDays?: number, now?: number): number;
  swcOptions(opts?: { sourceMaps?: boolean | 'inline' }): object;
  transpiler(options: object, cache?: { cacheDir?: string; compile?: Transpile }): Transpile;
};

const DAY = 24 * 3600 * 1000;
const OPTIONS = swcOptions();
let cache: string;
let compiled: string[];
const swc = transpiler(OPTIONS);
/** A new process's transpiler on the test's cache, SWC counted. */
const newProcess = () =>
  transpiler(OPTIONS, {
    cacheDir: cache,
    compile: (source, filename) => {
      compiled.push(filename);
      return swc(source, filename);
    },
  });

function entries(): string[] {
  return readdirSync(cache).flatMap((shard) => readdirSync(path.join(cache, shard)).map((e) => path.join(cache, shard, e)));
}

beforeEach(() => {
  cache = path.join(tempDir('transpile-cache-'), 'cache');
  compiled = [];
});

test('a file is compiled once, then read from its entry by the next process; an edit, or another path, compiles again', () => {
  const one = 'const value: number = 1;\nexport { value };\n';
  const code = newProcess()(one, '/repo/value.ts');
  expect(code).toContain('const value = 1;');
  expect(code).toContain('Object.defineProperty(exports, "value"');
  expect(newProcess()(one, '/repo/value.ts')).toBe(code);
  expect(compiled).toEqual(['/repo/value.ts']);
  expect(entries()).toHaveLength(1);

  expect(newProcess()('export const value: string = "two";\n', '/repo/value.ts')).toContain('"two"');
  expect(newProcess()(one, '/repo/other.ts')).toBe(code);
  expect(compiled).toEqual(['/repo/value.ts', '/repo/value.ts', '/repo/other.ts']);
  expect(entries()).toHaveLength(3);

  // Without a cache directory every call compiles.
  const uncached = transpiler(OPTIONS, { compile: (source, filename) => (compiled.push(filename), swc(source, filename)) });
  uncached(one, '/repo/value.ts');
  expect(compiled).toHaveLength(4);
});

test('pruning removes the entries no process has read or written for a week; a read keeps one', () => {
  newProcess()('export const a = 1;\n', '/repo/a.ts');
  newProcess()('export const b = 2;\n', '/repo/b.ts');
  const old = new Date(Date.now() - 8 * DAY);
  for (const entry of entries()) utimesSync(entry, old, old);
  newProcess()('export const a = 1;\n', '/repo/a.ts'); // read: used again today
  expect(compiled).toEqual(['/repo/a.ts', '/repo/b.ts']);

  const used = entries().filter((e) => statSync(e).mtimeMs > Date.now() - DAY);
  expect(used).toHaveLength(1);
  expect(pruneTranspileCache(cache)).toBe(1);
  expect(entries()).toEqual(used);
  expect(pruneTranspileCache(cache, 7, Date.now() + 8 * DAY)).toBe(1);
  expect(entries()).toEqual([]);
  expect(pruneTranspileCache(path.join(cache, 'no-such-cache'))).toBe(0);
});
