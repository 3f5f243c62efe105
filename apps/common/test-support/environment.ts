/**
 * jest test environment of the apps project (jest.config.js), and the base of
 * the infra project's (test/support/environment.ts): Node's, with a store the
 * test files of a worker share (./worker-store.ts), plus, when
 * `TEST_TIMINGS_FILE` is set (`npm run test:profile`), one record per test file
 * of the CPU seconds its worker spent on it — loading its modules, running its
 * tests and the child processes it waited for (tsc, helm, node scripts).
 * Servers that outlive the file (PostgreSQL, Redis, nginx, Chromium) are not
 * waited for, and count only through the requests the file makes of them.
 * CPU seconds, unlike wall seconds, do not grow when the machine is busy.
 * With `TEST_CPU_PROFILE_DIR` set, it also writes one V8 CPU profile per test file there
 * (./cpu-profile.ts): what the worker ran for that file, from the environment's setup to its
 * teardown.
 * The AsyncLocalStorage instances a file turns on (jest-circus's, the Pulumi
 * SDK's) are disabled when it ends (./async-storages.ts): on, they would tax
 * every promise of the worker's later files and keep the file's realm alive.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { TestEnvironment } from 'jest-environment-node';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { recordAsyncStorages, type AsyncStorageRecording } from './async-storages';
import { startCpuProfile, type CpuProfiling } from './cpu-profile';
import { WORKER_STORE_GLOBAL } from './worker-store';

/** Shared by the test files of this worker (./worker-store.ts). */
const workerStore = new Map<string, unknown>();

/** This process's CPU and its waited-for children's, in milliseconds. */
function cpuMs(): { own: number; children: number } {
  const usage = process.cpuUsage();
  let children = 0;
  try {
    // /proc/self/stat after the command name: cutime and cstime are fields 16 and 17 (indexes 13 and 14), in clock ticks (100 per second on Linux).
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    // Not Linux: children's CPU is not counted.
  }
  return { own: (usage.user + usage.system) / 1000, children };
}

export default class TimedEnvironment extends TestEnvironment {
  private readonly testPath: string;
  private started?: { own: number; children: number };
  private storages?: AsyncStorageRecording;
  private profiling?: CpuProfiling;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    this.testPath = context.testPath;
    this.global[WORKER_STORE_GLOBAL] = workerStore;
  }

  override async setup(): Promise<void> {
    const profileDir = process.env.TEST_CPU_PROFILE_DIR;
    if (profileDir) this.profiling = await startCpuProfile(profileDir, this.testPath);
    this.started = cpuMs();
    this.storages = recordAsyncStorages();
    await super.setup();
  }

  override async teardown(): Promise<void> {
    this.storages?.disable();
    this.storages = undefined;
    await super.teardown();
    const now = cpuMs();
    await this.profiling?.stop();
    this.profiling = undefined;
    const file = process.env.TEST_TIMINGS_FILE;
    if (!file || !this.started) return;
    for (const [what, ms] of [
      ['test file CPU (worker)', now.own - this.started.own],
      ['test file CPU (children)', now.children - this.started.children],
    ] as const) {
      appendFileSync(file, `${JSON.stringify({ what, ms: Math.round(ms), file: this.testPath, pid: process.pid })}\n`);
    }
  }
}
