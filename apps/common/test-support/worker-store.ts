/**
 * What the test files of one jest worker share: a map that outlives a test file, put on each
 * file's global by the test environment (./environment.ts, loaded once per worker), for work
 * that is the same in every file and costs CPU to make (the test issuer's RSA keys: ./oidc.ts).
 * Keep only plain data in it (strings, JSON): each file runs in a realm of its own. Outside
 * jest it is this module's own map.
 */
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
