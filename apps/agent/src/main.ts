/** Container entry point: `node dist/main.js`. Configuration comes from the environment only. */
import { loadAgentConfig, runMain } from '@aks-platform/common';
import { SERVICE, startAgent } from './agent';

runMain(SERVICE, loadAgentConfig, (config, logger) => startAgent({ config, logger }));
