/**
 * The typecheck lane of `npm test` (scripts/test.sh): `tsc --incremental -p` for each
 * project given, in one process, the root project first:
 *
 *   node --require tsx/cjs scripts/typecheck.ts tsconfig.json apps/tsconfig.json apps/frontend/tsconfig.json
 *
 *  - tsconfig.json (the repository's root project) with scripts/typecheck-root.ts's checkRoot:
 *    the check, the library's emit, the consumer build and the provider schema, whose
 *    reports test/consumer.test.ts and test/provider-schema.test.ts wait for (hence first);
 *  - every other project as `tsc --noEmit --incremental -p <tsconfig>`.
 *
 * The programs share their parsed and bound files (scripts/tsc-api.ts, cachingHost): each
 * file is parsed and bound once for all of them, where TypeScript itself would reuse it:
 * declaration and JSON files (TypeScript's lib, @types/node, jest, zod, fastify...) between
 * any projects, as `tsc -b` shares them; source files between projects whose options parse
 * and bind them alike (the apps' program takes apps/common/src from the root's). The apps'
 * program finds ~1,290 of its ~1,470 files parsed and bound by the root's. Each program has
 * its own checker, so the diagnostics are each project's own, as `tsc -p` reports them.
 * `tsc -b` itself is not used: its up-to-date check looks only at a project's own files (its
 * include), not at what they import (the SPA modules the frontend's tests import, node_modules
 * typings), so a warm run could pass over a changed import.
 *
 * Build info per project: node_modules/.cache/aks-platform-tsc/<dir>.tsbuildinfo (root.tsbuildinfo,
 * apps.tsbuildinfo, apps-frontend.tsbuildinfo), so an unchanged project costs its parse only.
 * Diagnostics are tsc's, in tsc's order, each project's after its own; exit status 1 when any
 * project has one (or its check failed).
 */
import { existsSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { writeLaneReport } from './lane-report';
import { checkRoot } from './typecheck-root';
import { formatDiagnostics, incrementalProgram, parseConfig, runAsCommand, SourceFileCache, tscDiagnostics } from './tsc-api';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');

/**
 * Type-checks one project like `tsc --noEmit --incremental -p`: its diagnostics, and a line for
 * the log (how many of its files came parsed and bound from `cache`).
 */
export function checkProject(configPath: string, cache: SourceFileCache): { diagnostics: readonly ts.Diagnostic[]; log: string[] } {
  const name = path.relative(ROOT, path.dirname(path.resolve(configPath))).replace(/[\\/]/g, '-') || 'root';
  const config = parseConfig(configPath, { noEmit: true, incremental: true, tsBuildInfoFile: path.join(CACHE, `${name}.tsbuildinfo`) });
  const before = new Set(cache.values());
  const program = incrementalProgram(config, cache);
  const files = program.getSourceFiles();
  const log = [`${configPath}: ${files.length} files in the program, ${files.filter((f) => before.has(f)).length} of them parsed by an earlier one`];
  return { diagnostics: tscDiagnostics(program, config.options), log };
}

/** CPU seconds of this process so far. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The reports the root project's step owes jest, when it stopped before writing them. */
function reportRootFailure(err: unknown): void {
  const error = `scripts/typecheck-root.ts failed before reporting: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
  for (const variable of ['CONSUMER_BUILD_STATUS', 'PROVIDER_SCHEMA_STATUS']) {
    const file = process.env[variable];
    if (file && !existsSync(file)) writeLaneReport(file, { ok: false, error });
  }
}

export async function main(configs: string[]): Promise<number> {
  if (configs.length === 0) {
    console.error('usage: node --require tsx/cjs scripts/typecheck.ts <tsconfig>...');
    return 2;
  }
  const isRoot = (config: string) => path.resolve(config) === path.join(ROOT, 'tsconfig.json');
  const cache: SourceFileCache = new Map();
  let failed = false;
  // The root project first: jest waits for its reports.
  for (const config of [...configs.filter(isRoot), ...configs.filter((c) => !isRoot(c))]) {
    const started = cpuSeconds();
    let diagnostics: readonly ts.Diagnostic[] = [];
    let log: string[] = [];
    try {
      if (isRoot(config)) ({ diagnostics, log } = await checkRoot(path.resolve(config), cache));
      else ({ diagnostics, log } = checkProject(config, cache));
    } catch (err) {
      failed = true;
      if (isRoot(config)) reportRootFailure(err);
      console.error(`${config}: the check failed:`, err);
      continue;
    }
    if (diagnostics.length > 0) {
      failed = true;
      process.stdout.write(formatDiagnostics(diagnostics));
    }
    for (const line of log) console.log(line);
    console.log(`${config}: ${diagnostics.length} diagnostics, ${(cpuSeconds() - started).toFixed(1)} CPU s`);
  }
  return failed ? 1 : 0;
}

if (require.main === module) runAsCommand(main);
