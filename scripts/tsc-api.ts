/**
 * The TypeScript compiler API as the type-check lane of `npm test` uses it
 * (scripts/typecheck.ts for the lane's projects in turn, scripts/typecheck-root.ts,
 * scripts/consumer-build.ts and scripts/provider-schema.ts for the root program, the
 * library's consumer and the provider's schema): tsconfig parsing, a host whose parsed
 * and bound files are shared between the programs of one process where TypeScript
 * itself would reuse them (see sourceFileKey), and tsc's own order of diagnostics.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/**
 * Parsed and bound files by path and the settings they were parsed and bound under, shared
 * between the programs of one process (see {@link cachingHost}).
 */
export type SourceFileCache = Map<string, ts.SourceFile>;

/**
 * TypeScript's internals used here (exported at run time, not in its typings; TypeScript 5.9):
 * its list of the options that change how a file is parsed and bound, its computed option
 * values, the version an incremental host gives a file, and what a declaration file is.
 */
const internal = ts as unknown as {
  sourceFileAffectingCompilerOptions: ReadonlyArray<{ name: string }>;
  getCompilerOptionValue(options: ts.CompilerOptions, option: { name: string }): unknown;
  getSourceFileVersionAsHashFromText(host: ts.CompilerHost, text: string): string;
  isDeclarationFileName(fileName: string): boolean;
};
for (const name of ['sourceFileAffectingCompilerOptions', 'getCompilerOptionValue', 'getSourceFileVersionAsHashFromText', 'isDeclarationFileName'] as const) {
  if (!internal[name]) throw new Error(`scripts/tsc-api.ts: TypeScript ${ts.version} has no ts.${name}: update the sharing of parsed files for it`);
}

/** A declaration (.d.ts, .d.cts, .d.mts) or JSON file: shared whatever the program's options. */
function isTypingFile(fileName: string): boolean {
  return internal.isDeclarationFileName(fileName) || fileName.endsWith('.json');
}

/**
 * The values of the compiler options that change how TypeScript parses and binds a file
 * (its own list, `sourceFileAffectingCompilerOptions`: target, module, moduleResolution,
 * moduleDetection, jsx, jsxImportSource, importHelpers, alwaysStrict, allowUnreachableCode,
 * allowUnusedLabels, noFallthroughCasesInSwitch), computed as tsc computes them (strict sets
 * alwaysStrict, module sets moduleDetection...).
 */
export function sourceSettings(options: ts.CompilerOptions): string {
  return internal.sourceFileAffectingCompilerOptions.map((o) => `${o.name}=${JSON.stringify(internal.getCompilerOptionValue(options, o)) ?? ''}`).join(',');
}

/**
 * The key of a file in a {@link SourceFileCache}, or undefined for a file not to share: a source
 * file (.ts, .tsx...) of a program whose options are not given.
 *
 * The rules are TypeScript's own:
 *  - declaration and JSON files as `tsc -b` shares them between the projects of a build, whatever
 *    their options (changeCompilerHostLikeToUseCache: by path and impliedNodeFormat), here also
 *    by languageVersion and jsDocParsingMode. The options add nothing else to how they are parsed
 *    and bound: the module indicator of a declaration file depends on its syntax alone
 *    (getSetExternalModuleIndicator), the binder's strict mode in one on that indicator alone
 *    (alwaysStrict applies to other files), and the other binder options act on statements
 *    and labels that only executable code has (and with skipLibCheck nothing reports on them);
 *  - other files as a program reuses an old program's files (`tsc --watch`, the language
 *    service): only when none of {@link sourceSettings} differs (shouldProgramCreateNewSourceFiles),
 *    which here is part of the key.
 */
export function sourceFileKey(fileName: string, languageVersionOrOptions: ts.ScriptTarget | ts.CreateSourceFileOptions, options?: ts.CompilerOptions): string | undefined {
  const version =
    typeof languageVersionOrOptions === 'object'
      ? `${languageVersionOrOptions.languageVersion}/${languageVersionOrOptions.impliedNodeFormat}/${languageVersionOrOptions.jsDocParsingMode}`
      : String(languageVersionOrOptions);
  if (isTypingFile(fileName)) return `${version}:${path.resolve(fileName)}`;
  return options ? `${version}/${sourceSettings(options)}:${path.resolve(fileName)}` : undefined;
}

/**
 * Wraps `host.getSourceFile` so that the files it parses go into `cache` and come from it for any
 * other program of the process that uses the same cache and may reuse them ({@link sourceFileKey}):
 * declaration and JSON files always, source files when `options` (the program's) are given.
 * A file is parsed once and bound once (the binder skips a bound file), for every program's checker.
 *
 * `versioned`: the host is an incremental one (its files carry the version its build info
 * records): a file another host parsed gets that version too.
 * `packageTypings`: the JSDoc parsing mode of the declaration and JSON files under node_modules,
 * whatever the host's (see scripts/provider-schema.ts).
 */
export function cachingHost<H extends ts.CompilerHost>(host: H, cache: SourceFileCache, options?: ts.CompilerOptions, versioned = false, packageTypings?: ts.JSDocParsingMode): H {
  const original = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, requested, onError, shouldCreate) => {
    const languageVersionOrOptions =
      packageTypings !== undefined && typeof requested === 'object' && isTypingFile(fileName) && fileName.includes('/node_modules/') ? { ...requested, jsDocParsingMode: packageTypings } : requested;
    const key = sourceFileKey(fileName, languageVersionOrOptions, options);
    const hit = shouldCreate || key === undefined ? undefined : cache.get(key);
    if (hit) {
      const file = hit as ts.SourceFile & { version?: string };
      if (versioned && file.version === undefined) file.version = internal.getSourceFileVersionAsHashFromText(host, hit.text);
      return hit;
    }
    const file = original(fileName, languageVersionOrOptions, onError, shouldCreate);
    if (file && key !== undefined) cache.set(key, file);
    return file;
  };
  return host;
}

/** Formats diagnostics as tsc prints them, paths relative to `cwd` (no colour: the output goes to a log). */
export function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], cwd = ROOT): string {
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' });
}

/**
 * How tsc's command line parses JSDoc (executeCommandLine sets it on its host; the API's hosts
 * parse all of it): in .ts and .d.ts files only the comments with @see or @link, the only ones
 * that can change a diagnostic (they mark what they name as used). The rest is documentation
 * no check reads, and skipping it spares ~5 s of the root program's parse and bind.
 */
export const TSC_JSDOC = ts.JSDocParsingMode.ParseForTypeErrors;

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

/** The incremental program of a parsed project, its host sharing `cache`, as `tsc --incremental -p` builds it (its JSDoc parsing too). */
export function incrementalProgram(config: ts.ParsedCommandLine, cache: SourceFileCache): ts.EmitAndSemanticDiagnosticsBuilderProgram {
  const host = ts.createIncrementalCompilerHost(config.options);
  host.jsDocParsingMode = TSC_JSDOC;
  return ts.createIncrementalProgram({
    rootNames: config.fileNames,
    options: config.options,
    projectReferences: config.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
    host: cachingHost(host, cache, config.options, true),
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

/** Runs a lane script's `main` when the file is run as a command: its exit code, or 1 (and the error on stderr) when it throws. */
export function runAsCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
