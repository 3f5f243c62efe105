/**
 * The real Helm binary for chart tests and `npm run lint:chart`: the entry
 * `helm/helm` of the pinned kubectl layer (scripts/kubectl-layer.ts) — Helm
 * 3.18, the same major version as the Helm library inside Pulumi's
 * `helm.v3.Release` — kept in `.tools/` (gitignored).
 *
 * CLI: `tsx scripts/helm.ts <helm args...>` runs helm with those arguments.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { extractLayerEntry, layerToolsDir } from './kubectl-layer';
import { recordTiming } from './test-timings';

const ROOT = path.resolve(__dirname, '..');

/** Path of the helm binary, fetching and extracting it on first use (atomically: concurrent jest workers are safe). */
export function helmBinary(): string {
  const bin = path.join(layerToolsDir(), 'helm');
  if (!fs.existsSync(bin)) extractLayerEntry('helm/helm', bin);
  return bin;
}

/** Result of one helm invocation. */
export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Go's collector for helm: off, with a memory limit as the safety net (the collector runs only
 * near it). A `helm template` or `helm lint` of apps/chart lives ~0.1 s and peaks at ~80 MB
 * without collecting (68 MB with), yet at Go's default GOGC=100 it collected several times:
 * replaying the 35 helm calls of test/chart.test.ts took 3.7-3.8 CPU-s with the default and
 * 2.7-3.2 with GOGC=off (three runs each). A GOGC or GOMEMLIMIT set by the caller wins.
 */
const HELM_GO_ENV = { GOGC: process.env.GOGC ?? 'off', GOMEMLIMIT: process.env.GOMEMLIMIT ?? '1GiB' };

/**
 * Runs helm with an isolated HOME/XDG config (no user repositories or plugins
 * leak in, nothing is written outside .tools/).
 */
export function runHelm(args: readonly string[], opts: { cwd?: string } = {}): HelmResult {
  const bin = helmBinary();
  const home = path.join(path.dirname(bin), 'home');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    ...HELM_GO_ENV,
  };
  const start = performance.now();
  const r = spawnSync(bin, args, { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  recordTiming(`helm ${args[0] ?? ''}`.trim(), performance.now() - start);
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

if (require.main === module) {
  const r = runHelm(process.argv.slice(2), { cwd: process.cwd() });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exit(r.status);
}
