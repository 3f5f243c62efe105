/** The Pulumi SDK's gRPC client for the resource monitor (@pulumi/pulumi/proto/resource_grpc_pb), loaded when first used: see ./lazy.cjs and ./resolver.cjs. */
'use strict';
const { lazyModule } = require('./lazy.cjs');

// Asked for from here, not from the SDK: ./resolver.cjs resolves it as usual.
module.exports = lazyModule(() => require('@pulumi/pulumi/proto/resource_grpc_pb'));
