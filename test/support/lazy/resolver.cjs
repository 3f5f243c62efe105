/**
 * jest's resolver (infra project, jest.config.js) with one change: the Pulumi
 * SDK's own requests for TypeScript's compiler and @npmcli/arborist get the
 * stand-ins of this folder, which load the real module when first used (see
 * ./lazy.cjs). Every other request, including the stand-ins' own and a test's
 * `import 'typescript'`, resolves as jest always does.
 *
 * Plain CommonJS: jest loads a resolver with Node's `require`.
 */
'use strict';
const path = require('path');

/** Where the SDK's files live (any copy of it). */
const SDK_DIR = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/** The stand-in for a request made from `basedir`, if it is one of the SDK's lazy ones. */
function standIn(request, basedir) {
  if (!`${basedir}${path.sep}`.includes(SDK_DIR)) return undefined;
  if (request === '@npmcli/arborist') return path.join(__dirname, 'npmcli-arborist.cjs');
  if (/^\.{1,2}\/(?:\.\.\/)*typescript-shim(?:\.js)?$/.test(request)) return path.join(__dirname, 'pulumi-typescript-shim.cjs');
  return undefined;
}

module.exports = (request, options) => standIn(request, options.basedir) ?? options.defaultResolver(request, options);
module.exports.standIn = standIn;
