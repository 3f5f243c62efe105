/**
 * `npm run test:profile [-- <jest args>]`: runs `npm test` (scripts/test.sh)
 * and prints where the time went:
 *  - the run: wall and CPU seconds, the machine's load before and after;
 *  - each phase of scripts/test.sh (tsc projects, app builds, jest): wall and CPU;
 *  - jest per project and the 15 slowest test files;
 *  - what tests spent starting servers and tools (PostgreSQL, Redis, nginx,
 *    Chromium, helm, Pulumi program runs), recorded by the test helpers through
 *    TEST_TIMINGS_FILE (scripts/test-timings.ts, apps/common/test-support/timings.ts).
 *
 * `npm run test:profile -- --report <dir>` prints the tables of an earlier run
 * again. Each run's raw data stays in node_modules/.cache/aks-platform-test-profile/.
 *
 * `--write-durations` (with a run, or after `--report <dir>`) writes each test file's wall
 * seconds into test/support/test-durations.json, the table jest's sequencer
 * (test/support/sequencer.js) starts the long files first by on a run with no jest cache
 * (a fresh clone, CI). Write it from a full cold run: `rm -rf /tmp/jest_*` or a fresh clone.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/** One line of phases.jsonl, written by scripts/test.sh. */
interface Phase {
  phase: string;
  real: number;
  user: number;
  sys: number;
  status: number;
}

/** One line of timings.jsonl, written by the test helpers. */
interface Timing {
  what: string;
  ms: number;
  file: string;
  pid: number;
}

/** What this script itself measured around scripts/test.sh. */
interface RunInfo {
  wallSeconds: number;
  cpuSeconds?: { user: number; sys: number };
  loadBefore: number[];
  loadAfter: number[];
  cores: number;
  status: number;
  args: string[];
}

/** The parts of jest's --json report read here. */
interface JestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTotalTestSuites: number;
  startTime: number;
  testResults: Array<{ name: string; startTime: number; endTime: number; status: string; assertionResults: unknown[] }>;
}

/** User and system CPU seconds of this process's waited-for children (Linux /proc; undefined elsewhere). */
function childrenCpu(): { user: number; sys: number } | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 3 is index 0, so cutime (16) and cstime (17) are 13 and 14.
    const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
    return { user: Number(fields[13]) / ticks, sys: Number(fields[14]) / ticks };
  } catch {
    return undefined;
  }
}

function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** A plain-text table with right-aligned numbers. */
function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(1) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: Array<string | number>) => r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The per-file CPU records of the jest environments (apps/common/test-support/environment.ts). */
const FILE_CPU = 'test file CPU';

function rel(file: string): string {
  return path.relative(ROOT, file) || file;
}

/** The jest project of a test file (jest.config.js: apps/* /test → apps, test/ → infra). */
function projectOf(file: string): string {
  return rel(file).startsWith('apps/') ? 'apps' : 'infra';
}

