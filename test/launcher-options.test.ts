/** The local launcher's pure rules (scripts/local/options.ts, scripts/local/output.ts), as tables. */
import {
  DEFAULT_PORTS,
  UsageError,
  appProcessEnv,
  busyPortMessage,
  confirmsReset,
  parseLaunchOptions,
  readyLine,
  signInLine,
  urlFromReadyLine,
  LOCAL_USER,
} from '../scripts/local/options';
import { formatLogLine } from '../scripts/local/output';

const ROOT = '/repo';

describe('parseLaunchOptions', () => {
  test.each<[string, string[], Record<string, string>, Partial<ReturnType<typeof parseLaunchOptions>>]>([
    ['the issuer port', ['--oidc-port', '6443'], {}, { ports: { ...DEFAULT_PORTS, oidc: 6443 } }],
    ['defaults', [], {}, { ports: DEFAULT_PORTS, dataDir: '/repo/.local', reset: false, yes: false, help: false }],
    ['flags', ['--web-port', '3000', '--api-port=5001', '--reset', '--yes'], {}, { ports: { ...DEFAULT_PORTS, web: 3000, api: 5001 }, reset: true, yes: true }],
    ['environment', [], { LOCAL_POSTGRES_PORT: '5433', LOCAL_REDIS_PORT: '6380', LOCAL_DATA_DIR: '/tmp/x' }, { ports: { ...DEFAULT_PORTS, postgres: 5433, redis: 6380 }, dataDir: '/tmp/x' }],
    ['a flag wins over the environment', ['--agent-port', '7100'], { LOCAL_AGENT_PORT: '7200' }, { ports: { ...DEFAULT_PORTS, agent: 7100 } }],
    ['a relative data dir is under the repository', ['--data-dir', 'tmp/data'], {}, { dataDir: '/repo/tmp/data' }],
    ['an empty variable is unset', [], { LOCAL_WEB_PORT: '' }, { ports: DEFAULT_PORTS }],
    ['help', ['-h'], {}, { help: true }],
  ])('%s', (_name, argv, env, expected) => {
    expect(parseLaunchOptions(argv, env, ROOT)).toMatchObject(expected);
  });

  test.each<[string, string[], Record<string, string>, string]>([
    ['not a number', ['--web-port', 'abc'], {}, '--web-port: "abc" is not a TCP port; use a number from 1 to 65535'],
    ['out of range', [], { LOCAL_API_PORT: '70000' }, 'LOCAL_API_PORT: "70000" is not a TCP port'],
    ['zero', ['--redis-port=0'], {}, '--redis-port: "0" is not a TCP port'],
    ['missing value', ['--api-port'], {}, '--api-port needs a value'],
    ['a flag as value', ['--data-dir', '--reset'], {}, '--data-dir needs a value'],
    ['unknown option', ['--port', '1'], {}, 'unknown option "--port"; see npm start -- --help'],
    ['two services on one port', ['--api-port', '5173'], {}, 'web and api are both set to port 5173; give each its own (--web-port or LOCAL_WEB_PORT)'],
  ])('%s is refused with a message that says what is allowed', (_name, argv, env, message) => {
    expect(() => parseLaunchOptions(argv, env, ROOT)).toThrow(UsageError);
    expect(() => parseLaunchOptions(argv, env, ROOT)).toThrow(message);
  });
});

