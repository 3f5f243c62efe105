/**
 * `node --require tsx/cjs scripts/typecheck.ts <tsconfig>...`: `tsc --noEmit
 * --incremental -p <tsconfig>` for each project in turn, in one process (the
 * apps' part of the typecheck lane of scripts/test.sh).
 *
 * The projects share their parsed declaration files (TypeScript's lib, @types/node,
 * zod...), as `tsc -b` shares them between the projects of a build: each is parsed
 * and bound once, not once per project (scripts/tsc-api.ts). `tsc -b` itself is not
 * used because its up-to-date check looks only at a project's own files (its
 * include), not at what they import (the SPA modules the frontend's tests import,
 * node_modules typings), so a warm run could pass over a changed import.
 *
 * Build info: node_modules/.cache/aks-platform-tsc/<dir>.tsbuildinfo (apps/frontend/
 * tsconfig.json: apps-frontend.tsbuildinfo), so an unchanged project costs its parse
 * only. Diagnostics are tsc's, in tsc's order; exit status 1 when any project has one.
 */
import * as path from 'path';
import * as ts from 'typescript';
import { formatDiagnostics, incrementalProgram, parseConfig, SourceFileCache, tscDiagnostics } from './tsc-api';

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');

/** Type-checks one project like `tsc --noEmit --incremental -p`; returns its diagnostics. */
function check(configPath: string, cache: SourceFileCache): readonly ts.Diagnostic[] {
  const name = path.relative(ROOT, path.dirname(path.resolve(configPath))).replace(/[\\/]/g, '-') || 'root';
  const config = parseConfig(configPath, { noEmit: true, incremental: true, tsBuildInfoFile: path.join(CACHE, `${name}.tsbuildinfo`) });
  const program = incrementalProgram(config, cache);
  return tscDiagnostics(program, config.options);
}

function main(configs: string[]): number {
  if (configs.length === 0) {
    console.error('usage: node --require tsx/cjs scripts/typecheck.ts <tsconfig>...');
    return 2;
  }
  const cache: SourceFileCache = new Map();
  let failed = false;
  for (const config of configs) {
    const started = process.hrtime.bigint();
    const diagnostics = check(config, cache);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (diagnostics.length > 0) {
      failed = true;
      process.stdout.write(formatDiagnostics(diagnostics));
    }
    console.log(`${config}: ${diagnostics.length} diagnostics, ${seconds.toFixed(1)} s`);
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
