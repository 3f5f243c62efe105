/** Postgres: pool factory, versioned migrations under an advisory lock, job repository. */
import { readFileSync } from 'node:fs';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { PgConfig } from './config';
import { ENTRA_POSTGRES_SCOPE, entraTokenSource, fileSecret, type EntraTokenOptions, type SecretSource } from './credentials';
import type { Job, JobRequest, JobStatus, JobType } from './jobs';
import type { Logger } from './logger';

export type { Pool, PoolClient } from 'pg';

export interface PoolOptions {
  max?: number;
  connectionTimeoutMs?: number;
  queryTimeoutMs?: number;
  applicationName?: string;
  /** Overrides the Entra token source (tests inject a credential). */
  entra?: EntraTokenOptions;
}

/** TLS options of a PgConfig: verify-full checks the chain (CA bundle from PGSSLROOTCERT) and the host name. */
export function pgSsl(cfg: PgConfig): PoolConfig['ssl'] {
  if (cfg.sslMode === 'disable') return false;
  if (cfg.sslMode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true, servername: cfg.host, ...(cfg.sslRootCert ? { ca: readFileSync(cfg.sslRootCert, 'utf8') } : {}) };
}

/**
 * The password of a new connection: the Entra token (PG_AUTH=entra), the secret file re-read on
 * rotation (PGPASSWORD_FILE), or the static PGPASSWORD.
 */
export function pgPassword(cfg: PgConfig, entra?: EntraTokenOptions): SecretSource | string | undefined {
  if (cfg.auth === 'entra') return entraTokenSource(ENTRA_POSTGRES_SCOPE, entra);
  if (cfg.passwordFile) return fileSecret(cfg.passwordFile);
  return cfg.password;
}

export function createPool(cfg: PgConfig, logger: Logger, opts: PoolOptions = {}): Pool {
  const pool = new Pool({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: pgPassword(cfg, opts.entra),
    ssl: pgSsl(cfg),
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMs ?? 2000,
    query_timeout: opts.queryTimeoutMs ?? 10000,
    idleTimeoutMillis: 30000,
    application_name: opts.applicationName,
  });
  // An idle client losing its server emits here; without a listener the process would crash.
  pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'postgres idle client error'));
  return pool;
}

/** Ordered, append-only. Never edit an applied migration; add a new version. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'create_jobs',
    sql: `
      CREATE TABLE jobs (
        id          uuid PRIMARY KEY,
        type        text NOT NULL CHECK (type IN ('wordcount', 'sha256', 'sleep')),
        input       text NOT NULL,
        status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        result      jsonb,
        error       text,
        attempts    integer NOT NULL DEFAULT 0,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz,
        finished_at timestamptz
      );
      CREATE INDEX jobs_outbox_idx ON jobs (created_at) WHERE enqueued_at IS NULL;
      CREATE INDEX jobs_unfinished_idx ON jobs (updated_at) WHERE status IN ('queued', 'running');
    `,
  },
  {
    version: 2,
    name: 'job_owner_idempotency_retention',
    sql: `
      ALTER TABLE jobs ADD COLUMN owner text;
      ALTER TABLE jobs ADD COLUMN idempotency_key text;
      CREATE UNIQUE INDEX jobs_owner_idempotency_idx ON jobs (owner, idempotency_key) WHERE idempotency_key IS NOT NULL;
      CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'least_privilege_roles',
    // Group roles (NOLOGIN) the login roles of the api and the agent are made members of
    // (see grantLoginRoles). Nobody but the owner may create objects: the api and the agent
    // only read and write rows. Each REVOKE runs only where the migrator owns the object.
    sql: `
      -- Roles are server-wide: another database's migration may create them concurrently.
      DO $$ BEGIN
        CREATE ROLE jobs_api NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
      DO $$ BEGIN
        CREATE ROLE jobs_agent NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
      DO $$ BEGIN
        EXECUTE 'REVOKE CREATE ON SCHEMA public FROM PUBLIC';
        EXECUTE format('REVOKE CREATE, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'not owner of schema public or the database: PUBLIC keeps its default CREATE/TEMP rights';
      END $$;
      GRANT CONNECT ON DATABASE ${'${DB}'} TO jobs_api, jobs_agent;
      GRANT USAGE ON SCHEMA public TO jobs_api, jobs_agent;
      GRANT SELECT ON schema_migrations TO jobs_api, jobs_agent;
      GRANT SELECT, INSERT ON jobs TO jobs_api;
      GRANT UPDATE (enqueued_at) ON jobs TO jobs_api;
      GRANT SELECT, DELETE ON jobs TO jobs_agent;
      GRANT UPDATE (status, result, error, attempts, updated_at, finished_at) ON jobs TO jobs_agent;
    `,
  },
];

/** Group roles created by migration 3 (see docs in apps/CONTRACT.md). */
export const DB_ROLES = { api: 'jobs_api', agent: 'jobs_agent' } as const;

