/**
 * Environment configuration shared by the api and the agent. Configuration
 * comes only from environment variables; every error names the variable and
 * the values it accepts so a misconfigured pod fails fast with a clear message.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { MAX_SLEEP_MS } from './jobs';

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

const PG_AUTH_MODES = ['password', 'entra'] as const;
const REDIS_AUTH_MODES = ['password', 'entra'] as const;

const baseSchema = {
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of: ${LOG_LEVELS.join(', ')}` }).default('info'),
  PGHOST: nonEmpty,
  PGPORT: int(1, 65535, 5432),
  PGDATABASE: nonEmpty,
  PGUSER: nonEmpty,
  PGPASSWORD: z.string().optional(),
  PGPASSWORD_FILE: nonEmpty.optional(),
  PGSSLMODE: z.enum(SSL_MODES, { message: `must be one of: ${SSL_MODES.join(', ')}` }).default('require'),
  PGSSLROOTCERT: nonEmpty.optional(),
  PG_AUTH: z.enum(PG_AUTH_MODES, { message: `must be one of: ${PG_AUTH_MODES.join(', ')}` }).default('password'),
  REDIS_HOST: nonEmpty,
  REDIS_PORT: int(1, 65535, 6379),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_PASSWORD_FILE: nonEmpty.optional(),
  REDIS_TLS: bool(true),
  REDIS_AUTH: z.enum(REDIS_AUTH_MODES, { message: `must be one of: ${REDIS_AUTH_MODES.join(', ')}` }).default('password'),
  REDIS_USERNAME: nonEmpty.optional(),
  APP_ENVIRONMENT: nonEmpty.optional(),
  MIGRATE_ON_START: bool(false),
  READ_ONLY: bool(false),
  JOB_SLEEP_MAX_MS: int(1, MAX_SLEEP_MS, MAX_SLEEP_MS),
  SECRET_REFRESH_MS: int(1000, 3600000, 30000),
};

export interface PgConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Static password (PGPASSWORD); PGPASSWORD_FILE is re-read instead (`passwordFile`). */
  password?: string;
  /** File holding the password, re-read for new connections so a rotated secret needs no restart. */
  passwordFile?: string;
  /** `entra`: the workload identity's Entra token is the password (refreshed before it expires). */
  auth?: (typeof PG_AUTH_MODES)[number];
  sslMode: (typeof SSL_MODES)[number];
  /** CA bundle (PEM) for verify-full; default: Node's bundled roots. */
  sslRootCert?: string;
}

export interface RedisConfig {
  host: string;
  port: number;
  password?: string;
  /** File holding the password, re-read every `secretRefreshMs` (rotation without restart). */
  passwordFile?: string;
  /** `entra`: ACL user `username` (the identity's object id) with an Entra token as password. */
  auth?: (typeof REDIS_AUTH_MODES)[number];
  username?: string;
  tls: boolean;
  /** How often a changeable credential is re-read (default 30 s). */
  secretRefreshMs?: number;
}

export interface BaseConfig {
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownTimeoutMs: number;
  port: number;
  pg: PgConfig;
  redis: RedisConfig;
  /** `local` unlocks local-only switches (AUTH_MODE=none). Unset in every deployed stack. */
  appEnvironment?: string;
  /** Apply schema migrations at start (local runs and tests only; deployments run the migration Job). */
  migrateOnStart: boolean;
  /** Longest accepted `sleep` job (ms). */
  sleepMaxMs: number;
  /**
   * READ_ONLY=true: this region is the standby (its database is a read replica until promotion).
   * The api refuses every write with 503 + Retry-After and runs no outbox relay; the agent
   * consumes no queue entry and deletes nothing. Reads, health and readiness work as usual.
   */
  readOnly: boolean;
}

export const AUTH_MODES = ['entra', 'none'] as const;

export interface AuthConfig {
  /** `none` (no token checks; every caller is the user `local`) is accepted only with APP_ENVIRONMENT=local. */
  mode: (typeof AUTH_MODES)[number];
  issuer?: string;
  audiences: string[];
  jwksUri?: string;
  /** Scope (delegated `scp`) or app role (`roles`) every token must carry. */
  requiredScope: string;
  clockToleranceS: number;
}

export interface RateLimitConfig {
  windowMs: number;
  submitPerUser: number;
  submitPerIp: number;
  readPerUser: number;
  readPerIp: number;
}

export interface SocketLimitConfig {
  maxMessageBytes: number;
  maxSubscriptions: number;
  subscribesPerSecond: number;
}

