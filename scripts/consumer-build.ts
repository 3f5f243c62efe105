/**
 * The library as another Pulumi program sees it, built in the typecheck lane
 * (scripts/typecheck-root.ts) for test/consumer.test.ts, which runs it:
 *
 *  - pack the library's dist (the root program's output for components/ and
 *    lib/, see typecheck-root.ts) with `npm pack`, as `npm publish` would;
 *  - install the tarball into a scratch project outside this repository (its
 *    dependencies linked from this repository's node_modules, so no network,
 *    and nothing else of ours reachable by walking up the directories);
 *  - compile test/fixtures/consumer with strict tsc (its own tsconfig, with
 *    skipLibCheck off) against the published typings: the consumer's source
 *    and every .d.ts of the tarball are type-checked; the SDKs' typings are
 *    parsed (shared with the root program, not read twice) but not checked
 *    themselves, as the root program does not check them either (skipLibCheck).
 *
 * The outcome goes to the JSON file named by CONSUMER_BUILD_STATUS (scripts/test.sh
 * sets it; the test waits for it, or runs typecheck-root.ts itself without it).
 * The scratch project is kept: an unchanged dist, package.json, README and
 * consumer (their hash in inputs.sha256) are not packed and compiled again.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { cacheEnabled } from '../offline/input-cache';
import { writeLaneReport } from './lane-report';
import { cachingHost, formatDiagnostics, parseConfig, SourceFileCache, TSC_JSDOC } from './tsc-api';

const ROOT = path.resolve(__dirname, '..');

/** What test/consumer.test.ts reads. */
export type ConsumerStatus =
  | {
      ok: true;
      /** The scratch consumer project: `dist/index.js` is the compiled consumer. */
      consumerDir: string;
      /** The paths in the packed tarball (npm pack --json). */
      shipped: string[];
    }
  | { ok: false; error: string };

