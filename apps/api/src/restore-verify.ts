/**
 * Restore verification entry point: `node dist/restore-verify.js` (in the api image and in a
 * built checkout). The scheduled restore drill (.github/workflows/restore-drill.yml) runs it
 * against the throwaway server it restored; the test suite runs the same code
 * (apps/api/test/restore-drill.test.ts). The checks: apps/common/src/restore-verify.ts.
 *
 * Environment:
 *  - the restored server (target): PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or
 *    PGPASSWORD_FILE (an Entra access token works as the password), PGSSLMODE, PGSSLROOTCERT;
 *  - optionally the source: the same names prefixed with SOURCE_ (SOURCE_PGHOST, ...);
 *  - RESTORE_POINT_IN_TIME (ISO 8601 with a zone, e.g. 2026-12-01T06:00:00Z): the instant the
 *    target was restored to; without it the target must equal the source exactly;
 *  - RESTORE_SKEW_MS (120000), RESTORE_MAX_STALENESS_MS (unset: not checked);
 *  - RESTORE_REPORT_FILE: also write the report as JSON there.
 * Exit 0 verified, 1 a check failed or a database could not be read, 2 bad configuration.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError, createLogger, createPool, errorMessage, formatVerifyReport, loadMigrationConfig, verifyRestore, type Env, type PgConfig, type Pool, type PoolClient } from '@aks-platform/common';

export interface RestoreVerifyConfig {
  target: PgConfig;
  source?: PgConfig;
  pointInTime?: Date;
  skewMs: number;
  maxStalenessMs?: number;
  reportFile?: string;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function nonNegativeInt(env: Env, key: string): number | undefined {
  const v = env[key];
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,10}$/.test(v.trim())) throw new ConfigError(`invalid configuration: ${key}: must be a whole number of milliseconds (got ${JSON.stringify(v)})`);
  return Number(v.trim());
}

/** Parses the entry point's environment; errors name the variable, the value and what is allowed. */
export function loadRestoreVerifyConfig(env: Env): RestoreVerifyConfig {
  const target = loadMigrationConfig(env).pg;
  let source: PgConfig | undefined;
  if (env.SOURCE_PGHOST !== undefined) {
    const sourceEnv: Env = {};
    for (const [k, v] of Object.entries(env)) if (k.startsWith('SOURCE_')) sourceEnv[k.slice('SOURCE_'.length)] = v;
    try {
      source = loadMigrationConfig(sourceEnv).pg;
    } catch (err) {
      throw new ConfigError(errorMessage(err).replace(/(configuration: |; )([A-Z_]+):/g, '$1SOURCE_$2:'));
    }
  }
  const pit = env.RESTORE_POINT_IN_TIME;
  let pointInTime: Date | undefined;
  if (pit !== undefined && pit !== '') {
    pointInTime = new Date(pit);
    if (!ISO_INSTANT.test(pit) || Number.isNaN(pointInTime.getTime())) {
      throw new ConfigError(`invalid configuration: RESTORE_POINT_IN_TIME: must be an ISO 8601 instant with a zone, e.g. 2026-12-01T06:00:00Z (got ${JSON.stringify(pit)})`);
    }
  }
  if (!source && !pointInTime) {
    throw new ConfigError('invalid configuration: RESTORE_POINT_IN_TIME or SOURCE_PGHOST: give the point in time the target was restored to, or the source to compare with (or both)');
  }
  return { target, source, pointInTime, skewMs: nonNegativeInt(env, 'RESTORE_SKEW_MS') ?? 120000, maxStalenessMs: nonNegativeInt(env, 'RESTORE_MAX_STALENESS_MS'), reportFile: env.RESTORE_REPORT_FILE || undefined };
}

/** One connection (a pool of one: the same TLS, password-file and Entra handling as the apps). */
async function connect(cfg: PgConfig, name: string, pools: Pool[]): Promise<PoolClient> {
  const pool = createPool(cfg, createLogger({ service: 'restore-verify', level: 'silent' }), { applicationName: 'restore-verify', max: 1, connectionTimeoutMs: 15000, queryTimeoutMs: 300000 });
  pools.push(pool);
  try {
    return await pool.connect();
  } catch (err) {
    throw new Error(`cannot connect to the ${name} ${cfg.user}@${cfg.host}:${cfg.port}/${cfg.database}: ${errorMessage(err)}`);
  }
}

/** The entry point's body: returns the exit code; `out` receives the report (text). */
export async function runRestoreVerify(env: Env, out: (line: string) => void): Promise<number> {
  let config: RestoreVerifyConfig;
  try {
    config = loadRestoreVerifyConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      out(err.message);
      return 2;
    }
    throw err;
  }
  const pools: Pool[] = [];
  const clients: PoolClient[] = [];
  try {
    const target = await connect(config.target, 'restored server (target)', pools);
    clients.push(target);
    const source = config.source ? await connect(config.source, 'source server', pools) : undefined;
    if (source) clients.push(source);
    const report = await verifyRestore(target, source, { pointInTime: config.pointInTime, skewMs: config.skewMs, maxStalenessMs: config.maxStalenessMs });
    out(formatVerifyReport(report));
    if (config.reportFile) writeFileSync(config.reportFile, `${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  } catch (err) {
    out(`restore verification could not run: ${errorMessage(err)}`);
    return 1;
  } finally {
    for (const c of clients) c.release();
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  }
}

if (require.main === module) {
  runRestoreVerify(process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => setTimeout(() => process.exit(code), 50),
    (err: Error) => {
      process.stderr.write(`restore verification crashed: ${err.message}\n`);
      setTimeout(() => process.exit(1), 50);
    },
  );
}
