/**
 * Packages of jest's own test framework that every test file loads again and that need no realm
 * of their own: the code-cache runtime (./code-cache-runtime.cjs) gives jest's framework modules
 * (jest-circus, expect, jest-snapshot and what they load into each test file's realm) the
 * worker's single copy of these, loaded once by Node's require, as jest itself does for chalk.
 *
 * jest loads its framework into every test file's realm: 550 kB of JavaScript and ~60 packages,
 * evaluated again per file (measured: ~60 ms of CPU per file, ~90 ms for a file with one test).
 * Most of it must stay per file: expect, jest-circus and jest-snapshot keep the file's state on
 * its global, and what compares or formats values (expect-utils, get-type, pretty-format,
 * jest-util) relies on `instanceof` and the realm's constructors. The packages listed here are
 * pure functions and constants of plain values: colours, strings, stack-line parsing, the
 * shuffle's random numbers, React element symbols (Symbol.for, the same in every realm), diff
 * sequences, glob matching, and the packages the worker has already loaded outside the realms
 * (graceful-fs, @jest/transform, which jest-snapshot only uses with a custom snapshot resolver).
 * Nothing that makes promises (p-limit, co) or errors for the test file to see is listed.
 * Measured on 40 one-test files: ~20 ms less CPU per file.
 *
 * Only requests made by jest's framework modules (jest-runtime's requireInternalModule) come
 * here; a test's own `require` of one of these packages still gets its own copy, as before.
 * test/jest-runtime.test.ts fails when a jest upgrade stops asking for one of them by this name.
 *
 * Plain CommonJS: loaded by the runtime with Node's `require`.
 */
'use strict';

const { createRequire } = require('node:module');

/** The package names, as jest's framework modules request them. */
const SHARED_INTERNAL_PACKAGES = new Set([
  '@babel/code-frame',
  '@jest/diff-sequences',
  '@jest/react-is-18',
  '@jest/react-is-19',
  '@jest/transform',
  'ansi-styles',
  'chalk',
  'ci-info',
  'dedent',
  'graceful-fs',
  'is-generator-fn',
  'natural-compare',
  'picomatch',
  'pure-rand',
  'slash',
  'stack-utils',
]);

/** Node's require for each requesting module: the request resolves from there, as in the realm. */
const requires = new Map();

/**
 * The worker's copy of `request` for jest's framework module `from`, or `undefined` when the
 * request is not one of {@link SHARED_INTERNAL_PACKAGES} (then it loads into the file's realm).
 */
function requireShared(from, request) {
  if (typeof request !== 'string' || !SHARED_INTERNAL_PACKAGES.has(request)) return undefined;
  let requireFrom = requires.get(from);
  if (requireFrom === undefined) {
    requireFrom = createRequire(from);
    requires.set(from, requireFrom);
  }
  return { exports: requireFrom(request) };
}

module.exports = { SHARED_INTERNAL_PACKAGES, requireShared };
