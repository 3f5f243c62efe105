/**
 * jest's module runtime (jest-runtime) with a V8 code cache per worker: the
 * `runtime` of both jest projects (jest.config.js).
 *
 * jest gives every test file a new module registry in a new realm, so each
 * file compiles every module it loads again: the Pulumi SDK alone is 765
 * modules and 13 MB of JavaScript (TypeScript's compiler, which the SDK loads
 * for closure serialization, is 9 MB of them), @pulumi/azure-native 7 MB
 * more. V8 starts every compile from the source text, with nothing kept
 * between realms. Here the first compile of a module in a worker keeps V8's
 * code cache (its parse, as bytes) and later compiles of the same source,
 * from any test file of that worker, start from it: measured, compiling
 * TypeScript's 9 MB drops from ~250 ms to ~25 ms. Each file still evaluates
 * every module in its own registry and realm: no module instance, no state and
 * no global is shared, only V8's parse of the same text.
 *
 * The code cache is also kept on disk, in node_modules/.cache/aks-platform-
 * code-cache/, one file per module source: the other worker and the next run
 * read V8's bytes instead of compiling (reading is a fraction of a compile's
 * cost). An entry's name is a hash of the module's path, its source text, Node's
 * version and the V8 flags the worker runs with, so an edited module or another
 * Node has entries of its own; V8 checks the bytes again and rejects what does
 * not fit (then the module compiles, as without a cache, and the entry is
 * replaced). Entries are written to a temporary file and renamed, so two
 * workers writing the same entry never leave a half-written one.
 *
 * A cache entry is used only for the very same source text (compared whole),
 * so an edited file (`jest --watch`) compiles afresh. This reaches into
 * jest-runtime's internals (its ModuleExecutor's `compile`); if they change,
 * the runtime says so once and runs as plain jest-runtime, and
 * test/code-cache-runtime.test.ts fails.
 *
 * The same runtime gives jest's framework modules the worker's one copy of a
 * few pure packages instead of one per test file (./shared-internals.cjs).
 *
 * Plain CommonJS: jest loads a `runtime` with Node's `require`, before any
 * transform.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const Runtime = require('jest-runtime').default;
const { requireShared } = require('./shared-internals.cjs');
const { entryPath, pruneUnusedEntries, readEntry: readDisk, writeEntry } = require('../../scripts/disk-cache.cjs');

// V8 rejects a code cache made under other V8 flags, and the Pulumi SDK turns one on when it
// loads (runtime/closure/v8Hooks.js: --allow-natives-syntax, for closure serialization): every
// module compiled before a worker's first SDK load would be compiled twice. The worker starts
// with the flag on instead, as it is for the rest of the worker's life once the SDK has loaded.
v8.setFlagsFromString('--allow-natives-syntax');

/** The global through which a test file can see the cache at work (test/code-cache-runtime.test.ts). */
const STATS_GLOBAL = '__aksPlatformCodeCache';

/** filename -> the source text compiled and V8's code cache for it. One per worker: this module is loaded once per worker. */
const cache = new Map();
/** Counts for the whole worker; `fromDisk` and `written` are the disk cache's share. */
const stats = {
  installed: false,
  compiled: 0,
  fromCache: 0,
  rejected: 0,
  fromDisk: 0,
  written: 0,
  /** Requests of jest's framework modules answered with the worker's copy (./shared-internals.cjs), by package. */
  sharedInternals: {},
  /** ./shared-internals.cjs's requireShared as this worker runs it (test/jest-runtime.test.ts). */
  requireShared,
  /** Forgets the worker's in-memory entries, as a new worker starts (test/jest-runtime.test.ts). */
  forgetInMemory: () => cache.clear(),
};
let warned = false;

/** The disk cache's directory: per clone, with the clone's other caches. */
const DISK_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'aks-platform-code-cache');
/** What V8's code cache depends on besides the source: Node (and so V8), the platform and the flags of this worker. */
const RUNTIME_KEY = [process.version, process.arch, process.execArgv.join(' '), process.env.NODE_OPTIONS ?? '', '--allow-natives-syntax'].join('\n');

/** The disk entry of a module's source. */
function diskPath(filename, source) {
  return entryPath(DISK_DIR, RUNTIME_KEY, filename, source);
}

