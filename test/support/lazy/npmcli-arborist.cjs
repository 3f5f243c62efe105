/** @npmcli/arborist, which the Pulumi SDK loads for closure serialization, loaded when first used: see ./lazy.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('@npmcli/arborist'));
