/**
 * SWC options matching the tsconfigs' emit (ES2022, CommonJS, the automatic
 * JSX runtime; types stripped, not checked): one definition for every place
 * the repository compiles TypeScript with SWC instead of tsc — jest's
 * transform (jest.config.js), the program-run server's loader
 * (test/support/swc-register.js), `npm start`'s (scripts/local/ts-hook.cjs)
 * and the apps' build for the tests (scripts/transpile-apps.cjs).
 *
 * Plain CommonJS: jest.config.js and the loaders load it before any transform.
 */
'use strict';

/**
 * @param {{ tsx?: boolean, sourceMaps?: boolean | 'inline' }} [opts]
 * @returns {import('@swc/core').Options}
 */
function swcOptions({ tsx = false, sourceMaps = false } = {}) {
  return {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', tsx },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
    sourceMaps,
  };
}

/**
 * A function that turns a `.ts` file's source into CommonJS with SWC and `options`.
 *
 * With `cacheDir`, each result is kept there, one entry per file path and source text (and SWC
 * version and options), and a later process that transpiles the same source reads the entry
 * instead: @swc/core itself (a 10 MB native binding) is loaded only for a file that has no entry
 * yet. Entries are written whole or not at all (temporary file, then rename), so processes
 * starting side by side may share the directory; reading one marks it as used, and
 * {@link pruneTranspileCache} removes those no process has used for a week. `compile` replaces
 * SWC (tests count its calls).
 * @param {import('@swc/core').Options} options
 * @param {{ cacheDir?: string, compile?: (source: string, filename: string) => string }} [cache]
 * @returns {(source: string, filename: string) => string}
 */
function transpiler(options, { cacheDir, compile } = {}) {
  /** @type {typeof import('@swc/core') | undefined} */
  let swc;
  const transpile =
    compile ??
    ((source, filename) => {
      swc ??= require('@swc/core');
      return swc.transformSync(source, { ...options, filename }).code;
    });
  if (!cacheDir) return transpile;
  const { entryPath, readEntry, writeEntry } = require('./disk-cache.cjs');
  // What an entry depends on besides the file: SWC's version (its package.json, which costs
  // nothing next to loading SWC) and the options.
  const version = require('@swc/core/package.json').version;
  const settings = JSON.stringify(options);
  return (source, filename) => {
    const entry = entryPath(cacheDir, version, settings, filename, source);
    const cached = readEntry(entry, 'utf8');
    if (cached !== undefined) return cached;
    const code = transpile(source, filename);
    writeEntry(entry, code);
    return code;
  };
}

/**
 * Makes Node's `require` compile `.ts` files with SWC and `options` (the repository's
 * require hooks: test/support/swc-register.js, scripts/local/ts-hook.cjs), through
 * {@link transpiler}'s cache when `cache.cacheDir` is set.
 * @param {import('@swc/core').Options} options
 * @param {{ cacheDir?: string }} [cache]
 */
function registerTypeScript(options, cache = {}) {
  const { readFileSync } = require('fs');
  const transpile = transpiler(options, cache);
  require.extensions['.ts'] = function compileTs(module, filename) {
    module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
  };
}

/**
 * Removes the entries of a {@link registerTypeScript} cache that no process has read or written
 * for `unusedDays` (each edit of a file leaves its old entry behind), and temporary files left by
 * a process that died while writing. Returns how many went.
 * @param {string} cacheDir
 * @param {number} [unusedDays]
 * @param {number} [now]
 */
function pruneTranspileCache(cacheDir, unusedDays = 7, now = Date.now()) {
  return require('./disk-cache.cjs').pruneUnusedEntries(cacheDir, unusedDays, now);
}

module.exports = { swcOptions, transpiler, registerTypeScript, pruneTranspileCache };
