/**
 * The TypeScript compiler API as the type-check lane of `npm test` uses it
 * (scripts/typecheck.ts for the apps, scripts/typecheck-root.ts and
 * scripts/consumer-build.ts for the root program and the library's consumer):
 * tsconfig parsing, a host whose parsed declaration files are shared between
 * the programs of one process (as `tsc -b` shares them between projects), and
 * tsc's own order of diagnostics.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** Parsed declaration (.d.ts, .d.cts, .d.mts) and JSON files by compiler settings and path, shared between programs. */
export type SourceFileCache = Map<string, ts.SourceFile>;

/** The key of a parsed file in a {@link SourceFileCache}: files parsed for other settings are not shared. */
export function sourceFileKey(fileName: string, languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions): string {
  const version =
    typeof languageVersionOrOptions === 'object'
      ? `${languageVersionOrOptions.languageVersion}/${languageVersionOrOptions.impliedNodeFormat}/${languageVersionOrOptions.jsDocParsingMode}`
      : String(languageVersionOrOptions);
  return `${version}:${path.resolve(fileName)}`;
}

/**
 * Wraps `host.getSourceFile` so that declaration and JSON files (the SDK typings) go into `cache`,
 * and come from it for any other program of the process that uses the same cache.
 */
export function cachingHost<H extends ts.CompilerHost>(host: H, cache: SourceFileCache): H {
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const key = sourceFileKey(fileName, languageVersionOrOptions);
    const hit = shouldCreate ? undefined : cache.get(key);
    if (hit) return hit;
    const file = original(fileName, languageVersionOrOptions, onError, shouldCreate);
    if (file && /\.(d\.[cm]?ts|json)$/.test(fileName)) cache.set(key, file);
    return file;
  };
  return host;
}

/** Formats diagnostics as tsc prints them, paths relative to `cwd` (no colour: the output goes to a log). */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], cwd = ROOT): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' });
}

/** A project's parsed tsconfig with `extra` options over it; throws on an unreadable one. */
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

/** The incremental program of a parsed project, its host sharing `cache`, as `tsc --incremental -p` builds it. */
export function incrementalProgram(config: ts.ParsedCommandLine, cache: SourceFileCache): ts.EmitAndSemanticDiagnosticsBuilderProgram {
  return ts.createIncrementalProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    host: cachingHost(ts.createIncrementalCompilerHost(config.options), cache),
  });
}

/**
 * What `tsc -p` reports for a program before its emit, in tsc's order and with
 * its short-cuts (emitFilesAndReportErrors): the tsconfig's, the syntax
 * diagnostics, then option and global ones only without syntax errors, and
 * semantic ones only without any of those. `clean`: none but the tsconfig's.
 */
export function checkDiagnostics(program: ts.Program | ts.BuilderProgram): { all: ts.Diagnostic[]; clean: boolean } {
  const all: ts.Diagnostic[] = [...program.getConfigFileParsingDiagnostics()];
  const before = all.length;
  all.push(...program.getSyntacticDiagnostics());
  if (all.length === before) {
    all.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    if (all.length === before) all.push(...program.getSemanticDiagnostics());
  }
  return { all, clean: all.length === before };
}

/**
 * What `tsc -p` reports for a program: {@link checkDiagnostics}; declaration
 * diagnostics with noEmit when clean (an emit reports them otherwise); then the
 * emit (with noEmit: the build info only).
 */
export function tscDiagnostics(program: ts.Program | ts.BuilderProgram, options: ts.CompilerOptions): readonly ts.Diagnostic[] {
  const { all, clean } = checkDiagnostics(program);
  if (options.noEmit && (options.declaration || options.composite) && clean) all.push(...program.getDeclarationDiagnostics());
  all.push(...program.emit().diagnostics);
  return ts.sortAndDeduplicateDiagnostics(all);
}
