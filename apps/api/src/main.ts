/** Container entry point: `node dist/main.js`. Configuration comes from the environment only. */
import { ConfigError, createLogger, installSignalHandlers, loadApiConfig } from '@aks-platform/common';
import { SERVICE, startApi } from './app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadApiConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger({ service: SERVICE }).fatal(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const api = await startApi({ config, logger });
  installSignalHandlers(logger, api.close, config.shutdownTimeoutMs);
}

main().catch((err: Error) => {
  createLogger({ service: SERVICE }).fatal({ err: { message: err.message, stack: err.stack } }, 'api failed to start');
  process.exit(1);
});
