/**
 * The require hook `npm start` runs TypeScript with: `node --require ./scripts/local/ts-hook.cjs file.ts`
 * (the launcher itself, the local OIDC issuer, and the api and agent under `node --watch`), and the
 * apps' tests' plain Node children (apps/api/test/observability.test.ts's OTLP export,
 * apps/common/test/azure-roots.test.ts's CLI run).
 *
 *  - `.ts` files are compiled by SWC with the repository's options (scripts/swc-options.cjs: ES2022,
 *    CommonJS, types stripped, not checked; the type-check is `npm test`'s), with inline source
 *    maps so that stack traces point at the TypeScript lines;
 *  - `import()` stays a native import(), so ESM-only packages (oidc-provider, jose, selfsigned)
 *    load as they do in Node;
 *  - `@aks-platform/common` resolves to apps/common/src (as in the apps' tests), so an edit there
 *    restarts the api and the agent without a build.
 *
 *  - each compiled file is kept in node_modules/.cache/aks-platform-ts-hook/ (one entry per path
 *    and source text): a later start, or the api's restart after an edit, compiles only what
 *    changed and loads no SWC at all when nothing did (measured: ~0.05 CPU-s of each start of the
 *    api; npm start prunes entries unused for a week).
 *
 * It replaces tsx's require hook here because that hook also reads and scans every JavaScript file
 * of every dependency for ESM syntax: about half a second of CPU at each start of the api (measured:
 * loading apps/api/src/app.ts cost 1.3 CPU-s under tsx/cjs, 0.75 under this hook). Only the
 * repository's own .ts files pass through this one; node_modules load as plain Node loads them.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { registerTypeScript, swcOptions } = require('../swc-options.cjs');

const COMMON = path.resolve(__dirname, '../../apps/common/src/index.ts');
/** The compiled files (registerTypeScript's cache), per clone with its other caches. */
const CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/aks-platform-ts-hook');
const base = swcOptions({ sourceMaps: 'inline' });
const options = { ...base, module: { ...base.module, ignoreDynamic: true } };

process.setSourceMapsEnabled(true);

registerTypeScript(options, { cacheDir: CACHE_DIR });

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, ...rest) {
  return resolve.call(this, request === '@aks-platform/common' ? COMMON : request, ...rest);
};

module.exports = { CACHE_DIR };
