/**
 * The order jest starts test files in (test/support/sequencer.js): long files first, from
 * jest's record of the last run or, with none (a fresh clone, CI), from
 * test/support/test-durations.json; and that table names only test files jest runs, in the
 * shape `npm run test:profile -- --write-durations` writes.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { durationTable } from '../scripts/test-profile';

const ROOT = path.resolve(__dirname, '..');

interface Table {
  minSeconds: number;
  seconds: Record<string, number>;
}

/** What the sequencer reads of a jest Test. */
interface FakeTest {
  path: string;
  context: { config: { cache: boolean }; hasteFS: { getSize(file: string): number | null } };
}

interface Sequencer {
  sort(tests: FakeTest[]): FakeTest[];
  _cache: Map<unknown, Record<string, [number, number]>>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const DurationSequencer = require('./support/sequencer') as new (options: { table?: Table }) => Sequencer;

const table = JSON.parse(readFileSync(path.join(ROOT, 'test/support/test-durations.json'), 'utf8')) as Table & { measured: string };

describe('test/support/test-durations.json', () => {
  it('names only test files that jest runs (a renamed or deleted file must leave the table)', () => {
    const notRun = Object.keys(table.seconds).filter(
      (file) => !existsSync(path.join(ROOT, file)) || !(/^test\/.*\.test\.ts$/.test(file) || /^apps\/[^/]+\/test\/.*\.test\.ts$/.test(file)),
    );
    expect(notRun).toEqual([]);
  });

  it('has the shape --write-durations writes: files of minSeconds or more, longest first, and where it was measured', () => {
    const values = Object.values(table.seconds);
    expect(table.minSeconds).toBeGreaterThan(0);
    expect(values.every((s) => s >= table.minSeconds)).toBe(true);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(table.measured).toMatch(/^\d{4}-\d{2}-\d{2}, commit [0-9a-f]+, \d+ cores, run /);
  });

  it('is written from a jest report by npm run test:profile -- --write-durations', () => {
    const t0 = 1_000_000;
    const result = (file: string, seconds: number) => ({ name: path.join(ROOT, file), startTime: t0, endTime: t0 + seconds * 1000, status: 'passed', assertionResults: [] });
    const written = durationTable({ testResults: [result('test/a.test.ts', 3.04), result('apps/api/test/b.test.ts', 40.26), result('test/c.test.ts', 1.9)] }, ROOT, 'then', 2);
    expect(written.seconds).toEqual({ 'apps/api/test/b.test.ts': 40.3, 'test/a.test.ts': 3 });
    expect(Object.keys(written.seconds)).toEqual(['apps/api/test/b.test.ts', 'test/a.test.ts']);
    expect(written.minSeconds).toBe(2);
  });

  it('is the sequencer of both projects (jest.config.js)', () => {
    const config = require('../jest.config.js') as { testSequencer?: string; projects: Array<{ testSequencer?: string }> };
    expect(config.testSequencer).toBe('<rootDir>/test/support/sequencer.js');
  });
});

describe('the sequencer', () => {
  const sizes: Record<string, number> = {};
  const context = { config: { cache: false }, hasteFS: { getSize: (file: string) => sizes[file] ?? null } };
  const test = (file: string, size = 100): FakeTest => {
    sizes[path.join(ROOT, file)] = size;
    return { path: path.join(ROOT, file), context };
  };
  const order = (seq: Sequencer, tests: FakeTest[]) => seq.sort([...tests]).map((t) => path.relative(ROOT, t.path));
  const t = { minSeconds: 2, seconds: { 'test/long.test.ts': 40, 'test/mid.test.ts': 10, 'apps/api/test/app.test.ts': 20 } };

  it('with no jest cache (a fresh clone): the table, longest first, then the unlisted files by size', () => {
    const tests = [test('test/small.test.ts', 10), test('test/mid.test.ts'), test('test/big.test.ts', 5000), test('apps/api/test/app.test.ts'), test('test/long.test.ts')];
    expect(order(new DurationSequencer({ table: t }), tests)).toEqual([
      'test/long.test.ts',
      'apps/api/test/app.test.ts',
      'test/mid.test.ts',
      'test/big.test.ts',
      'test/small.test.ts',
    ]);
  });

  it("prefers jest's record of the last run, and starts a file that failed then first", () => {
    const tests = [test('test/mid.test.ts'), test('test/long.test.ts'), test('apps/api/test/app.test.ts'), test('test/new.test.ts')];
    const seq = new DurationSequencer({ table: t });
    // jest's cache: [status (0 failed, 1 passed), milliseconds]
    seq._cache.set(context, {
      [path.join(ROOT, 'test/long.test.ts')]: [1, 1_000],
      [path.join(ROOT, 'test/new.test.ts')]: [1, 60_000],
      [path.join(ROOT, 'test/mid.test.ts')]: [0, 500],
    });
    expect(order(seq, tests)).toEqual(['test/mid.test.ts', 'test/new.test.ts', 'apps/api/test/app.test.ts', 'test/long.test.ts']);
  });

  it('reads the checked-in table by default', () => {
    const listed = Object.keys(table.seconds);
    const first = listed[0];
    const tests = [test('test/not-listed.test.ts', 1e9), ...listed.slice(1, 4).map((f) => test(f)), test(first)];
    expect(order(new DurationSequencer({}), tests)).toEqual([first, ...listed.slice(1, 4), 'test/not-listed.test.ts']);
  });
});
