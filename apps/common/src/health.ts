import type { Pool } from './db';
import type { Redis } from './redis';
import { errorMessage, withTimeout } from './util';

export type CheckStatus = 'ok' | string;

export interface DependencyReport {
  ok: boolean;
  checks: { postgres: CheckStatus; redis: CheckStatus };
}

/** SELECT 1 on Postgres and PING on Redis, each bounded by `timeoutMs`. */
export async function checkDependencies(pool: Pool, redis: Redis, timeoutMs = 1000): Promise<DependencyReport> {
  const run = async (fn: () => Promise<unknown>, what: string): Promise<CheckStatus> => {
    try {
      await withTimeout(fn(), timeoutMs, what);
      return 'ok';
    } catch (err) {
      return `error: ${errorMessage(err)}`;
    }
  };
  const [postgres, redisStatus] = await Promise.all([
    run(() => pool.query('SELECT 1'), 'postgres SELECT 1'),
    run(() => redis.ping(), 'redis PING'),
  ]);
  return { ok: postgres === 'ok' && redisStatus === 'ok', checks: { postgres, redis: redisStatus } };
}
