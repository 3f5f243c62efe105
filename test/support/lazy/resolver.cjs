/**
 * jest's resolver (infra project, jest.config.js) with one change: some of the
 * Pulumi SDK's own requests get the stand-ins of this folder, which load the
 * real module when first used (see ./lazy.cjs). Every other request, including
 * the stand-ins' own and a test's `import 'typescript'`, resolves as jest
 * always does.
 *
 * The SDK loads these at start-up for work an offline run under mocks never
 * does (offline/mocks.ts; a run asks for none of them: test/jest-runtime.test.ts):
 *  - closure serialization (`pulumi.runtime.serializeFunction`, for function-based
 *    resources): TypeScript's compiler (9 MB) and @npmcli/arborist (with pacote, tar,
 *    sigstore, ...), normalize-package-data for the code paths of packages;
 *  - the Automation API (`pulumi.automation`: execa, js-yaml, the language server, ...);
 *  - talking to a real engine: @grpc/grpc-js and the SDK's gRPC clients of the engine, the
 *    resource monitor, providers and callbacks, @opentelemetry/api (trace context for those
 *    calls), semver (the monitor's and plugins' versions).
 * jest loads them again in every test file that loads the SDK (a new module
 * registry each). With all of them the SDK starts with ~110 modules instead of
 * ~320. Measured (2026-12-01, warm caches, five runs each): requiring
 * offline/mocks.ts and installing the mocks in a test file took 390-460 ms of
 * CPU with the closure-serialization stand-ins alone, 100-140 ms with all;
 * whole files' worker CPU (three runs each): test/key-vault.test.ts 2.7-3.0 ->
 * 2.2-2.5 s, test/postgres-database.test.ts 2.1-2.4 -> 1.5-1.9 s,
 * test/aks-cluster.test.ts 4.8-6.1 -> 4.4-5.4 s.
 *
 * Plain CommonJS: jest loads a resolver with Node's `require`.
 */
'use strict';
const path = require('path');

/** Where the SDK's files live (any copy of it). */
const SDK_DIR = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/**
 * The SDK's requests that get a stand-in: `from`, the SDK folder the request is
 * made from ('' for its root, undefined for any folder), `request`, the module
 * name asked for (or a pattern), `file`, the stand-in in this folder.
 */
const STAND_INS = [
  { request: '@npmcli/arborist', file: 'npmcli-arborist.cjs' },
  { request: /^\.{1,2}\/(?:\.\.\/)*typescript-shim(?:\.js)?$/, file: 'pulumi-typescript-shim.cjs' },
  { request: 'normalize-package-data', file: 'normalize-package-data.cjs' },
  { from: '', request: './automation', file: 'pulumi-automation.cjs' },
  { request: '@grpc/grpc-js', file: 'grpc-js.cjs' },
  { from: 'runtime', request: './callbacks', file: 'pulumi-callbacks.cjs' },
  { from: 'runtime', request: '../proto/engine_grpc_pb', file: 'pulumi-engine-grpc.cjs' },
  { from: 'runtime', request: '../proto/resource_grpc_pb', file: 'pulumi-resource-grpc.cjs' },
  { from: 'provider', request: '../proto/provider_grpc_pb', file: 'pulumi-provider-grpc.cjs' },
  { request: '@opentelemetry/api', file: 'opentelemetry-api.cjs' },
  { request: 'semver', file: 'semver.cjs' },
];

/** The stand-in for a request made from `basedir`, if it is one of the SDK's lazy ones. */
function standIn(request, basedir) {
  const dir = `${basedir}${path.sep}`;
  const at = dir.lastIndexOf(SDK_DIR);
  if (at < 0) return undefined;
  // The folder inside the SDK ('' for its root), with '/' between names.
  const from = dir.slice(at + SDK_DIR.length, -1).split(path.sep).join('/');
  for (const s of STAND_INS) {
    if (s.from !== undefined && s.from !== from) continue;
    if (typeof s.request === 'string' ? s.request === request : s.request.test(request)) return path.join(__dirname, s.file);
  }
  return undefined;
}

module.exports = (request, options) => standIn(request, options.basedir) ?? options.defaultResolver(request, options);
module.exports.standIn = standIn;
module.exports.STAND_INS = STAND_INS;
