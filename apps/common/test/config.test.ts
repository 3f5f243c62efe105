import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadAgentConfig, loadApiConfig } from '../src';

const minimal = { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'u', REDIS_HOST: 'cache' };

describe('config parsing', () => {
  test('defaults follow the contract', () => {
    const api = loadApiConfig(minimal);
    expect(api).toMatchObject({
      logLevel: 'info',
      port: 5000,
      shutdownTimeoutMs: 25000,
      pg: { host: 'db', port: 5432, database: 'app', user: 'u', sslMode: 'require' },
      redis: { host: 'cache', port: 6379, tls: true },
      outboxIntervalMs: 2000,
      jobRequeueAfterMs: 120000,
    });
    expect(api.pg.password).toBeUndefined();
    const agent = loadAgentConfig(minimal);
    expect(agent).toMatchObject({ port: 7000, concurrency: 2, visibilityTimeoutMs: 30000, maxAttempts: 5 });
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
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
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
});
