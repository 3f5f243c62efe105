/** Container entry point: `node dist/main.js`. Configuration comes from the environment only. */
import { loadApiConfig, runMain } from '@aks-platform/common';
import { SERVICE, startApi } from './app';

runMain(SERVICE, loadApiConfig, (config, logger) => startApi({ config, logger }));