/** How long an entry no run has read or written stays on disk. */
const UNUSED_DAYS = 7;

/**
 * Removes the disk entries (and leftover temporary files) no run has read or written for
 * `unusedDays`: each edit of a module leaves its old entry behind, and nothing else would
 * remove it. Run once per jest run (test/support/program-runs-setup.ts); returns how many went.
 */
function pruneDiskCache(dir = DISK_DIR, unusedDays = UNUSED_DAYS, now = Date.now()) {
  return pruneUnusedEntries(dir, unusedDays, now);
}

/** Writes an entry (../../scripts/disk-cache.cjs: whole or not at all), counted in the worker's stats. */
function writeDisk(file, data) {
  if (writeEntry(file, data)) stats.written++;
}

/** Whether jest-runtime's executor still looks the way {@link cachingCompile} expects. */
function executorFits(executor) {
  return (
    executor != null &&
    typeof executor.compile === 'function' &&
    Array.isArray(executor.injectedModuleParameters) &&
    typeof executor.dynamicImport === 'function' &&
    executor.environment != null &&
    typeof executor.environment.getVmContext === 'function' &&
    executor.resolution != null &&
    typeof executor.resolution.isCoreModule === 'function'
  );
}

/**
 * jest's ModuleExecutor#compile (jest-runtime 30) with V8's code cache: the
 * same `vm.compileFunction` call with the same parameters, context and
 * dynamic-import hook. Anything it does not handle (core modules, a source
 * that does not compile) goes to jest's own compile, which reports errors its
 * way.
 */
function cachingCompile(executor, jestCompile, scriptSource, filename) {
  const vmContext = executor.environment.getVmContext();
  if (vmContext == null || executor.resolution.isCoreModule(filename)) return jestCompile(scriptSource, filename);
  const entry = cache.get(filename);
  let cachedData = entry !== undefined && entry.source === scriptSource ? entry.data : undefined;
  let disk;
  if (cachedData === undefined) {
    disk = diskPath(filename, scriptSource);
    cachedData = readDisk(disk);
  }
  let compiled;
  try {
    compiled = vm.compileFunction(scriptSource, executor.injectedModuleParameters, {
      filename,
      importModuleDynamically: (specifier, _function, importAttributes, ...rest) =>
        executor.dynamicImport(specifier, filename, vmContext, importAttributes, rest[0]),
      parsingContext: vmContext,
      cachedData,
      produceCachedData: cachedData === undefined,
    });
  } catch {
    return jestCompile(scriptSource, filename);
  }
  if (cachedData !== undefined) {
    if (compiled.cachedDataRejected) {
      stats.rejected++;
      cache.delete(filename);
      // The next compile of this source makes the entry again.
      fs.rmSync(disk ?? diskPath(filename, scriptSource), { force: true });
    } else {
      stats.fromCache++;
      if (disk !== undefined) {
        stats.fromDisk++;
        cache.set(filename, { source: scriptSource, data: cachedData });
      }
    }
  } else {
    stats.compiled++;
    if (compiled.cachedDataProduced && compiled.cachedData) {
      cache.set(filename, { source: scriptSource, data: compiled.cachedData });
      writeDisk(disk, compiled.cachedData);
    }
  }
  return compiled;
}

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    if (!executorFits(executor)) {
      if (!warned) {
        warned = true;
        console.warn('test/support/code-cache-runtime.cjs: jest-runtime internals changed; running without the code cache');
      }
      return;
    }
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (scriptSource, filename) => cachingCompile(executor, jestCompile, scriptSource, filename);
    stats.installed = true;
    const global = executor.environment.global;
    if (global) global[STATS_GLOBAL] = stats;
  }

  /** jest's framework modules get the worker's copy of the packages of ./shared-internals.cjs, and their own of the rest. */
  requireInternalModule(from, to) {
    const shared = requireShared(from, to);
    if (shared === undefined) return super.requireInternalModule(from, to);
    stats.sharedInternals[to] = (stats.sharedInternals[to] ?? 0) + 1;
    return shared.exports;
  }
}

module.exports = CodeCacheRuntime;
module.exports.default = CodeCacheRuntime;
module.exports.pruneDiskCache = pruneDiskCache;
module.exports.readDisk = readDisk;
