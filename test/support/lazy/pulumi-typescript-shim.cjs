/** The Pulumi SDK's TypeScript shim (typescript-shim.js), loaded when first used: see ./lazy.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('@pulumi/pulumi/typescript-shim'));
