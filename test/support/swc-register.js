/**
 * Loads TypeScript in a plain Node process the way jest does (the same SWC
 * options, scripts/swc-options.cjs: ES2022, CommonJS; types stripped, not checked): the program-run
 * server (offline/run-server.ts) runs the program with the code the test files
 * would run. `node -r ./test/support/swc-register.js file.ts`. No source maps
 * (no stack trace is mapped, as none is in a run), unless OFFLINE_STACK_TRACES=1.
 */
const { registerTypeScript, swcOptions } = require('../../scripts/swc-options.cjs');

const traces = process.env.OFFLINE_STACK_TRACES === '1';
if (traces) process.setSourceMapsEnabled(true);

registerTypeScript(swcOptions({ sourceMaps: traces ? 'inline' : false }));
