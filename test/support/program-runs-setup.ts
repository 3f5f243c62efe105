/**
 * jest globalSetup and globalTeardown of the infra project (jest.config.js): the
 * run's program-run server (offline/run-server.ts), which makes every offline
 * program run the test files ask `runStack` for, in one Node process that loads
 * the Pulumi SDK and the program once. It starts idle (it loads them on the
 * first run), and the workers find it through `AKS_PLATFORM_RUN_SERVER` (they
 * start after this). A server that fails to start is no error: `runStack` then
 * runs the program in the test file, as it does outside jest.
 *
 * The server is this process's child, and teardown waits for it to exit, so its
 * CPU counts in `npm test`'s (and `npm run test:profile` gives each test file
 * the CPU of the runs it asked for).
 */
import { spawn, type ChildProcess } from 'child_process';
import { tmpdir } from 'os';
import * as path from 'path';
import { RUN_SERVER_ENV } from '../../offline/run-stack';

const KEY = '__aksPlatformRunServer';
const ROOT = path.resolve(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pruneDiskCache } = require('./code-cache-runtime.cjs') as { pruneDiskCache(): number };

export default async function globalSetup(): Promise<void> {
  // Once per run, before the workers start: the code cache's entries unused for a week go.
  pruneDiskCache();
  const socket = path.join(tmpdir(), `aks-platform-runs-${process.pid}.sock`);
  const server = spawn(
    process.execPath,
    [
      // A larger young generation: a run allocates many promises and outputs that live until its
      // end, and a scavenge copies what is alive. 256 MB instead of 64: ~8 % less of the server's
      // CPU over six runs (12.9 against 14.0 CPU-s, mean of three each), ~200 MB more memory.
      '--max-semi-space-size=256',
      // The SDK's @npmcli/arborist loads only if used (test/support/lazy/register.cjs): never in a run.
      '-r',
      path.join(ROOT, 'test', 'support', 'lazy', 'register.cjs'),
      '-r',
      path.join(ROOT, 'test', 'support', 'swc-register.js'),
      path.join(ROOT, 'offline', 'run-server.ts'),
      socket,
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const ready = await new Promise<boolean>((resolve) => {
    let out = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve(true);
    });
    server.on('error', () => resolve(false));
    server.on('exit', () => resolve(false));
  });
  if (!ready) return;
  server.stdout?.resume();
  (globalThis as Record<string, unknown>)[KEY] = server;
  process.env[RUN_SERVER_ENV] = socket;
}

/** Ends the server (closing its stdin) and waits for it to exit. */
export async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>)[KEY] as ChildProcess | undefined;
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.on('exit', resolve));
  server.stdin?.end();
  await exited;
  delete process.env[RUN_SERVER_ENV];
}
