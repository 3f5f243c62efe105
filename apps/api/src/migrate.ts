/**
 * Migration entry point: `node dist/migrate.js`, run once per release by the chart's
 * pre-install/pre-upgrade Job under the owner role (the api and agent roles cannot change the
 * schema). Applies pending migrations (advisory-locked, one transaction per version), creates the
 * api's and the agent's login roles when missing (DB_LOGIN_CREATE=entra: as Entra principals,
 * from the `postgres` database) and makes them members of jobs_api / jobs_agent. Exit 0 on
 * success, 1 on failure, 2 on invalid configuration.
 */
import {
  ConfigError,
  createLogger,
  createPool,
  ensureLoginRoles,
  entraPrincipalCreator,
  errorMessage,
  loadMigrationConfig,
  migrate,
  type Pool,
} from '@aks-platform/common';

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
  const options = { applicationName: 'migrate', max: 1, queryTimeoutMs: 120000, connectionTimeoutMs: 10000 };
  const pool = createPool(config.pg, logger, options);
  // The pgaadauth functions live in the `postgres` database only: a second connection, same owner identity.
  let principals: Pool | undefined;
  try {
    const applied = await migrate(pool, logger);
    if (config.createLogins === 'entra') principals = createPool({ ...config.pg, database: config.principalsDatabase }, logger, options);
    const created = await ensureLoginRoles(pool, { api: config.apiLogins, agent: config.agentLogins }, principals ? entraPrincipalCreator(principals) : undefined);
    const names = (logins: { name: string }[]) => logins.map((l) => l.name);
    logger.info({ applied, created, apiLogins: names(config.apiLogins), agentLogins: names(config.agentLogins) }, 'schema current; login roles and memberships granted');
    return 0;
  } catch (err) {
    logger.error({ err: { message: errorMessage(err) } }, 'migration failed');
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
    await principals?.end().catch(() => undefined);
  }
}

main().then(
  (code) => setTimeout(() => process.exit(code), 50),
  (err: Error) => {
    createLogger({ service: 'migrate' }).fatal({ err: { message: err.message } }, 'migration crashed');
    setTimeout(() => process.exit(1), 50);
  },
);
