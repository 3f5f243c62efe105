/** normalize-package-data, which the Pulumi SDK uses for closure serialization's code paths, loaded when first used: see ./lazy.cjs and ./resolver.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('normalize-package-data'));
