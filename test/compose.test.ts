/**
 * compose.yaml cannot run here (no Docker engine), so it is checked instead:
 *  - valid against the Compose specification's JSON schema (the copy dclint ships), and free of
 *    dclint errors;
 *  - consistent with the workload contract (apps/CONTRACT.md) as the chart states it
 *    (apps/chart/values/<app>.yaml): ports, readiness paths, users, writable paths, env names,
 *    the shutdown budget;
 *  - wired like the cluster: services start only after what they need is healthy, data on named
 *    volumes, passwords as secret files, and every variable it reads documented in .env.example.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json';
import { DCLinter } from 'dclint';
import * as YAML from 'yaml';
import { APP_NAMES, loadAppProfiles, type AppName } from '../lib/app-profiles';
import { SHUTDOWN_TIMEOUT_MS, TERMINATION_GRACE_PERIOD_SECONDS } from '../lib/app-values';

const ROOT = path.resolve(__dirname, '..');
const read = (rel: string) => readFileSync(path.join(ROOT, rel), 'utf8');

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  secrets?: string[];
  volumes?: string[];
  tmpfs?: string[];
  ports?: string[];
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  stop_grace_period?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets: Record<string, { environment?: string; file?: string }>;
  volumes: Record<string, unknown>;
}

const composeText = read('compose.yaml');
const compose = YAML.parse(composeText) as ComposeFile;
const profiles = loadAppProfiles();
const schema = JSON.parse(readFileSync(path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json'), 'utf8')) as object;

/** The port and path a healthcheck command requests on loopback. */
function healthcheckTarget(service: ComposeService): { port: number; path: string } {
  const command = (service.healthcheck?.test ?? []).join(' ');
  const m = /http:\/\/127\.0\.0\.1:(\d+)(\/[^'"\s)]*)/.exec(command);
  if (!m) throw new Error(`healthcheck "${command}" requests no http://127.0.0.1:<port>/<path>`);
  return { port: Number(m[1]), path: m[2] };
}

/** Every variable name an app documents in its .env.example (set or commented out). */
function documentedEnv(app: AppName): Set<string> {
  return new Set([...read(`apps/${app}/.env.example`).matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
}

describe('compose.yaml against the Compose specification', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema names draft-07 by its https address; Ajv knows draft-07 by the http one.
  ajv.addMetaSchema({ ...draft07, $id: 'https://json-schema.org/draft-07/schema' });
  const validate = ajv.compile(schema);

  test.each(['compose.yaml', 'compose.override.example.yaml'])('%s is valid against the Compose JSON schema', (file) => {
    const ok = validate(YAML.parse(read(file)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check can fail: a misspelt key and a bad condition are rejected', () => {
    const broken = YAML.parse(composeText) as ComposeFile & { services: Record<string, Record<string, unknown>> };
    broken.services.api.helthcheck = {};
    broken.services.frontend.depends_on = { api: { condition: 'service_ready' } };
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('helthcheck');
  });

  test('dclint finds no errors (build + image is on purpose: it names the locally built image)', () => {
    const linter = new DCLinter({ rules: { 'no-build-and-image': 0 }, quiet: true, debug: false, exclude: [] });
    const results = linter.lintFiles([path.join(ROOT, 'compose.yaml'), path.join(ROOT, 'compose.override.example.yaml')], false);
    expect(results.flatMap((r) => r.messages.filter((m) => m.type === 'error').map((m) => `${r.filePath}:${m.line} ${m.rule}: ${m.message}`))).toEqual([]);
  });
});

describe.each(APP_NAMES)('%s: compose agrees with the contract and the chart', (app) => {
  const service = compose.services[app];
  const profile = profiles[app];

  test('built from its Dockerfile with the repository root as context', () => {
    expect(service.build).toEqual({ context: '.', dockerfile: `apps/${app}/Dockerfile` });
  });

  test('the healthcheck is the readiness probe: same port and path as the chart', () => {
    expect(healthcheckTarget(service)).toEqual({ port: profile.containerPort, path: profile.probes.readiness.path });
  });

  test('runs as the chart user, read-only, without capabilities; writable only where the chart mounts emptyDirs', () => {
    expect(service.user).toBe(`${profile.podSecurity.runAsUser}:${profile.podSecurity.runAsGroup}`);
    expect(service.read_only).toBe(true);
    expect(service.cap_drop).toEqual(['ALL']);
    const tmpfsPaths = (service.tmpfs ?? []).map((t) => t.split(':')[0]).sort();
    expect(tmpfsPaths).toEqual(profile.writablePaths.map((w) => w.mountPath).sort());
  });

  if (app === 'frontend') {
    test('proxies to the api by its service name and container port, and publishes on loopback only', () => {
      expect(service.environment?.API_UPSTREAM).toBe(`http://api:${profiles.api.service.port}`);
      // Everything else is a sign-in setting the image's entrypoint reads (apps/CONTRACT.md).
      expect(Object.keys(service.environment ?? {}).sort()).toEqual(['API_UPSTREAM', 'AUTH_AUTHORITY', 'AUTH_CLIENT_ID', 'AUTH_PROTOCOL', 'AUTH_SCOPE']);
      const contract = read('apps/CONTRACT.md');
      for (const name of Object.keys(service.environment ?? {})) expect([name, contract.includes(`\`${name}\``)]).toEqual([name, true]);
      expect(service.depends_on).toEqual({ api: { condition: 'service_healthy' } });
      expect(service.ports).toEqual([`127.0.0.1:\${WEB_PORT:-8080}:${profile.containerPort}`]);
    });
  } else {
    const env = service.environment ?? {};
    test('PORT is the container port; the shutdown budget and grace period are the platform values', () => {
      expect(env.PORT).toBe(String(profile.containerPort));
      expect(env.SHUTDOWN_TIMEOUT_MS).toBe(String(SHUTDOWN_TIMEOUT_MS));
      expect(service.stop_grace_period).toBe(`${TERMINATION_GRACE_PERIOD_SECONDS}s`);
    });

    test('every variable is one the app documents; passwords come only as secret files', () => {
      const documented = documentedEnv(app);
      expect(Object.keys(env).filter((k) => !documented.has(k))).toEqual([]);
      expect(Object.keys(env).filter((k) => /PASSWORD$/.test(k))).toEqual([]);
      expect(env.PGPASSWORD_FILE).toBe('/run/secrets/postgres-password');
      expect(env.REDIS_PASSWORD_FILE).toBe('/run/secrets/redis-password');
      expect(service.secrets).toEqual(['postgres-password', 'redis-password']);
    });

    test('reaches PostgreSQL and Redis by service name, and starts only once both are healthy', () => {
      expect([env.PGHOST, env.PGPORT, env.PGDATABASE, env.REDIS_HOST, env.REDIS_PORT, env.REDIS_TLS]).toEqual(['postgres', '5432', 'app', 'redis', '6379', 'false']);
      expect(env.PGUSER).toBe(compose.services.postgres.environment?.POSTGRES_USER);
      expect(env.PGDATABASE).toBe(compose.services.postgres.environment?.POSTGRES_DB);
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    });
  }
});

describe('compose.yaml wiring', () => {
  test('every depends_on target has a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect([name, target, condition]).toEqual([name, target, 'service_healthy']);
        expect(compose.services[target]?.healthcheck?.test.length).toBeGreaterThan(0);
      }
    }
  });

  test('PostgreSQL and Redis: official images, data on named volumes, not published', () => {
    expect(compose.services.postgres.image).toMatch(/^postgres:\d+(\.\d+)?-alpine$/);
    expect(compose.services.redis.image).toMatch(/^redis:\d+\.\d+-alpine$/);
    expect(compose.services.postgres.volumes).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(compose.services.redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['postgres-data', 'redis-data']);
    expect(compose.services.postgres.ports).toBeUndefined();
    expect(compose.services.redis.ports).toBeUndefined();
  });

  test('PostgreSQL runs the major version of the cloud stacks', () => {
    const dev = YAML.parse(read('Pulumi.dev.yaml')) as { config: Record<string, { version?: string }> };
    expect(compose.services.postgres.image).toBe(`postgres:${dev.config['aks-platform:postgres'].version}-alpine`);
  });

  test('every variable compose reads is documented in .env.example; the override file is git-ignored', () => {
    const documented = new Set([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const interpolated = [...composeText.matchAll(/(?<!\$)\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    const secretSources = Object.values(compose.secrets).map((s) => s.environment).filter((v): v is string => v !== undefined);
    expect([...new Set([...interpolated, ...secretSources])].filter((v) => !documented.has(v))).toEqual([]);
    expect(read('.gitignore').split('\n')).toEqual(expect.arrayContaining(['compose.override.yaml', '.env', '.local/']));
    expect(read('.dockerignore').split('\n')).toContain('.local');
  });
});
