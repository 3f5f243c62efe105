/**
 * The root tsc project of `npm test` (the first project of the typecheck lane,
 * scripts/typecheck.ts), the library's consumer build and the provider's schema,
 * in one process, so that the ~2,500 SDK typing files they read are parsed and
 * bound once (and then reused by the apps' and the frontend's programs):
 *
 *  1. `tsc -p tsconfig.json` with the TypeScript API: every root source and
 *     test file, strict, the same diagnostics as the command line (syntax,
 *     options, global, semantic, declaration). Incremental (build info in
 *     node_modules/.cache/aks-platform-tsc/root.tsbuildinfo) and emitting the
 *     library's files only (components/ and lib/, see checkAndEmitLibrary) into
 *     node_modules/.cache/aks-platform-tsc/root-out: the library's dist/, as
 *     `npm run build` (tsconfig.build.json, the same compiler options) writes
 *     it. An unchanged project costs its parse.
 *  2. scripts/consumer-build.ts: pack that dist with `npm pack`, install the
 *     tarball into a scratch project and compile test/fixtures/consumer with
 *     strict tsc against the published typings, reusing the parsed SDK typings.
 *     test/consumer.test.ts runs the result.
 *  3. scripts/provider-schema.ts (before the check, as soon as the root
 *     program exists): the schema Pulumi infers for the provider, its
 *     analyzer's program reusing the parsed SDK typings (or, with unchanged
 *     inputs, the stored schema, reported before the root program is made).
 *     test/provider-schema.test.ts asserts on it.
 *
 * {@link checkRoot} does it for the lane; alone (test/consumer.test.ts, run by
 * itself, starts it): node --require tsx/cjs scripts/typecheck-root.ts -p tsconfig.json
 * Exits 0 when the root project has no diagnostics, 2 otherwise (as tsc); the
 * consumer build's and the schema's outcomes go to their status files
 * (CONSUMER_BUILD_STATUS, PROVIDER_SCHEMA_STATUS), not into this exit code.
 */
import { mkdirSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { buildConsumer } from './consumer-build';
import { reportSchema, reportStoredSchema } from './provider-schema';
import { checkDiagnostics, formatDiagnostics, incrementalProgram, parseConfig, runAsCommand, SourceFileCache } from './tsc-api';

const ROOT = path.resolve(__dirname, '..');
const TSC_CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');
export const ROOT_OUT = path.join(TSC_CACHE, 'root-out');

/** The library's sources (and JSON data): what tsconfig.build.json compiles and the package ships. */
export function isLibraryFile(file: ts.SourceFile): boolean {
  return !file.isDeclarationFile && /^(components|lib)\//.test(path.relative(ROOT, file.fileName));
}

/** The part of TypeScript's builder state (internal, TypeScript 5.9) that lists the files whose emit is pending. */
interface BuilderState {
  affectedFilesPendingEmit?: Map<string, number>;
  program?: ts.Program;
}

/**
 * What `tsc -p` reports for the root program, in its order (scripts/tsc-api.ts's
 * tscDiagnostics): the same checks of every file, declaration diagnostics
 * included, but an emit of the library's files only: the consumer build needs
 * nothing else, and printing JS, maps and declarations for the tests, scripts
 * and program costs seconds for output nobody reads.
 *
 * The builder lists the files whose emit is pending (all on a first run, then
 * the changed ones and those whose imports' declarations changed, and all
 * after a change of options). After the declaration diagnostics of all of them,
 * the others are taken off that list, so the builder's own emit writes the
 * library's files and the build info, which then lists no pending emit. With a
 * TypeScript whose builder has no such list, everything is emitted (slower,
 * the same result).
 */
function checkAndEmitLibrary(builder: ts.EmitAndSemanticDiagnosticsBuilderProgram, options: ts.CompilerOptions): readonly ts.Diagnostic[] {
  const { all } = checkDiagnostics(builder);
  // An emit reports the declaration diagnostics of every file, whatever the other errors.
  if (options.declaration) all.push(...builder.getDeclarationDiagnostics());
  const state = (builder as unknown as { state?: BuilderState }).state;
  const pending = state?.affectedFilesPendingEmit;
  if (pending instanceof Map && state?.program) {
    for (const filePath of [...pending.keys()]) {
      const file = state.program.getSourceFileByPath(filePath as ts.Path);
      if (file && !isLibraryFile(file)) pending.delete(filePath);
    }
  }
  all.push(...builder.emit().diagnostics);
  return ts.sortAndDeduplicateDiagnostics(all);
}

/** CPU seconds of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** What {@link checkRoot} found: the root project's diagnostics (tsc's) and lines for the lane's log. */
export interface RootCheck {
  diagnostics: readonly ts.Diagnostic[];
  log: string[];
}

/**
 * The root project (steps 1-3 above), its parsed and bound files left in `cache` for the other
 * programs of the process (scripts/typecheck.ts: the apps' and the frontend's).
 */
export async function checkRoot(configPath: string, cache: SourceFileCache): Promise<RootCheck> {
  const phases: string[] = [];
  let last = cpuSeconds();
  const lap = (name: string) => {
    const now = cpuSeconds();
    phases.push(`${name} ${(now - last).toFixed(1)}`);
    last = now;
  };
  mkdirSync(ROOT_OUT, { recursive: true });
  // tsconfig.json type-checks with noEmit; here it emits, with tsconfig.build.json's output layout.
  const config = parseConfig(configPath, {
    noEmit: false,
    rootDir: ROOT,
    outDir: ROOT_OUT,
    incremental: true,
    tsBuildInfoFile: path.join(TSC_CACHE, 'root.tsbuildinfo'),
  });
  const schemaReported = reportStoredSchema();
  const builder = incrementalProgram(config, cache);
  lap('program');
  // Before the check: test/provider-schema.test.ts waits for it, test/consumer.test.ts for the whole lane.
  const schemaLine = schemaReported ? undefined : await reportSchema(cache);
  if (!schemaReported) lap('provider schema');

  const diagnostics = checkAndEmitLibrary(builder, config.options);
  lap('check and emit');

  // The library's share of those diagnostics: what `npm run build` would fail on.
  const library = diagnostics.filter((d) => !d.file || isLibraryFile(d.file));
  buildConsumer({
    program: builder.getProgram(),
    config,
    cache,
    libraryErrors: library.length > 0 ? formatDiagnostics(library) : undefined,
  });
  lap('consumer');
  // The CPU seconds of each step, for the log (npm run test:profile shows the lane's total).
  const log = schemaLine ? [schemaLine] : [];
  log.push(`typecheck-root: ${config.fileNames.length} root files, ${builder.getSourceFiles().length} in the program; CPU s: ${phases.join(', ')}`);
  return { diagnostics, log };
}

async function main(argv: string[]): Promise<number> {
  const p = argv.indexOf('-p');
  const { diagnostics, log } = await checkRoot(path.resolve(ROOT, p >= 0 ? argv[p + 1] : 'tsconfig.json'), new Map());
  if (diagnostics.length > 0) process.stdout.write(formatDiagnostics(diagnostics));
  process.stdout.write(log.map((l) => `${l}\n`).join(''));
  return diagnostics.length > 0 ? 2 : 0;
}

if (require.main === module) runAsCommand(main);