export interface ApiConfig extends BaseConfig {
  /** Allowed browser origins (CORS and the Socket.IO handshake); same-origin is always allowed. */
  corsOrigins: string[];
  /** @deprecated first entry of corsOrigins (kept for callers of the old field). */
  corsOrigin?: string;
  outboxIntervalMs: number;
  jobRequeueAfterMs: number;
  auth: AuthConfig;
  rateLimit: RateLimitConfig;
  socket: SocketLimitConfig;
  /** fastify trustProxy: false, a hop count, or a list of proxy addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface AgentConfig extends BaseConfig {
  concurrency: number;
  visibilityTimeoutMs: number;
  maxAttempts: number;
  retentionDays: number;
  retentionIntervalMs: number;
  retentionBatch: number;
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
      // Read once here so a missing file fails the start with a clear message; re-read later.
      password: readSecret('PGPASSWORD', e.PGPASSWORD, e.PGPASSWORD_FILE),
      passwordFile: e.PGPASSWORD_FILE,
      auth: e.PG_AUTH,
      sslMode: e.PGSSLMODE,
      sslRootCert: e.PGSSLROOTCERT,
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: readSecret('REDIS_PASSWORD', e.REDIS_PASSWORD, e.REDIS_PASSWORD_FILE),
      passwordFile: e.REDIS_PASSWORD_FILE,
      auth: e.REDIS_AUTH,
      username: e.REDIS_USERNAME,
      tls: e.REDIS_TLS,
      secretRefreshMs: e.SECRET_REFRESH_MS,
    },
    appEnvironment: e.APP_ENVIRONMENT,
    migrateOnStart: e.MIGRATE_ON_START,
    sleepMaxMs: e.JOB_SLEEP_MAX_MS,
    readOnly: e.READ_ONLY,
  };
  if (e.READ_ONLY && e.MIGRATE_ON_START) {
    throw new ConfigError('invalid configuration: MIGRATE_ON_START: must be false with READ_ONLY=true (a standby\'s database is a read replica; it gets the schema from the primary by replication)');
  }
  if (e.PGSSLROOTCERT !== undefined && e.PGSSLMODE !== 'verify-full') {
    throw new ConfigError(`invalid configuration: PGSSLROOTCERT: only used with PGSSLMODE=verify-full (got ${e.PGSSLMODE})`);
  }
  if (e.PGSSLROOTCERT !== undefined) {
    try {
      readFileSync(e.PGSSLROOTCERT);
    } catch (err) {
      throw new ConfigError(`invalid configuration: PGSSLROOTCERT: cannot read ${e.PGSSLROOTCERT} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (e.REDIS_AUTH === 'entra' && !e.REDIS_USERNAME) {
    throw new ConfigError('invalid configuration: REDIS_USERNAME: required with REDIS_AUTH=entra (the object id of the workload identity)');
  }
  return cfg;
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const LOOPBACK_URL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** Entra ID's v2 issuer (https://login.microsoftonline.com/<tenant>/v2.0) and its JWKS (…/discovery/v2.0/keys). */
export function entraJwksUri(issuer: string): string | undefined {
  const m = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/i.exec(issuer);
  return m ? `https://login.microsoftonline.com/${m[1]}/discovery/v2.0/keys` : undefined;
}

function parseTrustProxy(v: string | undefined): boolean | number | string[] {
  if (v === undefined || v === '' || v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.find((x) => !/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(x));
  if (bad) throw new ConfigError(`invalid configuration: TRUST_PROXY: "${bad}" is not an address or CIDR; allowed: false, a hop count, or a comma list of addresses/CIDRs`);
  return list;
}

export function loadApiConfig(env: Env = process.env): ApiConfig {
  const cfg = base(env, 5000, 25000);
  const e = parse(
    {
      CORS_ORIGIN: z.string().optional(),
      OUTBOX_INTERVAL_MS: int(100, 600000, 1000),
      JOB_REQUEUE_AFTER_MS: int(1000, 86400000, 120000),
      AUTH_MODE: z.enum(AUTH_MODES, { message: `must be one of: ${AUTH_MODES.join(', ')}` }).default('entra'),
      AUTH_ISSUER: nonEmpty.optional(),
      AUTH_AUDIENCE: nonEmpty.optional(),
      AUTH_JWKS_URI: nonEmpty.optional(),
      AUTH_REQUIRED_SCOPE: z.string().trim().regex(/^[A-Za-z0-9._:/-]{1,200}$/, 'must be one scope name').default('Jobs.ReadWrite'),
      AUTH_CLOCK_SKEW_S: int(0, 300, 30),
      RATE_LIMIT_WINDOW_MS: int(1000, 3600000, 60000),
      RATE_LIMIT_SUBMIT_PER_USER: int(1, 1000000, 30),
      RATE_LIMIT_SUBMIT_PER_IP: int(1, 1000000, 120),
      RATE_LIMIT_READ_PER_USER: int(1, 1000000, 600),
      RATE_LIMIT_READ_PER_IP: int(1, 1000000, 1200),
      SOCKET_MAX_MESSAGE_BYTES: int(256, 1048576, 8192),
      SOCKET_MAX_SUBSCRIPTIONS: int(1, 10000, 100),
      SOCKET_SUBSCRIBES_PER_SECOND: int(1, 10000, 10),
      TRUST_PROXY: z.string().optional(),
      REQUEST_TIMEOUT_MS: int(1000, 600000, 10000),
      HEADERS_TIMEOUT_MS: int(1000, 600000, 5000),
      KEEPALIVE_TIMEOUT_MS: int(1000, 600000, 5000),
    },
    env,
  );
  const origins = (e.CORS_ORIGIN ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  const badOrigin = origins.find((o) => !ORIGIN.test(o));
  if (badOrigin) throw new ConfigError(`invalid configuration: CORS_ORIGIN: "${badOrigin}" is not an origin; allowed: comma-separated http(s)://host[:port] without path`);
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(`invalid configuration: HEADERS_TIMEOUT_MS: must be <= REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS})`);
  }
  const auth: AuthConfig = {
    mode: e.AUTH_MODE,
    issuer: e.AUTH_ISSUER,
    audiences: (e.AUTH_AUDIENCE ?? '').split(',').map((a) => a.trim()).filter(Boolean),
    jwksUri: e.AUTH_JWKS_URI,
    requiredScope: e.AUTH_REQUIRED_SCOPE,
    clockToleranceS: e.AUTH_CLOCK_SKEW_S,
  };
  if (auth.mode === 'none') {
    if (cfg.appEnvironment !== 'local') {
      throw new ConfigError(`invalid configuration: AUTH_MODE: "none" is accepted only with APP_ENVIRONMENT=local (got ${cfg.appEnvironment ?? 'unset'}); allowed: entra`);
    }
  } else {
    if (!auth.issuer) throw new ConfigError('invalid configuration: AUTH_ISSUER: required (e.g. https://login.microsoftonline.com/<tenant-id>/v2.0)');
    if (auth.audiences.length === 0) throw new ConfigError('invalid configuration: AUTH_AUDIENCE: required (the api app registration\'s client id or Application ID URI)');
    const local = cfg.appEnvironment === 'local';
    for (const [key, url] of [['AUTH_ISSUER', auth.issuer], ['AUTH_JWKS_URI', auth.jwksUri]] as const) {
      if (url === undefined) continue;
      if (!url.startsWith('https://') && !(local && LOOPBACK_URL.test(url))) {
        throw new ConfigError(`invalid configuration: ${key}: must be an https:// URL (http://127.0.0.1 only with APP_ENVIRONMENT=local); got ${url}`);
      }
    }
    auth.jwksUri ??= entraJwksUri(auth.issuer);
    if (!auth.jwksUri) throw new ConfigError(`invalid configuration: AUTH_JWKS_URI: required when AUTH_ISSUER is not an Entra ID v2 issuer (${auth.issuer})`);
  }
  return {
    ...cfg,
    corsOrigins: origins,
    corsOrigin: origins[0],
    outboxIntervalMs: e.OUTBOX_INTERVAL_MS,
    jobRequeueAfterMs: e.JOB_REQUEUE_AFTER_MS,
    auth,
    rateLimit: {
      windowMs: e.RATE_LIMIT_WINDOW_MS,
      submitPerUser: e.RATE_LIMIT_SUBMIT_PER_USER,
      submitPerIp: e.RATE_LIMIT_SUBMIT_PER_IP,
      readPerUser: e.RATE_LIMIT_READ_PER_USER,
      readPerIp: e.RATE_LIMIT_READ_PER_IP,
    },
    socket: {
      maxMessageBytes: e.SOCKET_MAX_MESSAGE_BYTES,
      maxSubscriptions: e.SOCKET_MAX_SUBSCRIPTIONS,
      subscribesPerSecond: e.SOCKET_SUBSCRIBES_PER_SECOND,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEPALIVE_TIMEOUT_MS,
  };
}

export function loadAgentConfig(env: Env = process.env): AgentConfig {
  const cfg = base(env, 7000, 25000);
  const e = parse(
    {
      AGENT_CONCURRENCY: int(1, 16, 2),
      JOB_VISIBILITY_TIMEOUT_MS: int(1000, 3600000, 5000),
      JOB_MAX_ATTEMPTS: int(1, 100, 5),
      JOB_RETENTION_DAYS: int(1, 3650, 30),
      RETENTION_INTERVAL_MS: int(1000, 86400000, 3600000),
      RETENTION_BATCH: int(1, 100000, 500),
    },
    env,
  );
  return {
    ...cfg,
    concurrency: e.AGENT_CONCURRENCY,
    visibilityTimeoutMs: e.JOB_VISIBILITY_TIMEOUT_MS,
    maxAttempts: e.JOB_MAX_ATTEMPTS,
    retentionDays: e.JOB_RETENTION_DAYS,
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
    retentionBatch: e.RETENTION_BATCH,
  };
}

export interface MigrationConfig {
  logLevel: (typeof LOG_LEVELS)[number];
  /** The owner role (server admin or the schema owner), not the apps' roles. */
  pg: PgConfig;
  /** Login roles made members of jobs_api / jobs_agent (Entra principals or password roles). */
  apiLogins: LoginRoleRef[];
  agentLogins: LoginRoleRef[];
  /**
   * `none` (default): the login roles must exist. `entra`: a missing login role is created as an
   * Entra principal (pgaadauth_create_principal_with_oid, in `principalsDatabase`).
   */
  createLogins: (typeof LOGIN_CREATE_MODES)[number];
  /** Database the Entra principals are created from (Azure: `postgres`, where the pgaadauth functions live). */
  principalsDatabase: string;
}

/** A login role: `name`, or `name=<object id>` for an Entra principal the migration may create. */
export interface LoginRoleRef {
  name: string;
  objectId?: string;
}

const LOGIN_CREATE_MODES = ['none', 'entra'] as const;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ROLE_LIST = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((r) => r.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^\u0000-\u001f"=]{1,63}(=[0-9a-fA-F-]{36})?$/, 'each entry must be a role name (1..63 characters without quotes, "=" or control characters), optionally =<object id GUID>')))
  .transform((entries) =>
    entries.map((entry): LoginRoleRef => {
      const [name, objectId] = entry.split('=');
      return objectId === undefined ? { name } : { name, objectId };
    }),
  );

/** Configuration of the migration entry point (`node dist/migrate.js`, the chart's pre-install/pre-upgrade Job). */
export function loadMigrationConfig(env: Env = process.env): MigrationConfig {
  const { REDIS_HOST: _r, READ_ONLY: _ro, ...pgShape } = baseSchema;
  const e = parse(
    {
      ...pgShape,
      DB_API_LOGIN_ROLES: ROLE_LIST,
      DB_AGENT_LOGIN_ROLES: ROLE_LIST,
      DB_LOGIN_CREATE: z.enum(LOGIN_CREATE_MODES, { message: `must be one of: ${LOGIN_CREATE_MODES.join(', ')}` }).default('none'),
      DB_PRINCIPALS_DATABASE: nonEmpty.default('postgres'),
    },
    env,
  );
  if (e.DB_LOGIN_CREATE === 'entra') {
    const missing = [...e.DB_API_LOGIN_ROLES, ...e.DB_AGENT_LOGIN_ROLES].find((l) => !l.objectId || !GUID.test(l.objectId));
    if (missing) throw new ConfigError(`invalid configuration: DB_API_LOGIN_ROLES/DB_AGENT_LOGIN_ROLES: "${missing.name}" needs its Entra object id (name=<GUID>) with DB_LOGIN_CREATE=entra`);
  }
  return {
    logLevel: e.LOG_LEVEL,
    pg: {
      host: e.PGHOST,
      port: e.PGPORT,
      database: e.PGDATABASE,
      user: e.PGUSER,
      password: readSecret('PGPASSWORD', e.PGPASSWORD, e.PGPASSWORD_FILE),
      passwordFile: e.PGPASSWORD_FILE,
      auth: e.PG_AUTH,
      sslMode: e.PGSSLMODE,
      sslRootCert: e.PGSSLROOTCERT,
    },
    apiLogins: e.DB_API_LOGIN_ROLES,
    agentLogins: e.DB_AGENT_LOGIN_ROLES,
    createLogins: e.DB_LOGIN_CREATE,
    principalsDatabase: e.DB_PRINCIPALS_DATABASE,
  };
}
