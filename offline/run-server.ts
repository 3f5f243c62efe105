/**
 * The program-run server of a jest run: one plain Node process that makes the
 * offline program runs every test file and worker asks for (offline/run-stack.ts
 * `runStack`, when `AKS_PLATFORM_RUN_SERVER` names its socket; also in a process
 * a test starts, such as `tsx plan/cli.ts`, which inherits it). It loads the
 * Pulumi SDK and the program once, on the first request; a test file that ran
 * the program itself would load them again in its own jest module registry, and
 * source-map every stack trace the SDK takes. Runs are made one at a time (the
 * SDK's runtime state is global), each as `runStack` makes it in-process
 * (`serializedRun`); what is shared and cached stays with `runStack`.
 *
 * Started and stopped by test/support/program-runs-setup.ts (jest globalSetup of
 * the infra project): `node -r test/support/lazy/register.cjs -r
 * test/support/swc-register.js offline/run-server.ts <socket>` (the first loads
 * the SDK's closure-serialization packages only when used). It says `ready`
 * on stdout once it listens, and exits when its stdin closes (jest is done, or
 * gone).
 *
 * Protocol: one connection per run; the client sends a {@link RunRequest} as one
 * JSON line, the server answers a {@link RunReply} as one JSON line.
 */
import { createServer, type Socket } from 'net';
import { rmSync } from 'fs';
import { serializedRun, type RunReply, type RunRequest } from './run-stack';

/** The queue of runs: one after another. */
let queue: Promise<void> = Promise.resolve();
/** The socket this server listens on. */
let socketPath = '';

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function answer(connection: Socket, line: string): Promise<void> {
  const request = JSON.parse(line) as RunRequest;
  const started = { cpu: cpuMs(), wall: performance.now() };
  let reply: RunReply;
  try {
    const at = request.clock;
    const options = { overrides: request.overrides, configFile: request.configFile, clock: at === undefined ? undefined : () => new Date(at), facade: request.facade, build: request.build };
    const buffer = await serializedRun(request.stack, options, request.git);
    reply = { ok: true, run: buffer.toString('base64'), cpuMs: 0, ms: 0 };
  } catch (err) {
    const { name, message, stack } = err instanceof Error ? err : new Error(String(err));
    reply = { ok: false, error: { name, message, stack }, cpuMs: 0, ms: 0 };
  }
  reply.cpuMs = cpuMs() - started.cpu;
  reply.ms = performance.now() - started.wall;
  // A program that failed (not a rejected config: that is a result) may leave the SDK's global
  // state half-way: the server goes once the reply is sent, and the next run is made in the
  // asking test file.
  await new Promise<void>((resolve) => {
    // Sent, or the asker is gone (a test that timed out): either way the queue goes on.
    connection.once('close', () => resolve());
    connection.end(`${JSON.stringify(reply)}\n`, () => resolve());
  });
  if (!reply.ok) {
    rmSync(socketPath, { force: true });
    process.exit(1);
  }
}

function serve(socket: string): void {
  socketPath = socket;
  rmSync(socket, { force: true });
  const server = createServer((connection) => {
    let received = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      received += chunk;
      if (!received.endsWith('\n')) return;
      queue = queue.then(() => answer(connection, received.trim()));
    });
    connection.on('error', () => connection.destroy());
  });
  server.listen(socket, () => process.stdout.write('ready\n'));
  // jest keeps stdin open while it runs: its end (jest done, or killed) ends the server.
  process.stdin.on('end', () => {
    rmSync(socket, { force: true });
    process.exit(0);
  });
  process.stdin.resume();
}

if (require.main === module) serve(process.argv[2]);
