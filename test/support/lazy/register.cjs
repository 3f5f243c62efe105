/**
 * The stand-ins of this folder (./lazy.cjs) in a plain Node process, as
 * ./resolver.cjs gives them to jest: the Pulumi SDK's own requests for the
 * modules ./resolver.cjs lists get a module that loads the real one when first
 * used. `node -r test/support/lazy/register.cjs`, as the program-run server is
 * started (test/support/program-runs-setup.ts) and the policy pack's runner
 * (test/policy/pack.test.ts): a program run never uses arborist (the SDK
 * computes code paths only for function serialization with packages, which
 * the program does not ask for), and loads TypeScript only when it serializes
 * the dynamic provider's closure; the runner loads gRPC when it serves.
 * Measured: @npmcli/arborist alone is ~0.5 CPU-s of the server's start-up.
 *
 * Plain CommonJS (loaded before any TypeScript loader).
 */
'use strict';
const Module = require('module');
const path = require('path');
const { standIn } = require('./resolver.cjs');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveWithStandIns(request, parent, ...rest) {
  const replacement = parent && parent.filename ? standIn(request, path.dirname(parent.filename)) : undefined;
  return replacement ?? resolveFilename.call(this, request, parent, ...rest);
};
