/**
 * A disk cache for expensive, deterministic test work (an offline program run,
 * the provider's schema inference): a result is stored under a key made of a
 * hash of everything it depends on, and read back by every test file, every
 * jest worker and the next `npm test` while those inputs are unchanged. Two
 * workers that need the same missing entry do the work once: one makes it,
 * the other waits for it. Entries live in node_modules/.cache/<kind>/ (a fresh
 * clone, as in CI, starts empty); `TEST_CACHE=off` turns every such cache off.
 */
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import * as path from 'path';

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** The files under `rel` (a file or a directory, from the repository root), sorted; none when it does not exist. */
export function filesOf(rel: string): string[] {
  const full = path.join(REPO_ROOT, rel);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full, { withFileTypes: true })
    .flatMap((e) => (e.name === 'node_modules' ? [] : e.isDirectory() ? filesOf(path.join(rel, e.name)) : [path.join(rel, e.name)]))
    .sort();
}

/**
 * A hash of the names and contents of every file under `inputs` (paths from the repository
 * root), the checkout's path, and `extra` (anything else the result depends on).
 */
export function hashInputs(inputs: string[], extra = ''): string {
  const h = createHash('sha256');
  h.update(`${REPO_ROOT}\n${extra}\n`);
  for (const file of [...new Set(inputs.flatMap(filesOf))]) {
    h.update(`${file}\n`);
    h.update(readFileSync(path.join(REPO_ROOT, file)));
  }
  return h.digest('hex');
}

/** True unless `TEST_CACHE=off`. */
export function cacheEnabled(): boolean {
  return process.env.TEST_CACHE !== 'off';
}

/** The directory of cache `kind`: per clone, with the clone's other caches. */
export function cacheDir(kind: string): string {
  return path.join(REPO_ROOT, 'node_modules', '.cache', kind);
}

/** The entry `key` of cache `kind` when it is stored (and the cache is on), without making it. */
export function storedEntry(kind: string, key: string): Buffer | undefined {
  if (!cacheEnabled()) return undefined;
  const file = path.join(cacheDir(kind), key);
  return existsSync(file) ? readFileSync(file) : undefined;
}

/** How long a worker waits for another's entry before making it itself (a crashed worker's lock). */
const LOCK_STALE_MS = 180_000;
/** Entries of other keys that nobody wrote for this long are removed. */
const KEEP_MS = 3_600_000;

/**
 * The entry `key` of cache `kind`: read, or made by `make` and stored. A failing `make` stores
 * nothing (the next caller tries again and sees the error). `onHit` is told when it was read.
 * Keys of one kind that share `key`'s prefix up to the first `-` are one version of the inputs:
 * entries of other versions are pruned after an hour.
 */
export async function cached(kind: string, key: string, make: () => Promise<Buffer>, onHit?: (ms: number) => void): Promise<Buffer> {
  if (!cacheEnabled()) return make();
  const dir = cacheDir(kind);
  const file = path.join(dir, key);
  const lock = `${file}.lock`;
  mkdirSync(dir, { recursive: true });
  for (;;) {
    if (existsSync(file)) {
      const started = performance.now();
      const buffer = readFileSync(file);
      onHit?.(performance.now() - started);
      return buffer;
    }
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is making it: wait for it (checked every 50 ms), unless its lock is stale.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    try {
      const buffer = await make();
      writeFileSync(`${file}.${process.pid}.tmp`, buffer);
      renameSync(`${file}.${process.pid}.tmp`, file);
      prune(dir, key);
      return buffer;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function prune(dir: string, key: string): void {
  const version = key.split('-')[0];
  for (const name of readdirSync(dir)) {
    if (name.split('-')[0] === version) continue;
    const file = path.join(dir, name);
    if (Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > KEEP_MS) rmSync(file, { recursive: true, force: true });
  }
}
