/**
 * Child processes of the local launcher. Each runs in its own process group (so a terminal's
 * Ctrl-C reaches only the launcher, which stops them in order) and is stopped as a group:
 * node --watch with the app it runs, Vite and its esbuild helper all go, not just the process the
 * launcher spawned.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { trackChild } from '../../apps/common/test-support/servers';
import { formatLogLine } from './output';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Process group id (= the pid of the process the launcher spawned). */
  pgid: number;
  /** The last lines of output, for an error message. */
  tail(): string[];
  /** Resolves with the exit code (or signal) when the spawned process exits. */
  exited: Promise<string>;
  /** SIGTERM to the group; SIGKILL to what is left after `graceMs`. Resolves when the group is empty. */
  stop(graceMs?: number): Promise<void>;
}

/** True while any process of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group is gone */
  }
}

/** Waits until no process of the group is left (polls; the group has no exit event). */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Stops a process group: SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves once it is empty. */
export async function stopGroup(pgid: number, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  signalGroup(pgid, signal);
  if (await waitGroupGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGroupGone(pgid, 5000);
}

/** Spawns `command args` in its own process group, printing its output prefixed with `name`. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; print: (line: string) => void },
): ManagedProcess {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  (child as { detachedGroup?: boolean }).detachedGroup = true;
  trackChild(child);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pgid = child.pid;
  const lines: string[] = [];
  const onData = (() => {
    let buf = '';
    return (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (lines.length > 40) lines.shift();
        const shown = formatLogLine(line);
        if (shown !== undefined) opts.print(`${name.padEnd(8)}| ${shown}`);
      }
    };
  })();
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `exit code ${code}`)));
  return {
    name,
    child,
    pgid,
    tail: () => [...lines],
    exited,
    stop: (graceMs = 8000) => stopGroup(pgid, graceMs),
  };
}