export function report(dir: string): string {
  const out: string[] = [];
  const run = existsSync(path.join(dir, 'run.json')) ? (JSON.parse(readFileSync(path.join(dir, 'run.json'), 'utf8')) as RunInfo) : undefined;
  if (run) {
    const cpu = run.cpuSeconds ? `, CPU ${run.cpuSeconds.user.toFixed(1)} s user + ${run.cpuSeconds.sys.toFixed(1)} s sys` : '';
    out.push(`npm test${run.args.length ? ` ${run.args.join(' ')}` : ''}: ${run.wallSeconds.toFixed(1)} s wall${cpu}, exit ${run.status}`);
    out.push(`machine: ${run.cores} cores, load average ${run.loadBefore.map((l) => l.toFixed(2)).join(' ')} before, ${run.loadAfter.map((l) => l.toFixed(2)).join(' ')} after`);
  }

  const phases = readJsonLines<Phase>(path.join(dir, 'phases.jsonl'));
  if (phases.length > 0) {
    out.push('', 'Phases (build and typecheck lanes run side by side, jest after the build lane):');
    out.push(table(['phase', 'wall s', 'user s', 'sys s', 'exit'], phases.map((p) => [p.phase, p.real, p.user, p.sys, String(p.status)])));
    const tsc = phases.filter((p) => p.phase !== 'jest');
    const sum = (ps: Phase[]) => ps.reduce((a, p) => a + p.user + p.sys, 0);
    out.push(`CPU: tsc/vite ${sum(tsc).toFixed(1)} s, jest ${sum(phases.filter((p) => p.phase === 'jest')).toFixed(1)} s`);
    // The typecheck lane's own account of its CPU seconds, per project (scripts/typecheck.ts's log).
    const lane = path.join(dir, 'typecheck.log');
    if (existsSync(lane)) {
      const lines = readFileSync(lane, 'utf8').split('\n').filter((l) => /CPU s/.test(l));
      if (lines.length > 0) out.push('', 'Typecheck lane (one process, projects in turn):', ...lines.map((l) => `  ${l}`));
    }
  }

  const jestFile = path.join(dir, 'jest.json');
  if (existsSync(jestFile)) {
    const j = JSON.parse(readFileSync(jestFile, 'utf8')) as JestReport;
    const files = j.testResults.map((t) => ({ file: t.name, project: projectOf(t.name), seconds: (t.endTime - t.startTime) / 1000, tests: t.assertionResults.length, start: (t.startTime - j.startTime) / 1000, status: t.status }));
    out.push('', `Jest: ${j.numTotalTestSuites} files, ${j.numTotalTests} tests (${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests} skipped)`);
    const projects = [...new Set(files.map((f) => f.project))].sort();
    out.push(
      table(
        ['project', 'files', 'tests', 'sum of file s', 'first start s', 'last end s'],
        projects.map((p) => {
          const fs = files.filter((f) => f.project === p);
          return [p, String(fs.length), String(fs.reduce((a, f) => a + f.tests, 0)), fs.reduce((a, f) => a + f.seconds, 0), Math.min(...fs.map((f) => f.start)), Math.max(...fs.map((f) => f.start + f.seconds))];
        }),
      ),
    );
    out.push('', 'Slowest 15 test files:');
    out.push(table(['file', 'project', 'tests', 'seconds', 'started at s'], [...files].sort((a, b) => b.seconds - a.seconds).slice(0, 15).map((f) => [rel(f.file), f.project, String(f.tests), f.seconds, f.start])));
  }

  const allTimings = readJsonLines<Timing>(path.join(dir, 'timings.jsonl'));
  const cpu = allTimings.filter((t) => t.what.startsWith(FILE_CPU));
  if (cpu.length > 0) {
    const byFile = new Map<string, { worker: number; children: number }>();
    for (const t of cpu) {
      const entry = byFile.get(t.file) ?? { worker: 0, children: 0 };
      if (t.what.endsWith('(children)')) entry.children += t.ms / 1000;
      else entry.worker += t.ms / 1000;
      byFile.set(t.file, entry);
    }
    const rows = [...byFile].map(([file, c]) => ({ file: rel(file), project: projectOf(file), ...c, total: c.worker + c.children }));
    const sum = (rs: typeof rows) => rs.reduce((a, r) => a + r.total, 0);
    out.push('', `Test files by CPU seconds (worker + waited-for child processes): ${sum(rows).toFixed(1)} s in ${rows.length} files`);
    out.push(table(['project', 'files', 'CPU s'], [...new Set(rows.map((r) => r.project))].sort().map((p) => [p, String(rows.filter((r) => r.project === p).length), sum(rows.filter((r) => r.project === p))])));
    out.push('', 'Top 15 test files by CPU:');
    out.push(table(['file', 'project', 'worker s', 'children s', 'CPU s'], rows.sort((a, b) => b.total - a.total).slice(0, 15).map((r) => [r.file, r.project, r.worker, r.children, r.total])));
  }

  const timings = allTimings.filter((t) => !t.what.startsWith(FILE_CPU));
  if (timings.length > 0) {
    const kinds = [...new Set(timings.map((t) => t.what))].sort();
    out.push('', 'Starting servers and tools (recorded by the test helpers):');
    out.push(
      table(
        ['what', 'count', 'files', 'total s', 'mean ms', 'max ms'],
        kinds.map((k) => {
          const ts = timings.filter((t) => t.what === k);
          const total = ts.reduce((a, t) => a + t.ms, 0);
          return [k, String(ts.length), String(new Set(ts.map((t) => t.file)).size), total / 1000, total / ts.length, Math.max(...ts.map((t) => t.ms))];
        }),
      ),
    );
    const byFile = new Map<string, number>();
    for (const t of timings) byFile.set(t.file, (byFile.get(t.file) ?? 0) + t.ms);
    out.push('', 'Files spending the most on them:');
    out.push(table(['file', 'seconds'], [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, ms]) => [rel(f), ms / 1000])));
  }
  return out.join('\n');
}

