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
 * Makes Node's `require` compile `.ts` files with SWC and `options` (the repository's
 * require hooks: test/support/swc-register.js, scripts/local/ts-hook.cjs).
 * @param {import('@swc/core').Options} options
 */
function registerTypeScript(options) {
  const { readFileSync } = require('fs');
  const { transformSync } = require('@swc/core');
  require.extensions['.ts'] = function compileTs(module, filename) {
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
    module._compile(code, filename);
  };
}

module.exports = { swcOptions, registerTypeScript };
