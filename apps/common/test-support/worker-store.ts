/**
 * What the test files of one jest worker share: a map that outlives a test file, put on each
 * file's global by the test environment (./environment.ts, loaded once per worker), for work
 * that is the same in every file and costs CPU to make (the test issuer's RSA keys: ./oidc.ts;
 * parsed YAML: workerMemo). Keep only plain data in it (strings, JSON): each file runs in a
 * realm of its own, and an object made in one file's realm would keep that realm alive for the
 * worker's life. Outside jest it is this module's own map.
 */
import { createHash } from 'node:crypto';

export const WORKER_STORE_GLOBAL = '__appsTestWorkerStore';

const local = new Map<string, unknown>();

/** The worker's store (under jest), else this module's. */
function store(): Map<string, unknown> {
  return ((globalThis as Record<string, unknown>)[WORKER_STORE_GLOBAL] as Map<string, unknown> | undefined) ?? local;
}

/** The string kept under `key`, made with `make` by the first file of the worker that asks. */
export async function workerCached(key: string, make: () => Promise<string>): Promise<string> {
  const kept = store().get(key);
  if (typeof kept === 'string') return kept;
  const made = await make();
  store().set(key, made);
  return made;
}

/**
 * Whether JSON carries `value` unchanged: null, booleans, strings, finite numbers other than -0,
 * dense arrays and plain objects (this realm's Object.prototype, no symbol keys) of such values.
 * Not: undefined, functions, NaN, Infinity, Dates, Maps, class instances, null-prototype objects.
 */
export function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isJsonData(value[i])) return false;
    return Object.getPrototypeOf(value) === Array.prototype;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of Object.getOwnPropertyNames(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor?.enumerable || !('value' in descriptor) || !isJsonData(descriptor.value)) return false;
  }
  return true;
}

/**
 * `make(input)`, made once per jest worker for each distinct `input` text (a file's content, a
 * command's output), for pure functions whose result is plain data, such as parsed YAML. The result is
 * kept as JSON in the worker's store under `kind` and the SHA-256 of `input`: keyed by content, not
 * by a file's name, so an edited file is made afresh. Every call returns a fresh copy, parsed in the
 * caller's realm: a caller may change what it gets, and objects of another file's realm would fail
 * jest's toStrictEqual (their constructor is another realm's Object). A result JSON cannot carry
 * unchanged (see isJsonData) is returned as made and not kept, so the memo never changes a result.
 */
export function workerMemo<T>(kind: string, input: string, make: (input: string) => T): T {
  const key = `memo:${kind}:${createHash('sha256').update(input).digest('hex')}`;
  const kept = store().get(key);
  if (typeof kept === 'string') return JSON.parse(kept) as T;
  const made = make(input);
  if (isJsonData(made)) store().set(key, JSON.stringify(made));
  return made;
}
