/** Container entry point: `node dist/main.js`. Configuration comes from the environment only. */
import { ConfigError, createLogger, installSignalHandlers, loadAgentConfig } from '@aks-platform/common';
import { SERVICE, startAgent } from './agent';

async function main(): Promise<void> {
  let config;
  try {
    config = loadAgentConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger({ service: SERVICE }).fatal(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const logger = createLogger({ service: SERVICE, level: config.logLevel });
  const agent = await startAgent({ config, logger });
  installSignalHandlers(logger, agent.close, config.shutdownTimeoutMs);
}

main().catch((err: Error) => {
  createLogger({ service: SERVICE }).fatal({ err: { message: err.message, stack: err.stack } }, 'agent failed to start');
  process.exit(1);
});