describe('messages', () => {
  test('a busy port names the service, how to find the holder, and the flag and variable to move it', () => {
    expect(busyPortMessage('api', 5000)).toBe(
      "port 5000 (api) is already in use. Stop that process (see who holds it: ss -ltnp 'sport = :5000'), or pick another port: npm start -- --api-port <port> (or LOCAL_API_PORT=<port>).",
    );
    expect(busyPortMessage('postgres', 15432, 'a PostgreSQL left over (pid 7)')).toMatch(/^port 15432 \(postgres\) is already in use by a PostgreSQL left over \(pid 7\)\. .*--postgres-port <port> \(or LOCAL_POSTGRES_PORT=<port>\)\.$/);
  });

  test('the sign-in line: user, password and the issuer port, but no second URL', () => {
    const line = signInLine(LOCAL_USER, 'pw123', 5443);
    expect(line).toBe('sign in:  user developer, password pw123 (local issuer on port 5443: https with a self-signed certificate; the app says what to do if your browser refuses it)');
    expect(line).not.toMatch(/https?:\/\//);
  });

  test('the ready line carries the one URL, and scripts can read it back', () => {
    expect(readyLine(5173)).toBe('ready: http://127.0.0.1:5173/  (Ctrl-C stops everything)');
    expect(urlFromReadyLine(readyLine(4000))).toBe('http://127.0.0.1:4000/');
    expect(urlFromReadyLine('api     | Server listening at http://127.0.0.1:5000')).toBeUndefined();
  });

  test.each([
    ['yes', true],
    [' YES\n', true],
    ['y', false],
    ['', false],
    ['no', false],
  ])('reset confirmation %j → %s', (answer, confirmed) => {
    expect(confirmsReset(answer)).toBe(confirmed);
  });
});

describe('appProcessEnv', () => {
  const ports = { ...DEFAULT_PORTS, postgres: 1111, redis: 2222, api: 3333, agent: 4444 };
  const base = { ports, postgresPasswordFile: '/d/postgres/password', redisPasswordFile: '/d/redis/password', database: 'app' };

  test('the api: its port, the local servers without TLS, passwords as files', () => {
    expect(appProcessEnv('api', base)).toEqual({
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'true',
      APP_ENVIRONMENT: 'local',
      AUTH_MODE: 'none',
      PORT: '3333',
      PGHOST: '127.0.0.1',
      PGPORT: '1111',
      PGDATABASE: 'app',
      PGUSER: 'postgres',
      PGPASSWORD_FILE: '/d/postgres/password',
      PGSSLMODE: 'disable',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '2222',
      REDIS_PASSWORD_FILE: '/d/redis/password',
      REDIS_TLS: 'false',
      SHUTDOWN_TIMEOUT_MS: '4000',
      OUTBOX_INTERVAL_MS: '500',
    });
  });

  test('with the local issuer: the api checks its tokens (AUTH_MODE=entra) and trusts its certificate; the agent gets neither', () => {
    const issuer = { apiEnv: { AUTH_MODE: 'entra', AUTH_ISSUER: 'https://127.0.0.1:5443', AUTH_AUDIENCE: 'api://x', AUTH_JWKS_URI: 'https://127.0.0.1:5443/jwks', AUTH_REQUIRED_SCOPE: 'Jobs.ReadWrite' }, certFile: '/d/oidc/cert.pem' };
    expect(appProcessEnv('api', { ...base, issuer })).toMatchObject({ ...issuer.apiEnv, NODE_EXTRA_CA_CERTS: '/d/oidc/cert.pem', APP_ENVIRONMENT: 'local' });
    const agent = appProcessEnv('agent', { ...base, issuer });
    expect(Object.keys(agent).filter((k) => k.startsWith('AUTH_') || k === 'NODE_EXTRA_CA_CERTS')).toEqual([]);
  });

  test('the agent: its own port, no api-only settings; LOG_LEVEL passes through', () => {
    const env = appProcessEnv('agent', { ...base, logLevel: 'debug' });
    expect(env.PORT).toBe('4444');
    expect(env.LOG_LEVEL).toBe('debug');
    expect(env.OUTBOX_INTERVAL_MS).toBeUndefined();
    expect(Object.keys(env).filter((k) => /PASSWORD$/.test(k))).toEqual([]);
  });
});

describe('formatLogLine', () => {
  test.each<[string, string | undefined]>([
    ['{"level":"info","timestamp":"2026-12-01T04:05:30.123Z","service":"api","message":"api listening","port":5000}', '04:05:30 INFO  api listening port=5000'],
    ['{"level":"error","timestamp":"2026-12-01T04:05:30.123Z","service":"agent","message":"job failed","err":{"message":"boom"}}', '04:05:30 ERROR job failed err={"message":"boom"}'],
    ['{"level":"info","timestamp":"2026-12-01T04:05:30.123Z","service":"api","message":"Server listening at http://127.0.0.1:5000"}', undefined],
    ['  VITE v8 ready  ', '  VITE v8 ready'],
    ['{not json', '{not json'],
    ['', undefined],
  ])('%s', (line, shown) => {
    expect(formatLogLine(line)).toBe(shown);
  });
});
