/**
 * The real `promtool` (Debian package `prometheus`, installed by
 * scripts/install.sh). A missing binary fails the tests, in CI and locally:
 * the rule checks are never skipped.
 */
import { spawnSync } from 'child_process';

export function promtoolPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
  if (!found) {
    throw new Error(`promtool not found${process.env.CI === 'true' ? ' (CI=true)' : ''}; run scripts/install.sh (apt-get install prometheus)`);
  }
  return found;
}

/** Runs `promtool <args>`; returns exit status and combined output. */
export function promtool(args: string[], cwd?: string): { status: number; output: string } {
  const r = spawnSync(promtoolPath(), args, { encoding: 'utf8', cwd, timeout: 60_000 });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
