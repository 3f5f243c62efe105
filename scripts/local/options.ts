/**
 * The local launcher's rules (`npm start`, scripts/start.ts), as pure functions tested with
 * tables (test/launcher-options.test.ts): command line + environment → options, the services it
 * starts in which order, and the messages that say what to do when something is in the way.
 */
import * as path from 'path';

/** The services `npm start` runs, in start order (stopped in reverse). */
export const SERVICES = ['postgres', 'redis', 'oidc', 'api', 'agent', 'web'] as const;
export type Service = (typeof SERVICES)[number];

/** Default port of each service; api and agent keep their container ports (apps/CONTRACT.md), the rest avoid system servers. */
export const DEFAULT_PORTS: Record<Service, number> = { postgres: 15432, redis: 16379, oidc: 5443, api: 5000, agent: 7000, web: 5173 };

/** Flag and environment variable that set each port. */
export const PORT_SETTINGS: Record<Service, { flag: string; env: string }> = {
  postgres: { flag: '--postgres-port', env: 'LOCAL_POSTGRES_PORT' },
  redis: { flag: '--redis-port', env: 'LOCAL_REDIS_PORT' },
  oidc: { flag: '--oidc-port', env: 'LOCAL_OIDC_PORT' },
  api: { flag: '--api-port', env: 'LOCAL_API_PORT' },
  agent: { flag: '--agent-port', env: 'LOCAL_AGENT_PORT' },
  web: { flag: '--web-port', env: 'LOCAL_WEB_PORT' },
};

/** Where the local data lives (relative to the repository root) unless --data-dir / LOCAL_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = '.local';

export interface LaunchOptions {
  ports: Record<Service, number>;
  /** Absolute path of the data folder (PostgreSQL in `<dir>/postgres`, Redis in `<dir>/redis`). */
  dataDir: string;
  /** Wipe the data folder first (after a confirmation unless `yes`). */
  reset: boolean;
  /** Answer yes to the reset confirmation (non-interactive use). */
  yes: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm start [-- options]

Runs the whole workload on this machine: PostgreSQL and Redis (data kept in .local/),
a local OpenID Connect issuer to sign in at, the api and the agent (reloaded on change),
and the frontend's dev server, which proxies /api and /socket.io to the api like nginx
does in the image. It prints the user and password to sign in with.

Options (each also an environment variable):
  --web-port <n>       LOCAL_WEB_PORT       the URL you open (default ${DEFAULT_PORTS.web})
  --api-port <n>       LOCAL_API_PORT       api (default ${DEFAULT_PORTS.api})
  --agent-port <n>     LOCAL_AGENT_PORT     agent health/metrics (default ${DEFAULT_PORTS.agent})
  --postgres-port <n>  LOCAL_POSTGRES_PORT  PostgreSQL (default ${DEFAULT_PORTS.postgres})
  --redis-port <n>     LOCAL_REDIS_PORT     Redis (default ${DEFAULT_PORTS.redis})
  --oidc-port <n>      LOCAL_OIDC_PORT      the local OpenID Connect issuer you sign in at, https (default ${DEFAULT_PORTS.oidc})
  --data-dir <path>    LOCAL_DATA_DIR       data folder (default ${DEFAULT_DATA_DIR}/)
  --reset                                   delete the local data first (asks to confirm)
  --yes                                     confirm --reset without asking
  --help                                    this text
