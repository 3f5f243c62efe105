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
 *  3. scripts/provider-schema.ts (before the check, as soon as the root
 *     program exists): the schema Pulumi infers for the provider, its
 *     analyzer's program reusing the parsed SDK typings (or, with unchanged
 *     inputs, the stored schema, reported before the root program is made).
 *     test/provider-schema.test.ts asserts on it.
 *
 * Usage: node --require tsx/cjs scripts/typecheck-root.ts -p tsconfig.json
 * Exits 0 when the root project has no diagnostics, 2 otherwise (as tsc); the
 * consumer build's and the schema's outcomes go to their status files
 * (CONSUMER_BUILD_STATUS, PROVIDER_SCHEMA_STATUS), not into this exit code.
 */
import { mkdirSync } from 'fs';
import * as path from 'path';
import { buildConsumer } from './consumer-build';
import { reportSchema, reportStoredSchema } from './provider-schema';
import { formatDiagnostics, incrementalProgram, parseConfig, SourceFileCache, tscDiagnostics } from './tsc-api';

const ROOT = path.resolve(__dirname, '..');
const TSC_CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');
export const ROOT_OUT = path.join(TSC_CACHE, 'root-out');

/** CPU seconds of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

async function main(argv: string[]): Promise<number> {
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
  const schemaReported = reportStoredSchema();
  const cache: SourceFileCache = new Map();
  const builder = incrementalProgram(config, cache);
  lap('program');
  // Before the check: test/provider-schema.test.ts waits for it, test/consumer.test.ts for the whole lane.
  const schemaLine = schemaReported ? undefined : await reportSchema(cache);
  if (!schemaReported) lap('provider schema');

  const diagnostics = tscDiagnostics(builder, config.options);
  lap('check and emit');
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
  if (schemaLine) process.stdout.write(`${schemaLine}\n`);
  process.stdout.write(`typecheck-root: ${config.fileNames.length} root files, ${builder.getSourceFiles().length} in the program; CPU s: ${phases.join(', ')}\n`);
  return diagnostics.length > 0 ? 2 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
