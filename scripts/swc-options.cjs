/**
 * SWC options matching the tsconfigs' emit (ES2022, CommonJS, the automatic
 * JSX runtime; types stripped, not checked): one definition for every place
 * the repository compiles TypeScript with SWC instead of tsc — jest's
 * transform (jest.config.js), the program-run server's loader
 * (test/support/swc-register.js) and the apps' build for the tests
 * (scripts/transpile-apps.cjs).
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

module.exports = { swcOptions };
