/** Postgres: pool factory, versioned migrations under an advisory lock, job repository. */
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { PgConfig } from './config';
import type { Job, JobRequest, JobStatus, JobType } from './jobs';
import type { Logger } from './logger';

export type { Pool, PoolClient } from 'pg';

export interface PoolOptions {
  max?: number;
  connectionTimeoutMs?: number;
  queryTimeoutMs?: number;
  applicationName?: string;
}

export function createPool(cfg: PgConfig, logger: Logger, opts: PoolOptions = {}): Pool {
  const ssl: PoolConfig['ssl'] =
    cfg.sslMode === 'disable' ? false : cfg.sslMode === 'require' ? { rejectUnauthorized: false } : { rejectUnauthorized: true };
  const pool = new Pool({
    host: cfg.host,
    port: cfg.port,
    database: cfg.database,
    user: cfg.user,
    password: cfg.password,
    ssl,
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
];

/** Any constant; all replicas must agree on it. */
export const MIGRATION_LOCK_KEY = 4242_0001;

/**
 * Applies pending migrations. Safe to run from many replicas at once: the
 * session-level advisory lock serialises migrators, and each version is
 * applied and recorded in one transaction, so a crash leaves no half state.
 */
export async function migrate(pool: Pool, logger: Logger): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
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
          await client.query(m.sql);
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
  } finally {
    client.release();
  }
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

export async function insertJob(db: Queryable, id: string, req: JobRequest): Promise<Job> {
  const { rows } = await db.query<JobRow>(
    `INSERT INTO jobs (id, type, input) VALUES ($1, $2, $3) RETURNING ${JOB_COLUMNS}`,
    [id, req.type, req.input],
  );
  return toJob(rows[0]);
}

export async function getJob(db: Queryable, id: string): Promise<Job | undefined> {
  const { rows } = await db.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = $1`, [id]);
  return rows[0] ? toJob(rows[0]) : undefined;
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
