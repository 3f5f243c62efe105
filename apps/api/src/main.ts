/** Container entry point: `node dist/main.js`. Configuration comes from the environment only. */
import { loadApiConfig, runMain } from '@aks-platform/common';

/** The api's service name (app.ts's SERVICE: the type ties the two). */
const SERVICE: typeof import('./app').SERVICE = 'api';

// The server (./app: Fastify, Socket.IO, helmet, jose, the api's routes) is required once the
// configuration is valid: a misconfigured pod exits 2 without loading it. Measured 2026-12-01:
// an exit on a bad REDIS_TLS took 0.75-0.86 CPU-s with ./app imported up front, 0.44-0.60 without;
// apps/api/test/shutdown.test.ts's two such exits 1.27-1.41 -> 0.74-0.91 CPU-s (two cold runs each).
// A plain require, not import(): npm start's require hook keeps import() native.
runMain(SERVICE, loadApiConfig, (config, logger) => (require('./app') as typeof import('./app')).startApi({ config, logger }));
