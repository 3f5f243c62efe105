/** The Pulumi SDK's Automation API (@pulumi/pulumi/automation, which `pulumi.automation` exports), loaded when first used: see ./lazy.cjs and ./resolver.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('@pulumi/pulumi/automation'));
