/**
 * JSON structured logging (pino): every line carries `timestamp` (ISO 8601),
 * `level` (label), `service`, `message` and, inside a request or job, a
 * `correlationId`. Secrets are redacted by key wherever they appear.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values are never written to a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'PGPASSWORD',
  'REDIS_PASSWORD',
  '*.PGPASSWORD',
  '*.REDIS_PASSWORD',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'connectionString',
  '*.connectionString',
];

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Defaults to stdout; tests pass a stream to inspect the lines. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.service },
      messageKey: 'message',
      errorKey: 'err',
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