/** test/support/test-durations.json: what the sequencer reads. */
export interface DurationTable {
  '//': string;
  measured: string;
  minSeconds: number;
  seconds: Record<string, number>;
}

export const DURATIONS_FILE = path.join(ROOT, 'test', 'support', 'test-durations.json');

/**
 * The files of a jest report (run in the checkout at `root`) that took `minSeconds` or more,
 * longest first, in seconds to one decimal, by their path from the root.
 */
export function durationTable(j: Pick<JestReport, 'testResults'>, root: string, measured: string, minSeconds = 2): DurationTable {
  const rows = j.testResults
    .map((t) => [path.relative(root, t.name).split(path.sep).join('/'), Math.round((t.endTime - t.startTime) / 100) / 10] as const)
    .filter(([, s]) => s >= minSeconds)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    '//': 'Wall seconds of each test file that took at least minSeconds in a full npm test on a 2-core machine with no jest cache (npm run test:profile -- --write-durations). test/support/sequencer.js starts the long files first.',
    measured,
    minSeconds,
    seconds: Object.fromEntries(rows),
  };
}

function writeDurations(dir: string): void {
  const jestFile = path.join(dir, 'jest.json');
  if (!existsSync(jestFile)) throw new Error(`${jestFile} is missing: no jest report to take the durations from`);
  const j = JSON.parse(readFileSync(jestFile, 'utf8')) as JestReport;
  // A run's directory is <checkout>/node_modules/.cache/aks-platform-test-profile/<time>.
  const root = path.resolve(dir, '..', '..', '..', '..');
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const when = new Date(j.startTime).toISOString().slice(0, 10);
  const runFile = path.join(dir, 'run.json');
  // The machine's load: on a busy machine every file takes longer, some (waiting on servers) more than others.
  const load = existsSync(runFile) ? `, load average ${(JSON.parse(readFileSync(runFile, 'utf8')) as RunInfo).loadBefore[0].toFixed(1)} before` : '';
  const table = durationTable(j, root, `${when}, commit ${commit}, ${os.availableParallelism()} cores, run ${path.basename(dir)}${load}`);
  writeFileSync(DURATIONS_FILE, `${JSON.stringify(table, null, 2)}\n`);
  console.log(`wrote ${rel(DURATIONS_FILE)}: ${Object.keys(table.seconds).length} files of ${table.minSeconds} s or more`);
}

function main(argv: string[]): number {
  const write = argv.includes('--write-durations');
  argv = argv.filter((a) => a !== '--write-durations');
  const at = argv.indexOf('--report');
  if (at >= 0) {
    const dir = path.resolve(argv[at + 1] ?? '.');
    console.log(report(dir));
    if (write) writeDurations(dir);
    return 0;
  }
  const dir = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-test-profile', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  const loadBefore = os.loadavg();
  const cpuBefore = childrenCpu();
  const started = performance.now();
  const r = spawnSync('bash', [path.join(ROOT, 'scripts', 'test.sh'), ...argv], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TEST_PROFILE_DIR: dir, TEST_TIMINGS_FILE: path.join(dir, 'timings.jsonl') },
  });
  const cpuAfter = childrenCpu();
  const run: RunInfo = {
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuBefore && cpuAfter ? { user: cpuAfter.user - cpuBefore.user, sys: cpuAfter.sys - cpuBefore.sys } : undefined,
    loadBefore,
    loadAfter: os.loadavg(),
    cores: os.availableParallelism(),
    status: r.status ?? 1,
    args: argv,
  };
  writeFileSync(path.join(dir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  console.log(`\n== test profile (raw data: ${rel(dir)})\n`);
  console.log(report(dir));
  if (write && run.status === 0) writeDurations(dir);
  return run.status;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
