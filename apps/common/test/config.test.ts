import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadAgentConfig, loadApiConfig as loadApi, loadMigrationConfig, type Env } from '../src/config';
import { entraTokenSource, fileSecret } from '../src/credentials';
import { tempDir } from '../test-support/temp-dir';

const minimal = { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'u', REDIS_HOST: 'cache' };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const entra = { AUTH_ISSUER: `https://login.microsoftonline.com/${TENANT}/v2.0`, AUTH_AUDIENCE: 'api://aks-platform-api' };
const loadApiConfig = (env: Env) => loadApi({ ...entra, ...env });

describe('config parsing', () => {
  test('defaults follow the contract', () => {
    const api = loadApiConfig(minimal);
    expect(api).toMatchObject({
      logLevel: 'info',
      port: 5000,
      shutdownTimeoutMs: 25000,
      pg: { host: 'db', port: 5432, database: 'app', user: 'u', sslMode: 'require' },
      redis: { host: 'cache', port: 6379, tls: true },
      outboxIntervalMs: 1000,
      jobRequeueAfterMs: 120000,
      auth: { mode: 'entra', issuer: entra.AUTH_ISSUER, audiences: ['api://aks-platform-api'], jwksUri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`, requiredScope: 'Jobs.ReadWrite', clockToleranceS: 30 },
      rateLimit: { windowMs: 60000, submitPerUser: 30, submitPerIp: 120, readPerUser: 600, readPerIp: 1200 },
      socket: { maxMessageBytes: 8192, maxSubscriptions: 100, subscribesPerSecond: 10 },
      trustProxy: false,
      requestTimeoutMs: 10000,
      headersTimeoutMs: 5000,
      migrateOnStart: false,
      sleepMaxMs: 60000,
      readOnly: false,
    });
    expect(api.pg.password).toBeUndefined();
    const agent = loadAgentConfig(minimal);
    expect(agent).toMatchObject({ port: 7000, concurrency: 2, visibilityTimeoutMs: 5000, maxAttempts: 5, retentionDays: 30, retentionIntervalMs: 3600000, retentionBatch: 500 });
  });

  test('values are parsed and validated', () => {
    const cfg = loadAgentConfig({ ...minimal, PORT: '7100', AGENT_CONCURRENCY: '16', REDIS_TLS: 'false', REDIS_PORT: '10000', PGSSLMODE: 'verify-full', LOG_LEVEL: 'debug' });
    expect(cfg).toMatchObject({ port: 7100, concurrency: 16, redis: { tls: false, port: 10000 }, pg: { sslMode: 'verify-full' }, logLevel: 'debug' });
  });

  test.each([
    [{ AGENT_CONCURRENCY: '17' }, /AGENT_CONCURRENCY: must be <= 16/],
    [{ AGENT_CONCURRENCY: 'two' }, /AGENT_CONCURRENCY: must be an integer between 1 and 16/],
    [{ REDIS_TLS: 'yes' }, /REDIS_TLS: must be one of: true, false/],
    [{ PGSSLMODE: 'prefer' }, /PGSSLMODE: must be one of: disable, require, verify-full/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace, silent/],
    [{ PGHOST: undefined }, /PGHOST/],
    [{ PORT: '70000' }, /PORT: must be <= 65535/],
  ])('rejects %p with a message naming the key and allowed values', (override, message) => {
    expect(() => loadAgentConfig({ ...minimal, ...override })).toThrow(ConfigError);
    expect(() => loadAgentConfig({ ...minimal, ...override })).toThrow(message);
  });

  test('*_FILE secrets win over the plain variables and drop the trailing newline', () => {
    const dir = tempDir('cfg-');
    writeFileSync(join(dir, 'postgres-password'), 's3cret-from-file\n');
    writeFileSync(join(dir, 'redis-password'), 'redis-file');
    const cfg = loadApiConfig({
      ...minimal,
      PGPASSWORD: 'plain',
      PGPASSWORD_FILE: join(dir, 'postgres-password'),
      REDIS_PASSWORD: 'plain',
      REDIS_PASSWORD_FILE: join(dir, 'redis-password'),
    });
    expect(cfg.pg.password).toBe('s3cret-from-file');
    expect(cfg.redis.password).toBe('redis-file');
    expect(loadApiConfig({ ...minimal, PGPASSWORD: 'plain' }).pg.password).toBe('plain');
  });

  test('an unreadable secret file is an error naming the variable, not the content', () => {
    expect(() => loadApiConfig({ ...minimal, PGPASSWORD_FILE: '/nonexistent/pw' })).toThrow(/PGPASSWORD_FILE: cannot read \/nonexistent\/pw \(ENOENT\)/);
  });

  test.each([
    [{ AUTH_MODE: 'none' }, 'AUTH_MODE: "none" is accepted only with APP_ENVIRONMENT=local (got unset); allowed: entra'],
    [{ AUTH_MODE: 'none', APP_ENVIRONMENT: 'prod' }, 'AUTH_MODE: "none" is accepted only with APP_ENVIRONMENT=local (got prod); allowed: entra'],
    [{ AUTH_MODE: 'off' }, 'AUTH_MODE: must be one of: entra, none'],
    [{ AUTH_ISSUER: undefined }, 'AUTH_ISSUER: required'],
    [{ AUTH_AUDIENCE: ' ' }, 'AUTH_AUDIENCE'],
    [{ AUTH_ISSUER: 'http://127.0.0.1:9/t/v2.0', AUTH_JWKS_URI: 'http://127.0.0.1:9/keys' }, 'AUTH_ISSUER: must be an https:// URL (http://127.0.0.1 only with APP_ENVIRONMENT=local)'],
    [{ AUTH_ISSUER: 'https://idp.example.com' }, 'AUTH_JWKS_URI: required when AUTH_ISSUER is not an Entra ID v2 issuer'],
    [{ CORS_ORIGIN: 'https://app.example.com/path' }, 'CORS_ORIGIN: "https://app.example.com/path" is not an origin'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY: "everyone" is not an address or CIDR'],
    [{ JOB_SLEEP_MAX_MS: '60001' }, 'JOB_SLEEP_MAX_MS: must be <= 60000'],
    [{ PGSSLROOTCERT: '/etc/ssl/ca.pem' }, 'PGSSLROOTCERT: only used with PGSSLMODE=verify-full'],
    [{ REDIS_AUTH: 'entra' }, 'REDIS_USERNAME: required with REDIS_AUTH=entra'],
  ])('api: %p is refused with a message naming the key', (override, message) => {
    expect(() => loadApiConfig({ ...minimal, ...override })).toThrow(message);
  });

  test('local mode: AUTH_MODE=none and a loopback issuer are accepted only there', () => {
    expect(loadApiConfig({ ...minimal, AUTH_MODE: 'none', APP_ENVIRONMENT: 'local' }).auth.mode).toBe('none');
    const local = loadApiConfig({ ...minimal, APP_ENVIRONMENT: 'local', AUTH_ISSUER: 'http://127.0.0.1:9/t/v2.0', AUTH_JWKS_URI: 'http://127.0.0.1:9/keys' });
    expect(local.auth).toMatchObject({ issuer: 'http://127.0.0.1:9/t/v2.0', jwksUri: 'http://127.0.0.1:9/keys' });
    expect(loadApiConfig({ ...minimal, CORS_ORIGIN: 'https://a.example.com, http://localhost:5173', TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })).toMatchObject({
      corsOrigins: ['https://a.example.com', 'http://localhost:5173'],
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
  });

  test('READ_ONLY (standby region): true|false for the api and the agent, never with MIGRATE_ON_START', () => {
    expect(loadApiConfig({ ...minimal, READ_ONLY: 'true' }).readOnly).toBe(true);
    expect(loadAgentConfig({ ...minimal, READ_ONLY: 'false' }).readOnly).toBe(false);
    expect(() => loadApiConfig({ ...minimal, READ_ONLY: 'yes' })).toThrow('invalid configuration: READ_ONLY: must be one of: true, false');
    expect(() => loadAgentConfig({ ...minimal, READ_ONLY: 'true', MIGRATE_ON_START: 'true' })).toThrow(
      "invalid configuration: MIGRATE_ON_START: must be false with READ_ONLY=true (a standby's database is a read replica; it gets the schema from the primary by replication)",
    );
  });

  test('migration entry point: owner connection and the login roles to grant', () => {
    expect(loadMigrationConfig({ PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'owner', DB_API_LOGIN_ROLES: 'id-api, other', DB_AGENT_LOGIN_ROLES: 'id-agent' })).toMatchObject({
      pg: { user: 'owner', sslMode: 'require', auth: 'password' },
      apiLogins: [{ name: 'id-api' }, { name: 'other' }],
      agentLogins: [{ name: 'id-agent' }],
      createLogins: 'none',
      principalsDatabase: 'postgres',
    });
    expect(() => loadMigrationConfig({ PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'o', DB_API_LOGIN_ROLES: 'a"b' })).toThrow('DB_API_LOGIN_ROLES');
  });

  test('migration entry point: Entra principals are name=<object id> and need the id to be created', () => {
    const oid = '11111111-2222-4333-8444-555555555555';
    const entra = { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'id-migrate', PG_AUTH: 'entra', DB_LOGIN_CREATE: 'entra' };
    expect(loadMigrationConfig({ ...entra, DB_API_LOGIN_ROLES: `id-api=${oid}`, DB_AGENT_LOGIN_ROLES: `id-agent=${oid}` })).toMatchObject({
      apiLogins: [{ name: 'id-api', objectId: oid }],
      agentLogins: [{ name: 'id-agent', objectId: oid }],
      createLogins: 'entra',
    });
    expect(() => loadMigrationConfig({ ...entra, DB_API_LOGIN_ROLES: 'id-api' })).toThrow('"id-api" needs its Entra object id (name=<GUID>) with DB_LOGIN_CREATE=entra');
    expect(() => loadMigrationConfig({ ...entra, DB_LOGIN_CREATE: 'magic' })).toThrow('DB_LOGIN_CREATE: must be one of: none, entra');
  });
});

describe('credentials', () => {
  test('a secret file is re-read after rotation without a restart', async () => {
    const dir = tempDir('rot-');
    const path = join(dir, 'postgres-password');
    writeFileSync(path, 'first\n');
    const secret = fileSecret(path);
    expect(await secret()).toBe('first');
    writeFileSync(path, 'second-and-longer\n');
    expect(await secret()).toBe('second-and-longer');
  });

  test('an Entra token is cached and refreshed 5 minutes before it expires; callers share one request', async () => {
    let now = 1_000_000;
    let calls = 0;
    const credential = {
      getToken: async (scope: string | string[]) => {
        calls++;
        expect(scope).toBe('https://ossrdbms-aad.database.windows.net/.default');
        return { token: `t${calls}`, expiresOnTimestamp: now + 60 * 60 * 1000 };
      },
    };
    const source = entraTokenSource('https://ossrdbms-aad.database.windows.net/.default', { credential, now: () => now });
    expect(await Promise.all([source(), source(), source()])).toEqual(['t1', 't1', 't1']);
    expect(calls).toBe(1);
    now += 54 * 60 * 1000; // 6 min before expiry: still cached
    expect(await source()).toBe('t1');
    now += 2 * 60 * 1000; // 4 min before expiry: refreshed
    expect(await source()).toBe('t2');
    expect(calls).toBe(2);
  });
});
