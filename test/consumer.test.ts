/**
 * The library as another Pulumi program sees it: build and pack the package,
 * install the tarball into a scratch project (its dependencies linked from this
 * repository's node_modules, so no network), compile a small consumer program
 * with strict tsc against the published typings, and run it under mocks.
 *
 * Both tsc runs are incremental, in directories kept under node_modules/.cache
 * (README "Testing"): an unchanged library or consumer is parsed, not checked
 * again. The library's build directory is keyed by the list of its source
 * files, so a deleted or renamed file cannot leave a stale output behind.
 * Each tsc run is skipped when its inputs hash the same as at its last
 * successful run (offline/input-cache.ts): even incremental, tsc parses the
 * 2,500 typing files of the SDKs, about 12 CPU seconds a run.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, cpSync, existsSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { cacheEnabled, hashInputs } from '../offline/input-cache';

const root = path.resolve(__dirname, '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const cacheRoot = path.join(root, 'node_modules', '.cache', 'aks-platform-consumer');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/**
 * Runs `tsc` with `args` unless `dir` holds a successful run's stamp for the same `inputs`
 * (paths from the repository root) and `extra`; stamps a successful run.
 */
function tscUnlessUnchanged(dir: string, inputs: string[], extra: string, args: string[], cwd: string): void {
  const stamp = path.join(dir, 'inputs.sha256');
  const inputsHash = hashInputs(inputs, `${extra}\n${args.join(' ')}`);
  if (cacheEnabled() && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputsHash) return;
  rmSync(stamp, { force: true });
  execFileSync(bin('tsc'), args, { cwd, stdio: 'pipe' });
  writeFileSync(stamp, inputsHash);
}

/** What the library build reads: its sources, the compiler options, the installed typings. */
const LIBRARY_INPUTS = ['components', 'lib', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** A cache directory for one build, keyed by `parts`; other builds of the same kind are removed. */
function buildDir(kind: string, parts: string[]): string {
  const key = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
  mkdirSync(cacheRoot, { recursive: true });
  for (const old of readdirSync(cacheRoot)) {
    if (old.startsWith(`${kind}-`) && old !== `${kind}-${key}`) rmSync(path.join(cacheRoot, old), { recursive: true, force: true });
  }
  const dir = path.join(cacheRoot, `${kind}-${key}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe('consumer program', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'aks-platform-consumer-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('imports a component from the packed library and registers it under mocks', () => {
    // Build the library into a scratch package directory and pack it.
    const pkgDir = path.join(scratch, 'pkg');
    const sources = ['components', 'lib'].flatMap((d) => listFiles(path.join(root, d))).map((f) => path.relative(root, f)).sort();
    const lib = buildDir('lib', sources);
    tscUnlessUnchanged(lib, LIBRARY_INPUTS, '', ['-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(lib, 'dist'), '--incremental', '--tsBuildInfoFile', path.join(lib, 'build.tsbuildinfo')], root);
    cpSync(path.join(lib, 'dist'), path.join(pkgDir, 'dist'), { recursive: true });
    cpSync(path.join(root, 'package.json'), path.join(pkgDir, 'package.json'));
    for (const extra of ['README.md', 'apps/chart']) {
      if (existsSync(path.join(root, extra))) cpSync(path.join(root, extra), path.join(pkgDir, extra), { recursive: true });
    }
    const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const [{ filename, files }] = JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const shipped = files.map((f) => f.path);
    expect(shipped).toContain('dist/components/index.js');
    expect(shipped).toContain('dist/components/index.d.ts');
    expect(shipped.some((f) => f.startsWith('test/') || f.startsWith('apps/api') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);

    // A scratch consumer project: the tarball unpacked as node_modules/aks-platform,
    // the library's own dependencies linked from this repository.
    // At a fixed path, so that its incremental build info stays valid from run to run.
    const consumer = buildDir('consumer', [root]);
    const modules = path.join(consumer, 'node_modules');
    rmSync(modules, { recursive: true, force: true });
    mkdirSync(path.join(modules, 'aks-platform'), { recursive: true });
    execFileSync('tar', ['-xzf', path.join(scratch, filename), '-C', path.join(modules, 'aks-platform'), '--strip-components=1']);
    for (const scope of ['@pulumi', '@pulumiverse']) {
      mkdirSync(path.join(modules, scope), { recursive: true });
      for (const dep of readdirSync(path.join(root, 'node_modules', scope))) {
        symlinkSync(path.join(root, 'node_modules', scope, dep), path.join(modules, scope, dep));
      }
    }
    mkdirSync(path.join(modules, '@types'), { recursive: true });
    symlinkSync(path.join(root, 'node_modules', '@types', 'node'), path.join(modules, '@types', 'node'));
    for (const dep of ['zod', 'yaml', 'ipaddr.js']) {
      symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep));
    }
    cpSync(path.join(__dirname, 'fixtures', 'consumer'), consumer, { recursive: true });

    // Strict compile against the published .d.ts files, then run.
    // Its inputs: the unpacked package, the consumer's sources, the installed typings it links to.
    const rel = (p: string) => path.relative(root, p);
    tscUnlessUnchanged(
      consumer,
      [rel(path.join(modules, 'aks-platform')), rel(path.join(consumer, 'index.ts')), rel(path.join(consumer, 'tsconfig.json'))],
      '',
      ['-p', path.join(consumer, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', path.join(consumer, 'build.tsbuildinfo')],
      consumer,
    );
    const out = execFileSync(process.execPath, [path.join(consumer, 'dist', 'index.js')], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const result = JSON.parse(out) as { loginServer: string; registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> };

    expect(result.registered.map((r) => `${r.type} ${r.name}`)).toEqual([
      'aks-platform:index:ContainerRegistry shared',
      'azure-native_containerregistry_v20251101:containerregistry:Registry shared-acr',
    ]);
    const registry = result.registered[1].inputs;
    expect(registry).toMatchObject({ adminUserEnabled: false, anonymousPullEnabled: false, sku: { name: 'Standard' } });
    expect(result.loginServer).toBe(`${String(registry.registryName)}.azurecr.io`);
  }, 120_000);
});
