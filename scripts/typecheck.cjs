#!/usr/bin/env node
/*
 * `node scripts/typecheck.cjs <tsconfig>...`: `tsc --noEmit --incremental -p <tsconfig>`
 * for each project in turn, in one process (the typecheck lane of scripts/test.sh).
 *
 * The projects share their parsed declaration files (TypeScript's lib, @types/node,
 * zod...), as `tsc -b` shares them between the projects of a build: each is parsed
 * and bound once, not once per project. `tsc -b` itself is not used because its
 * up-to-date check looks only at a project's own files (its include), not at what
 * they import (the SPA modules the frontend's tests import, node_modules typings),
 * so a warm run could pass over a changed import.
 *
 * Build info: node_modules/.cache/aks-platform-tsc/<dir>.tsbuildinfo (apps/frontend/
 * tsconfig.json: apps-frontend.tsbuildinfo), so an unchanged project costs its parse
 * only. Diagnostics are tsc's, in tsc's order; exit status 1 when any project has one.
 */
'use strict';
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'aks-platform-tsc');

/** Declaration and JSON files by path and parse settings, shared by the projects' hosts. */
const shared = new Map();

function sharingHost(options) {
  const host = ts.createIncrementalCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, settings, onError, shouldCreateNewSourceFile) => {
    if (shouldCreateNewSourceFile || !(fileName.endsWith('.d.ts') || fileName.endsWith('.json'))) {
      return getSourceFile(fileName, settings, onError, shouldCreateNewSourceFile);
    }
    const s = typeof settings === 'object' ? settings : { languageVersion: settings };
    const key = `${host.getCanonicalFileName(path.resolve(fileName))}|${s.languageVersion}|${s.impliedNodeFormat}|${s.jsDocParsingMode}`;
    let file = shared.get(key);
    if (!file) {
      file = getSourceFile(fileName, settings, onError);
      if (file) shared.set(key, file);
    }
    return file;
  };
  return host;
}

const formatHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => ROOT,
  getNewLine: () => '\n',
};

/** Type-checks one project like `tsc --noEmit --incremental -p`; returns its diagnostics. */
function check(config) {
  const name = path.relative(ROOT, path.dirname(path.resolve(config))).replace(/[\\/]/g, '-') || 'root';
  const overrides = { noEmit: true, incremental: true, tsBuildInfoFile: path.join(CACHE, `${name}.tsbuildinfo`) };
  const parsed = ts.getParsedCommandLineOfConfigFile(config, overrides, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.formatDiagnostics([d], formatHost));
    },
  });
  const program = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    host: sharingHost(parsed.options),
  });
  // As tsc (emitFilesAndReportErrors): semantic diagnostics only without syntax errors.
  const all = [...program.getConfigFileParsingDiagnostics()];
  const before = all.length;
  all.push(...program.getSyntacticDiagnostics());
  if (all.length === before) {
    all.push(...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics());
    if (all.length === before) all.push(...program.getSemanticDiagnostics());
    if (all.length === before && (parsed.options.declaration || parsed.options.composite)) {
      all.push(...program.getDeclarationDiagnostics());
    }
  }
  // noEmit: writes the build info only.
  all.push(...program.emit().diagnostics);
  return ts.sortAndDeduplicateDiagnostics(all);
}

const configs = process.argv.slice(2);
if (configs.length === 0) {
  console.error('usage: node scripts/typecheck.cjs <tsconfig>...');
  process.exit(2);
}
let failed = false;
for (const config of configs) {
  const started = process.hrtime.bigint();
  const diagnostics = check(config);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (diagnostics.length > 0) {
    failed = true;
    const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    process.stdout.write(format(diagnostics, formatHost));
  }
  console.log(`${config}: ${diagnostics.length} diagnostics, ${seconds.toFixed(1)} s`);
}
process.exit(failed ? 1 : 0);