/** The scratch consumer project of this checkout (outside it, see above). */
export const CONSUMER_ROOT = path.join(tmpdir(), `aks-platform-consumer-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);

/** The library's runtime dependencies the consumer project links (package.json "dependencies"), and Node's typings. */
function linkedPackages(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return [...Object.keys(pkg.dependencies), '@types/node'];
}

export interface ConsumerBuildInput {
  /** The root program, emitted into `config.options.outDir`. */
  program: ts.Program;
  config: ts.ParsedCommandLine;
  /** The root program's parsed typings. */
  cache: SourceFileCache;
  /** The root program's diagnostics in components/ and lib/, formatted: the library does not build. */
  libraryErrors?: string;
}

/** Builds the consumer (unless unchanged) and writes the status file; never throws. */
export function buildConsumer(input: ConsumerBuildInput): void {
  let status: ConsumerStatus;
  try {
    status = build(input);
  } catch (err) {
    status = { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const file = process.env.CONSUMER_BUILD_STATUS;
  if (file) writeLaneReport(file, status);
}

/** The `files` entries of package.json. */
function packageFiles(): string[] {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
}

/** What tsc emits for the source `rel` (from the root directory), relative to the output directory. */
function outputsOf(rel: string, options: ts.CompilerOptions): string[] {
  if (rel.endsWith('.json')) return [rel];
  const base = rel.replace(/\.ts$/, '');
  return [`${base}.js`, ...(options.sourceMap ? [`${base}.js.map`] : []), ...(options.declaration ? [`${base}.d.ts`] : [])];
}

/** The package directory's files: [path in the package, absolute source], dist/ from the root program's output. */
function packageContents({ program, config }: ConsumerBuildInput): Array<[string, string]> {
  const outDir = config.options.outDir as string;
  const contents: Array<[string, string]> = [];
  for (const entry of packageFiles()) {
    if (!entry.startsWith('dist/')) {
      if (existsSync(path.join(ROOT, entry))) contents.push([entry, path.join(ROOT, entry)]);
      continue;
    }
    // The outputs of the current sources only: the output directory may hold those of deleted ones.
    const prefix = `${entry.slice('dist/'.length)}/`;
    for (const source of program.getSourceFiles()) {
      const rel = path.relative(ROOT, source.fileName);
      if (!rel.startsWith(prefix) || source.isDeclarationFile) continue;
      for (const out of outputsOf(rel, config.options)) {
        if (!existsSync(path.join(outDir, out))) program.emit(source);
        contents.push([path.join('dist', out), path.join(outDir, out)]);
      }
    }
  }
  return contents.sort(([a], [b]) => a.localeCompare(b));
}

function build(input: ConsumerBuildInput): ConsumerStatus {
  if (input.libraryErrors) return { ok: false, error: `the library does not compile (the root program's errors in components/ and lib/):\n${input.libraryErrors}` };
  const contents = packageContents(input);
  const fixture = path.join(ROOT, 'test', 'fixtures', 'consumer');
  const fixtureFiles = readdirSync(fixture).sort();
  const hash = createHash('sha256');
  hash.update(`${ts.version}\n${readFileSync(__filename)}\n${readFileSync(path.join(ROOT, 'package-lock.json'))}\n`);
  for (const [rel, file] of [...contents, ['package.json', path.join(ROOT, 'package.json')], ...fixtureFiles.map((f) => [`fixture/${f}`, path.join(fixture, f)])]) {
    hash.update(`${rel}\n`);
    hash.update(readFileSync(file));
  }
  const inputsHash = hash.digest('hex');
  const stamp = path.join(CONSUMER_ROOT, 'inputs.sha256');
  const packJson = path.join(CONSUMER_ROOT, 'pack.json');
  const consumerDir = path.join(CONSUMER_ROOT, 'consumer');
  const shippedOf = () => (JSON.parse(readFileSync(packJson, 'utf8')) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
  if (cacheEnabled() && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputsHash) {
    return { ok: true, consumerDir, shipped: shippedOf() };
  }

  rmSync(CONSUMER_ROOT, { recursive: true, force: true });
  // The package directory, packed as npm publish would (no lifecycle scripts: dist/ is built).
  const pkgDir = path.join(CONSUMER_ROOT, 'pkg');
  for (const [rel, file] of contents) cpSync(file, path.join(pkgDir, rel), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(pkgDir, 'package.json'));
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', CONSUMER_ROOT], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  writeFileSync(packJson, packed);
  const [{ filename }] = JSON.parse(packed) as Array<{ filename: string }>;

  // The consumer project: the tarball unpacked as node_modules/aks-platform, the library's dependencies linked.
  const modules = path.join(consumerDir, 'node_modules');
  mkdirSync(path.join(modules, 'aks-platform'), { recursive: true });
  execFileSync('tar', ['-xzf', path.join(CONSUMER_ROOT, filename), '-C', path.join(modules, 'aks-platform'), '--strip-components=1']);
  for (const dep of linkedPackages()) {
    mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(modules, dep));
  }
  for (const f of fixtureFiles) cpSync(path.join(fixture, f), path.join(consumerDir, f), { recursive: true });

  // Strict tsc with the consumer's own tsconfig; the SDK typings come parsed from the root program.
  const config = parseConfig(path.join(consumerDir, 'tsconfig.json'));
  const host = cachingHost(ts.createCompilerHost(config.options), input.cache);
  host.jsDocParsingMode = TSC_JSDOC;
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host, configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config) });
  const ours = (f: ts.SourceFile) => !f.fileName.includes('/node_modules/') || f.fileName.startsWith(path.join(modules, 'aks-platform') + path.sep);
  const diagnostics: ts.Diagnostic[] = [...program.getConfigFileParsingDiagnostics(), ...program.getSyntacticDiagnostics()];
  if (diagnostics.length === 0) {
    diagnostics.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    for (const file of program.getSourceFiles().filter(ours)) diagnostics.push(...program.getSemanticDiagnostics(file));
  }
  // Emitted per file: a whole-program emit would type-check every file first (the SDKs' typings too).
  if (diagnostics.length === 0) for (const file of program.getSourceFiles().filter((f) => !f.isDeclarationFile && ours(f))) diagnostics.push(...program.emit(file).diagnostics);
  if (diagnostics.length > 0) {
    const text = formatDiagnostics(diagnostics, consumerDir);
    throw new Error(`the consumer does not compile against the published typings:\n${text}`);
  }
  writeFileSync(stamp, inputsHash);
  return { ok: true, consumerDir, shipped: shippedOf() };
}
