/**
 * Environment configuration shared by the api and the agent. Configuration
 * comes only from environment variables; every error names the variable and
 * the values it accepts so a misconfigured pod fails fast with a clear message.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const SSL_MODES = ['disable', 'require', 'verify-full'] as const;

const int = (min: number, max: number, dflt: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be >= ${min}`).max(max, `must be <= ${max}`))
    .optional()
    .transform((v) => v ?? dflt);

const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false'], { message: 'must be one of: true, false' })
    .optional()
    .transform((v) => (v === undefined ? dflt : v === 'true'));

const nonEmpty = z.string().trim().min(1, 'must not be empty');

const baseSchema = {
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of: ${LOG_LEVELS.join(', ')}` }).default('info'),
  PGHOST: nonEmpty,
  PGPORT: int(1, 65535, 5432),
  PGDATABASE: nonEmpty,
  PGUSER: nonEmpty,
  PGPASSWORD: z.string().optional(),
  PGPASSWORD_FILE: nonEmpty.optional(),
  PGSSLMODE: z.enum(SSL_MODES, { message: `must be one of: ${SSL_MODES.join(', ')}` }).default('require'),
  REDIS_HOST: nonEmpty,
  REDIS_PORT: int(1, 65535, 6379),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_PASSWORD_FILE: nonEmpty.optional(),
  REDIS_TLS: bool(true),
};

export interface PgConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslMode: (typeof SSL_MODES)[number];
}

export interface RedisConfig {
  host: string;
  port: number;
  password?: string;
  tls: boolean;
}

export interface BaseConfig {
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownTimeoutMs: number;
  port: number;
  pg: PgConfig;
  redis: RedisConfig;
}

export interface ApiConfig extends BaseConfig {
  corsOrigin?: string;
  outboxIntervalMs: number;
  jobRequeueAfterMs: number;
}

export interface AgentConfig extends BaseConfig {
  concurrency: number;
  visibilityTimeoutMs: number;
  maxAttempts: number;
}

function parse<S extends z.ZodRawShape>(shape: S, env: Env): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

/** Reads a secret from `<NAME>_FILE` (wins; trailing newline trimmed) or `<NAME>`. */
export function readSecret(name: string, value: string | undefined, file: string | undefined): string | undefined {
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(`${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return value === '' ? undefined : value;
}

function base(env: Env, portDefault: number, shutdownDefault: number) {
  const e = parse(
    { ...baseSchema, PORT: int(1, 65535, portDefault), SHUTDOWN_TIMEOUT_MS: int(1000, 600000, shutdownDefault) },
    env,
  );
  const cfg: BaseConfig = {
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    port: e.PORT,
    pg: {
      host: e.PGHOST,
      port: e.PGPORT,
      database: e.PGDATABASE,
      user: e.PGUSER,
      password: readSecret('PGPASSWORD', e.PGPASSWORD, e.PGPASSWORD_FILE),
      sslMode: e.PGSSLMODE,
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: readSecret('REDIS_PASSWORD', e.REDIS_PASSWORD, e.REDIS_PASSWORD_FILE),
      tls: e.REDIS_TLS,
    },
  };
  return cfg;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const cfg = base(env, 5000, 25000);
  const e = parse(
    {
      CORS_ORIGIN: nonEmpty.optional(),
      OUTBOX_INTERVAL_MS: int(100, 600000, 2000),
      JOB_REQUEUE_AFTER_MS: int(1000, 86400000, 120000),
    },
    env,
  );
  return { ...cfg, corsOrigin: e.CORS_ORIGIN, outboxIntervalMs: e.OUTBOX_INTERVAL_MS, jobRequeueAfterMs: e.JOB_REQUEUE_AFTER_MS };
}

export function loadAgentConfig(env: Env = process.env): AgentConfig {
  const cfg = base(env, 7000, 25000);
  const e = parse(
    {
      AGENT_CONCURRENCY: int(1, 16, 2),
      JOB_VISIBILITY_TIMEOUT_MS: int(1000, 3600000, 30000),
      JOB_MAX_ATTEMPTS: int(1, 100, 5),
    },
    env,
  );
  return { ...cfg, concurrency: e.AGENT_CONCURRENCY, visibilityTimeoutMs: e.JOB_VISIBILITY_TIMEOUT_MS, maxAttempts: e.JOB_MAX_ATTEMPTS };
}
