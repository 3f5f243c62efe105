/**
 * The server binaries the tests and the local launcher (`npm start`) run: where they are, and a
 * {@link MissingBinaryError} that says what to install when one is not. Apart from ./servers.ts
 * (which re-exports it) so that the launcher checks them before it loads the servers' client
 * libraries.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A required server binary is not installed; `hint` says how to get it. */
export class MissingBinaryError extends Error {
  constructor(
    public readonly binary: string,
    public readonly hint: string,
  ) {
    super(`required server binary "${binary}" not found${process.env.CI === 'true' ? ' (CI=true)' : ''}; ${hint}`);
    this.name = 'MissingBinaryError';
  }
}

/**
 * The first executable file named `bin` in the directories of PATH (an empty entry is the current
 * directory), as the shell's `command -v` finds a program. Looked up here rather than by running
 * `sh -c 'command -v ...'`: that spawn forked the whole jest worker (hundreds of MB) at every
 * Redis and nginx start and envsubst run.
 */
export function findOnPath(bin: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(':')) {
    const candidate = resolve(dir || '.', bin);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not there, or not executable: the next directory */
    }
  }
  return undefined;
}

/** The binary's path (absolute, or found on PATH); throws {@link MissingBinaryError} with `hint` (also in CI=true: never skip). */
export function requireBinary(bin: string, hint: string): string {
  if (existsSync(bin)) return bin;
  if (!bin.includes('/')) {
    const onPath = findOnPath(bin);
    if (onPath) return onPath;
  }
  throw new MissingBinaryError(bin, hint);
}

/** Directory of the PostgreSQL server binaries: $PG_BIN, else the newest /usr/lib/postgresql/<major>/bin, else pg_config's. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length > 0) return join(root, versions[0], 'bin');
  const cfg = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  return cfg.status === 0 ? cfg.stdout.trim() : join(root, 'bin');
}

/** The PostgreSQL and Redis server binaries, or the {@link MissingBinaryError} of the first missing one. */
export function serverBinaries(): { initdb: string; postgres: string; redisServer: string } {
  const bin = postgresBinDir();
  const pgHint = `install the PostgreSQL server (bash scripts/install.sh, or apt-get install postgresql) or set PG_BIN to the directory holding initdb and postgres (looked in ${bin})`;
  return {
    initdb: requireBinary(join(bin, 'initdb'), pgHint),
    postgres: requireBinary(join(bin, 'postgres'), pgHint),
    redisServer: requireBinary(process.env.REDIS_SERVER_BIN ?? 'redis-server', 'install Redis (bash scripts/install.sh, or apt-get install redis-server) or set REDIS_SERVER_BIN'),
  };
}
