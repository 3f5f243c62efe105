import { ConfigError } from './config';
import { createLogger, type Logger } from './logger';
import { errorMessage } from './util';

/**
 * Runs `shutdown` once on SIGTERM/SIGINT and exits 0 when it completes, or 1
 * when it fails or exceeds `timeoutMs` (keep it below the pod's
 * terminationGracePeriodSeconds so the kubelet never has to SIGKILL).
 */
export function installSignalHandlers(logger: Logger, shutdown: () => Promise<void>, timeoutMs: number): void {
  let started = false;
  const exit = (code: number) => logger.flush(() => process.exit(code));
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    logger.info({ signal, timeoutMs }, 'shutdown started');
    const t0 = Date.now();
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out; exiting');
      exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        logger.info({ durationMs: Date.now() - t0 }, 'shutdown complete');
        exit(0);
      },
      (err) => {
        logger.error({ err: { message: errorMessage(err) } }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/**
 * While an HTTP server drains, keep-alive connections whose last request finishes become idle
 * after close() began and would hold it open; this closes them as they go idle. Returns a stop function.
 */
export function sweepIdleConnections(server: { closeIdleConnections(): void }, everyMs = 50): () => void {
  server.closeIdleConnections();
  const t = setInterval(() => server.closeIdleConnections(), everyMs);
  return () => clearInterval(t);
}

/** server.close() that also ends keep-alive connections once their in-flight request is done. */
export function closeHttpServer(server: import('node:http').Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stop = sweepIdleConnections(server);
    server.close((err) => {
      stop();
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(err);
      else resolve();
    });
  });
}

/**
 * Container entry point shared by the api and agent: parse the environment (exit 2 with the
 * ConfigError message when invalid), start, and stop gracefully on SIGTERM/SIGINT.
 */
export function runMain<C extends { logLevel: string; shutdownTimeoutMs: number }>(
  service: string,
  loadConfig: (env: NodeJS.ProcessEnv) => C,
  start: (config: C, logger: Logger) => Promise<{ close(): Promise<void> }>,
): void {
  const main = async () => {
    let config: C;
    try {
      config = loadConfig(process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        const log = createLogger({ service });
        log.fatal(err.message);
        log.flush(() => process.exit(2));
        return;
      }
      throw err;
    }
    const logger = createLogger({ service, level: config.logLevel });
    const app = await start(config, logger);
    installSignalHandlers(logger, () => app.close(), config.shutdownTimeoutMs);
  };
  main().catch((err: Error) => {
    const log = createLogger({ service });
    log.fatal({ err: { message: err.message, stack: err.stack } }, `${service} failed to start`);
    log.flush(() => process.exit(1));
  });
}
