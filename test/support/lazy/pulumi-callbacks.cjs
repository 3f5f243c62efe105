/** The Pulumi SDK's callback server (@pulumi/pulumi/runtime/callbacks, made for the first transform or hook the engine calls back), loaded when first used: see ./lazy.cjs and ./resolver.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('@pulumi/pulumi/runtime/callbacks'));