/**
 * Runs `fn` with a client checked out of the pool. While checked out, a client that loses
 * its connection (PostgreSQL restarting, a failover) emits 'error' between queries; the pool
 * listens only on idle clients, so without a listener here that event would crash the
 * process. The error is kept, and the broken client is destroyed on release instead of
 * going back to the pool; the next query of `fn` rejects as usual.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/** Any constant; all replicas must agree on it. */
export const MIGRATION_LOCK_KEY = 4242_0001;

/**
 * Applies pending migrations. Safe to run from many replicas at once: the
 * session-level advisory lock serialises migrators, and each version is
 * applied and recorded in one transaction, so a crash leaves no half state.
 */
export async function migrate(pool: Pool, logger: Logger): Promise<number[]> {
  const applied: number[] = [];
  await withClient(pool, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const done = new Set(rows.map((r) => r.version));
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          const db = await client.query<{ db: string }>('SELECT quote_ident(current_database()) AS db');
          await client.query(m.sql.replaceAll('${DB}', db.rows[0].db));
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        applied.push(m.version);
        logger.info({ version: m.version, name: m.name }, 'migration applied');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
  return applied;
}

/** True when every known migration is recorded (used by readiness/warm-up). */
export async function schemaIsCurrent(pool: Pool): Promise<boolean> {
  const latest = MIGRATIONS[MIGRATIONS.length - 1].version;
  try {
    const { rows } = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    return (rows[0]?.v ?? 0) >= latest;
  } catch {
    return false;
  }
}

interface JobRow {
  id: string;
  type: JobType;
  input: string;
  status: JobStatus;
  result: unknown;
  error: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

const JOB_COLUMNS = 'id, type, input, status, result, error, attempts, created_at, updated_at';

export function toJob(r: JobRow): Job {
  return {
    id: r.id,
    type: r.type,
    input: r.input,
    status: r.status,
    result: r.result ?? null,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

export interface NewJob {
  /** The caller's Entra object id (`oid`); only this owner can read the job. */
  owner: string;
  /** Client-chosen key: a retry with the same owner and key returns the first job. */
  idempotencyKey?: string;
}

export type InsertResult = { job: Job; created: boolean; request: JobRequest };

/**
 * Stores a job. With an idempotency key, a second insert by the same owner returns the
 * existing job (`created: false`, and its original request so the caller can compare).
 */
export async function insertJob(db: Queryable, id: string, req: JobRequest, meta: NewJob = { owner: 'local' }): Promise<InsertResult> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs (id, type, input, owner, idempotency_key) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (owner, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${JOB_COLUMNS}`,
    [id, req.type, req.input, meta.owner, meta.idempotencyKey ?? null],
  );
  if (rows[0]) return { job: toJob(rows[0]), created: true, request: req };
  const existing = await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE owner = $1 AND idempotency_key = $2`, [meta.owner, meta.idempotencyKey]);
  if (!existing.rows[0]) throw new Error('idempotent insert found neither a new nor an existing job');
  const job = toJob(existing.rows[0]);
  return { job, created: false, request: { type: job.type, input: job.input } };
}

/** A job by id; with `owner`, only when it belongs to that owner (anyone else gets undefined). */
export async function getJob(db: Queryable, id: string, owner?: string): Promise<Job | undefined> {
  const { rows } =
    owner === undefined
      ? await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id])
      : await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1 AND owner = $2`, [id, owner]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Owner of a job (for routing events to the owner's sockets); undefined when unknown. */
export async function getJobOwner(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ owner: string | null }>('SELECT owner FROM jobs WHERE id = $1', [id]);
  return rows[0]?.owner ?? undefined;
}

/**
 * Deletes finished jobs older than `olderThanDays`, `batchSize` rows per statement (each its own
 * short transaction; rows locked by someone else are skipped), pausing `pauseMs` between
 * batches. Returns the number of rows deleted.
 */
export async function deleteFinishedJobs(
  pool: Pick<Pool, 'query'>,
  opts: { olderThanDays: number; batchSize: number; pauseMs?: number; maxBatches?: number; signal?: AbortSignal },
): Promise<number> {
  let total = 0;
  for (let i = 0; i < (opts.maxBatches ?? 1000) && !opts.signal?.aborted; i++) {
    const { rowCount } = await pool.query(
      `DELETE FROM jobs WHERE id IN (
         SELECT id FROM jobs
          WHERE finished_at IS NOT NULL AND finished_at < now() - make_interval(days => $1)
          LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [opts.olderThanDays, opts.batchSize],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < opts.batchSize) break;
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return total;
}

/**
 * Makes login roles members of the api/agent group roles (run by the migration entry point
 * under the owner role; idempotent). Role names are quoted identifiers.
 */
export async function grantLoginRoles(db: Queryable, logins: { api?: string[]; agent?: string[] }): Promise<void> {
  for (const [app, group] of Object.entries(DB_ROLES) as Array<[keyof typeof DB_ROLES, string]>) {
    for (const login of logins[app] ?? []) {
      const { rows } = await db.query<{ q: string }>('SELECT quote_ident($1) AS q', [login]);
      await db.query(`GRANT ${group} TO ${rows[0].q}`);
    }
  }
}

/** A login role of the api or the agent: its name and, for an Entra principal, its object id. */
export interface LoginRole {
  /** Role name (an Entra principal: the managed identity's name). */
  name: string;
  /** Object (principal) id of the Entra principal; required to create it. */
  objectId?: string;
}

/**
 * Creates one login role that does not exist yet. Pluggable: on Azure Database for PostgreSQL the
 * roles are Entra principals ({@link entraPrincipalCreator}); tests create plain roles.
 */
export type LoginRoleCreator = (login: LoginRole) => Promise<void>;

/**
 * The login roles of the api and the agent, created when missing (with `create`) and made members
 * of jobs_api / jobs_agent, so each holds exactly its group's grants. Idempotent: an existing role
 * is never re-created. Returns the names of the roles it created.
 */
export async function ensureLoginRoles(db: Queryable, logins: { api?: LoginRole[]; agent?: LoginRole[] }, create?: LoginRoleCreator): Promise<string[]> {
  const created: string[] = [];
  for (const login of [...(logins.api ?? []), ...(logins.agent ?? [])]) {
    const { rowCount } = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login.name]);
    if ((rowCount ?? 0) > 0) continue;
    if (!create) throw new Error(`login role "${login.name}" does not exist and no role creator is configured (DB_LOGIN_CREATE=entra creates Entra principals)`);
    await create(login);
    created.push(login.name);
  }
  await grantLoginRoles(db, { api: (logins.api ?? []).map((l) => l.name), agent: (logins.agent ?? []).map((l) => l.name) });
  return created;
}

