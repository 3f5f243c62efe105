/** zod's locales (`z.locales`: every language's messages; zod loads English on its own), loaded when first used: see ./lazy.cjs and ./resolver.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from zod: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('zod/v4/locales'));
