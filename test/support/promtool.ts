/**
 * The real `promtool` (Debian package `prometheus`, installed by
 * scripts/install.sh). A missing binary fails the tests, in CI and locally:
 * the rule checks are never skipped.
 */
import { spawnSync } from 'child_process';
import { requireBinary } from '../../apps/common/test-support/binaries';

/** promtool's path on PATH; a MissingBinaryError that says how to install it otherwise. */
export function promtoolPath(): string {
  return requireBinary('promtool', 'run scripts/install.sh (apt-get install prometheus)');
}

/**
 * Go's collector for promtool: `promtool test rules` builds an in-memory TSDB for each test group
 * and allocates ~40 MB per group, collected at Go's default GOGC=100 several times. At 400 the
 * unit tests of test/observability-rules.test.ts (then two files that loaded every rule group) took
 * ~3.0 CPU-s instead of ~3.8 (measured, three runs each), at ~130 MB instead of ~58 MB of memory.
 * A GOGC set by the caller wins.
 */
const PROMTOOL_GOGC = '400';

/** Runs `promtool <args>`; returns exit status and combined output. */
export function promtool(args: string[], cwd?: string): { status: number; output: string } {
  const env = { ...process.env, GOGC: process.env.GOGC ?? PROMTOOL_GOGC };
  const r = spawnSync(promtoolPath(), args, { encoding: 'utf8', cwd, env, timeout: 60_000 });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