/**
 * Creates Entra principals (managed identities) as login roles on Azure Database for PostgreSQL:
 * `pgaadauth_create_principal_with_oid(name, objectId, 'service', isAdmin false, isMfa false)`.
 * `db` must be connected to the `postgres` database as an Entra administrator: the pgaadauth
 * functions exist only there (Microsoft Learn, "Manage Microsoft Entra roles in Azure Database for
 * PostgreSQL", https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users, checked 2026-12-01).
 */
export function entraPrincipalCreator(db: Queryable): LoginRoleCreator {
  return async (login) => {
    if (!login.objectId || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(login.objectId)) {
      throw new Error(`login role "${login.name}": an Entra principal needs its object id (a GUID), got ${login.objectId ?? 'none'}`);
    }
    await db.query("SELECT * FROM pgaadauth_create_principal_with_oid($1, $2, 'service', false, false)", [login.name, login.objectId]);
  };
}

export async function markEnqueued(db: Queryable, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.query('UPDATE jobs SET enqueued_at = now() WHERE id = ANY($1::uuid[])', [ids]);
}

/**
 * Moves a job to `running` and counts the attempt. Returns undefined when the
 * job is unknown or already finished (a redelivered message: nothing to do).
 */
export async function startAttempt(db: Queryable, id: string): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = now()
      WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`,
    [id],
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Records the outcome once; a second writer for the same job changes nothing. */
export async function finishJob(
  db: Queryable,
  id: string,
  outcome: { status: 'succeeded'; result: unknown } | { status: 'failed'; error: string },
): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET status = $2, result = $3, error = $4, updated_at = now(), finished_at = now()
      WHERE id = $1 AND status IN ('queued', 'running') RETURNING ${JOB_COLUMNS}`,
    [
      id,
      outcome.status,
      outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null,
      outcome.status === 'failed' ? outcome.error : null,
    ],
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

/** Puts a running job back to `queued` (graceful hand-back by a stopping agent). */
export async function requeueJob(db: Queryable, id: string): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET status = 'queued', updated_at = now() WHERE id = $1 AND status = 'running' RETURNING ${JOB_COLUMNS}`,
    [id],
  );
  return rows[0] ? toJob(rows[0]) : undefined;
}

/**
 * Retries `migrate` until it succeeds or `signal` aborts (Postgres may be
 * unreachable at start; the process stays up and unready meanwhile).
 */
export async function migrateWithRetry(pool: Pool, logger: Logger, signal: AbortSignal, retryMs = 2000): Promise<boolean> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      await migrate(pool, logger);
      return true;
    } catch (err) {
      if (attempt === 1 || attempt % 10 === 0) {
        logger.warn({ attempt, err: { message: (err as Error).message } }, 'migrations not applied yet; retrying');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, retryMs);
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }
  return false;
}

/**
 * Resolves true once the schema is current: applies the migrations itself when `migrateOnStart`
 * (local runs and tests), otherwise waits for the release's migration Job to apply them
 * (the app's own database role cannot). False if `signal` aborts first.
 */
export async function ensureSchema(pool: Pool, logger: Logger, signal: AbortSignal, migrateOnStart: boolean, retryMs = 1000): Promise<boolean> {
  if (migrateOnStart) return migrateWithRetry(pool, logger, signal, Math.max(retryMs, 1000));
  for (let attempt = 1; !signal.aborted; attempt++) {
    if (await schemaIsCurrent(pool)) return true;
    if (attempt === 1 || attempt % 30 === 0) logger.warn({ attempt }, 'schema not current yet; waiting for the migration job');
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, retryMs);
      signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }
  return false;
}