`;

/** A command-line or environment problem; the message says what is allowed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function portValue(raw: string, source: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) {
    throw new UsageError(`${source}: "${raw}" is not a TCP port; use a number from 1 to 65535 (1024 and up without root)`);
  }
  return Number(raw);
}

/** Parses `argv` (after the script name) and the environment; throws {@link UsageError}. */
export function parseLaunchOptions(argv: readonly string[], env: Record<string, string | undefined>, repoRoot: string): LaunchOptions {
  const ports = { ...DEFAULT_PORTS };
  for (const service of SERVICES) {
    const raw = env[PORT_SETTINGS[service].env];
    if (raw !== undefined && raw !== '') ports[service] = portValue(raw, PORT_SETTINGS[service].env);
  }
  let dataDir = env.LOCAL_DATA_DIR || DEFAULT_DATA_DIR;
  let reset = false;
  let yes = false;
  let help = false;
  const flags = new Map(SERVICES.map((s) => [PORT_SETTINGS[s].flag, s] as const));
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const service = flags.get(flag);
    if (service) ports[service] = portValue(value(), flag);
    else if (flag === '--data-dir') dataDir = value();
    else if (flag === '--reset') reset = true;
    else if (flag === '--yes' || flag === '-y') yes = true;
    else if (flag === '--help' || flag === '-h') help = true;
    else throw new UsageError(`unknown option "${argv[i]}"; see npm start -- --help`);
  }
  const byPort = new Map<number, Service>();
  for (const service of SERVICES) {
    const other = byPort.get(ports[service]);
    if (other) throw new UsageError(`${service} and ${other} are both set to port ${ports[service]}; give each its own (${PORT_SETTINGS[service].flag} or ${PORT_SETTINGS[service].env})`);
    byPort.set(ports[service], service);
  }
  return { ports, dataDir: path.resolve(repoRoot, dataDir), reset, yes, help };
}

/** What to do about a port another process holds. `holder` is what the launcher knows about it, if anything. */
export function busyPortMessage(service: Service, port: number, holder?: string): string {
  const { flag, env } = PORT_SETTINGS[service];
  return (
    `port ${port} (${service}) is already in use${holder ? ` by ${holder}` : ''}. ` +
    `Stop that process (see who holds it: ss -ltnp 'sport = :${port}'), or pick another port: npm start -- ${flag} <port> (or ${env}=<port>).`
  );
}

/** The line the launcher prints once everything is ready: the one URL to open. */
export function readyLine(webPort: number): string {
  return `ready: http://127.0.0.1:${webPort}/  (Ctrl-C stops everything)`;
}

/** The user `npm start` creates at the local issuer (its password is made once per data folder). */
export const LOCAL_USER = 'developer';

/** The sign-in line printed before the ready line (the issuer's port, not a second URL to open). */
export function signInLine(user: string, password: string, oidcPort: number): string {
  return `sign in:  user ${user}, password ${password} (local issuer on port ${oidcPort}: https with a self-signed certificate; the app says what to do if your browser refuses it)`;
}

/** Finds the URL in the launcher's output (for tests and scripts). */
export function urlFromReadyLine(line: string): string | undefined {
  return /^ready: (http:\/\/\S+)/.exec(line)?.[1];
}

/** The question --reset asks; only "yes" confirms. */
export function resetQuestion(dataDir: string): string {
  return `This deletes every local job and all local data in ${dataDir}. Type "yes" to continue: `;
}

export function confirmsReset(answer: string): boolean {
  return answer.trim().toLowerCase() === 'yes';
}

/** The environment of the api and the agent: the local servers, no TLS on loopback, secrets from the data folder's files. */
export function appProcessEnv(
  service: 'api' | 'agent',
  opts: {
    ports: Record<Service, number>;
    postgresPasswordFile: string;
    redisPasswordFile: string;
    database: string;
    logLevel?: string;
    /**
     * The local OIDC issuer the api trusts: its AUTH_* settings (AUTH_MODE=entra) and its
     * self-signed certificate (NODE_EXTRA_CA_CERTS, for the JWKS fetch over https). Unset: the
     * contract's local no-auth mode (AUTH_MODE=none).
     */
    issuer?: { apiEnv: Record<string, string>; certFile: string };
  },
): Record<string, string> {
  return {
    LOG_LEVEL: opts.logLevel ?? 'info',
    PORT: String(opts.ports[service]),
    PGHOST: '127.0.0.1',
    PGPORT: String(opts.ports.postgres),
    PGDATABASE: opts.database,
    PGUSER: 'postgres',
    PGPASSWORD_FILE: opts.postgresPasswordFile,
    PGSSLMODE: 'disable',
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(opts.ports.redis),
    REDIS_PASSWORD_FILE: opts.redisPasswordFile,
    REDIS_TLS: 'false',
    // node --watch starts the edited app once the old one has exited: a restart waits at most this; in the cluster it is 25000 (apps/CONTRACT.md).
    SHUTDOWN_TIMEOUT_MS: '4000',
    // Local runs apply the schema at start (in a cluster the migration Job does it once per release).
    ...(service === 'api' ? { OUTBOX_INTERVAL_MS: '500', MIGRATE_ON_START: 'true', APP_ENVIRONMENT: 'local' } : {}),
    // The api checks tokens from the local issuer (AUTH_MODE=entra); without it, the contract's local no-auth mode.
    ...(service === 'api' ? (opts.issuer ? { ...opts.issuer.apiEnv, NODE_EXTRA_CA_CERTS: opts.issuer.certFile } : { AUTH_MODE: 'none' }) : {}),
  };
}
