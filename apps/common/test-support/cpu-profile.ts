/**
 * One V8 CPU profile per test file, for finding where a jest worker's CPU goes: with
 * `TEST_CPU_PROFILE_DIR=<dir>` the test environment (./environment.ts) profiles each file from
 * its setup to its teardown and writes `<dir>/<file name>-<worker pid>-<n>.cpuprofile` (open it
 * in Chrome DevTools' Performance panel or speedscope). `node --cpu-prof` reaches only jest's
 * parent process, and Node refuses `--cpu-prof` in NODE_OPTIONS: the workers profile themselves
 * through the inspector.
 *
 *   TEST_CPU_PROFILE_DIR=/tmp/prof npx jest apps/api/test/faults.test.ts
 *
 * A diagnostic, with no test of its own: starting V8's profiler in a warm jest worker costs
 * ~0.3-1 CPU-s (V8 logs every code object compiled so far), more than the suite should pay for it.
 *
 * A profile samples the main thread whenever it is not idle, so a spawnSync, or a blocking
 * file-system call, shows for its whole wall time (`spawn`, `open`, ... as native frames), not
 * for the CPU it used: TEST_TIMINGS_FILE's records are the file's CPU seconds.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { basename, join } from 'node:path';

export interface CpuProfiling {
  /** Stops the profile and writes it. */
  stop(): Promise<void>;
}

/** One inspector session per worker: the environment module is loaded once per worker. */
let session: Session | undefined;
/** Files profiled by this worker, so that two files of the same name get profiles of their own. */
let profiled = 0;

function post<T>(method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => session!.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Starts profiling this process for `testPath`; stop() writes the profile into `dir`. */
export async function startCpuProfile(dir: string, testPath: string): Promise<CpuProfiling> {
  if (!session) {
    session = new Session();
    session.connect();
    await post('Profiler.enable');
  }
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(testPath)}-${process.pid}-${++profiled}.cpuprofile`);
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = await post<{ profile: object }>('Profiler.stop');
      writeFileSync(out, JSON.stringify(profile));
    },
  };
}
