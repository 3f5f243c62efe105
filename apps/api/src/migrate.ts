/**
 * Migration entry point: `node dist/migrate.js`, run once per release by the chart's
 * pre-install/pre-upgrade Job under the owner role (the api and agent roles cannot change the
 * schema). Applies pending migrations (advisory-locked, one transaction per version), then makes
 * the configured login roles members of jobs_api / jobs_agent. Exit 0 on success, 1 on failure,
 * 2 on invalid configuration.
 */
import { ConfigError, createLogger, createPool, errorMessage, grantLoginRoles, loadMigrationConfig, migrate } from '@aks-platform/common';

async function main(): Promise<number> {
  let config;
  try {
    config = loadMigrationConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      createLogger({ service: 'migrate' }).fatal(err.message);
      return 2;
    }
    throw err;
  }
  const logger = createLogger({ service: 'migrate', level: config.logLevel });
  const pool = createPool(config.pg, logger, { applicationName: 'migrate', max: 1, queryTimeoutMs: 120000, connectionTimeoutMs: 10000 });
  try {
    const applied = await migrate(pool, logger);
    await grantLoginRoles(pool, { api: config.apiLogins, agent: config.agentLogins });
    logger.info({ applied, apiLogins: config.apiLogins, agentLogins: config.agentLogins }, 'schema current; role memberships granted');
    return 0;
  } catch (err) {
    logger.error({ err: { message: errorMessage(err) } }, 'migration failed');
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

main().then(
  (code) => setTimeout(() => process.exit(code), 50),
  (err: Error) => {
    createLogger({ service: 'migrate' }).fatal({ err: { message: err.message } }, 'migration crashed');
    setTimeout(() => process.exit(1), 50);
  },
);
