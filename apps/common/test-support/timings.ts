/**
 * Start-up timings of the expensive things tests start (servers, helm, Pulumi
 * program runs), for `npm run test:profile`. When `TEST_TIMINGS_FILE` is set,
 * every record is appended to it as one JSON line
 *   {"what":"helm template","ms":812.4,"file":"/abs/test/chart.test.ts","pid":1234}
 * and otherwise nothing happens (no cost in a normal run).
 *
 * The root (helm and program runs) uses it through scripts/test-timings.ts.
 */
import { appendFileSync } from 'node:fs';

/** The test file being run (jest's `expect.getState().testPath`), or the process's script outside jest. */
function currentTestFile(): string {
  const expectGlobal = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect;
  return expectGlobal?.getState?.().testPath ?? process.argv[1] ?? '';
}

/** Appends one timing record (milliseconds) when `TEST_TIMINGS_FILE` is set. */
export function recordTiming(what: string, ms: number): void {
  const file = process.env.TEST_TIMINGS_FILE;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ what, ms: Math.round(ms * 10) / 10, file: currentTestFile(), pid: process.pid })}\n`);
}

/** Runs `fn` and records how long it took under `what` (also when it throws). */
export function timed<T>(what: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    recordTiming(what, performance.now() - start);
  }
}

/** {@link timed} for async work. */
export async function timedAsync<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    recordTiming(what, performance.now() - start);
  }
}
