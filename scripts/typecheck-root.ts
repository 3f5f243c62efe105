/**
 * The root tsc project of `npm test` (scripts/test.sh, typecheck lane) and the
 * library's consumer build, in one process, so that the ~2,500 SDK typing
 * files both read are parsed and bound once:
 *
 *  1. `tsc -p tsconfig.json` with the TypeScript API: every root source and
 *     test file, strict, the same diagnostics as the command line (syntax,
 *     options, global, semantic, declaration). Incremental (build info in
 *     node_modules/.cache/aks-platform-tsc/root.tsbuildinfo) and emitting into
 *     node_modules/.cache/aks-platform-tsc/root-out: its components/ and lib/
 *     are the library's dist/, as `npm run build` (tsconfig.build.json, the
 *     same compiler options) writes it. An unchanged project costs its parse.
 *  2. scripts/consumer-build.ts: pack that dist with `npm pack`, install the
 *     tarball into a scratch project and compile test/fixtures/consumer with
 *     strict tsc against the published typings, reusing the parsed SDK typings.
 *     test/consumer.test.ts runs the result.
 *
 * Usage: node --import tsx scripts/typecheck-root.ts -p tsconfig.json
 * Exits 0 when the root project has no diagnostics, 2 otherwise (as tsc); the
 * consumer build's outcome goes to its status file, not into this exit code.
 */
import { mkdirSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { buildConsumer, SourceFileCache, sourceFileKey } from './consumer-build';

const ROOT = path.resolve(__dirname, '..');
const TSC_CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');
export const ROOT_OUT = path.join(TSC_CACHE, 'root-out');

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

/** Formats diagnostics as tsc prints them (relative paths, no colour: the output goes to a log). */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, formatHost);
}

/** The project's parsed tsconfig; throws on an unreadable one. */
export function parseConfig(configPath: string, extra: ts.CompilerOptions = {}): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, extra, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(formatDiagnostics([d]));
    },
  });
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  return parsed;
}

/**
 * Wraps `host.getSourceFile` so that declaration and JSON files (the SDK typings) go into `cache`,
 * which another program's host reads: `tsc -b` shares them between projects the same way.
 */
export function cachingHost<H extends ts.CompilerHost>(host: H, cache: SourceFileCache): H {
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const key = sourceFileKey(fileName, languageVersionOrOptions);
    const hit = shouldCreate ? undefined : cache.get(key);
    if (hit) return hit;
    const file = original(fileName, languageVersionOrOptions, onError, shouldCreate);
    if (file && (fileName.endsWith('.d.ts') || fileName.endsWith('.json'))) cache.set(key, file);
    return file;
  };
  return host;
}

/** CPU seconds of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

function main(argv: string[]): number {
  const phases: string[] = [];
  let last = cpuSeconds();
  const lap = (name: string) => {
    const now = cpuSeconds();
    phases.push(`${name} ${(now - last).toFixed(1)}`);
    last = now;
  };
  const p = argv.indexOf('-p');
  const configPath = path.resolve(ROOT, p >= 0 ? argv[p + 1] : 'tsconfig.json');
  mkdirSync(ROOT_OUT, { recursive: true });
  // tsconfig.json type-checks with noEmit; here it emits, with tsconfig.build.json's output layout.
  const config = parseConfig(configPath, {
    noEmit: false,
    rootDir: ROOT,
    outDir: ROOT_OUT,
    incremental: true,
    tsBuildInfoFile: path.join(TSC_CACHE, 'root.tsbuildinfo'),
  });
  const cache: SourceFileCache = new Map();
  const host = cachingHost(ts.createIncrementalCompilerHost(config.options), cache);
  const builder = ts.createIncrementalProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    host,
  });
  lap('program');

  // The order and short-cuts of tsc's own emitFilesAndReportErrors.
  const all: ts.Diagnostic[] = [...builder.getConfigFileParsingDiagnostics(), ...builder.getSyntacticDiagnostics()];
  if (all.length === 0) {
    all.push(...builder.getOptionsDiagnostics(), ...builder.getGlobalDiagnostics());
    if (all.length === 0) all.push(...builder.getSemanticDiagnostics());
  }
  lap('check');
  all.push(...builder.emit().diagnostics);
  lap('emit');
  const diagnostics = ts.sortAndDeduplicateDiagnostics(all);
  if (diagnostics.length > 0) process.stdout.write(formatDiagnostics(diagnostics));

  // The library's share of those diagnostics: what `npm run build` would fail on.
  const library = diagnostics.filter((d) => !d.file || /^(components|lib)\//.test(path.relative(ROOT, d.file.fileName)));
  buildConsumer({
    program: builder.getProgram(),
    config,
    cache,
    libraryErrors: library.length > 0 ? formatDiagnostics(library) : undefined,
  });
  lap('consumer');
  // The CPU seconds of each step, for the log (npm run test:profile shows the lane's total).
  process.stdout.write(`typecheck-root: ${config.fileNames.length} root files, ${builder.getSourceFiles().length} in the program; CPU s: ${phases.join(', ')}\n`);
  return diagnostics.length > 0 ? 2 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
