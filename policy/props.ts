/**
 * Small readers for resource property bags (plain JSON from the engine or the
 * mocks). Every reader tolerates missing values; none of them mutates.
 */

export type Props = Record<string, unknown>;

export function isRecord(value: unknown): value is Props {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Visits every key of every object in a tree of values, depth first, array items by index (paths as
 * `values.a.b[0].c`). `visit` gets the key, its value, its path and its object's path, and returns
 * true to go on into the value, false when it has taken what it wanted from it. Plain loops, no
 * array per node: the rules walk every node of every Helm release's values.
 */
export function walkValues(tree: unknown, path: string, visit: (key: string, value: unknown, at: string, parentPath: string) => boolean): void {
  if (Array.isArray(tree)) {
    for (let i = 0; i < tree.length; i++) walkValues(tree[i], `${path}[${i}]`, visit);
    return;
  }
  if (!isRecord(tree)) return;
  for (const key of Object.keys(tree)) {
    const value = tree[key];
    const at = `${path}.${key}`;
    if (visit(key, value, at, path)) walkValues(value, at, visit);
  }
}

/**
 * Each path's keys, split once: the rules read a few dozen fixed paths, for every resource of
 * every check. Bounded, in case a caller builds paths from data.
 */
const PATH_KEYS = new Map<string, readonly string[]>();
const PATH_KEYS_MAX = 1000;

function keysOf(path: string): readonly string[] {
  let keys = PATH_KEYS.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    if (PATH_KEYS.size < PATH_KEYS_MAX) PATH_KEYS.set(path, keys);
  }
  return keys;
}

/** `get(props, 'a.b.c')`; undefined when any step is missing. */
export function get(props: unknown, path: string): unknown {
  let current: unknown = props;
  for (const key of keysOf(path)) {
    if (!isRecord(current)) return undefined;
    current = current[key];
  }
  return current;
}

/** A key of a map whose keys ARM compares case-insensitively (AKS add-on names, add-on config). */
export function getCaseInsensitive(map: unknown, key: string): unknown {
  if (!isRecord(map)) return undefined;
  const wanted = key.toLowerCase();
  const found = Object.keys(map).find((k) => k.toLowerCase() === wanted && map[k] !== undefined);
  return found === undefined ? undefined : map[found];
}

/** String enum comparison as ARM does it (case-insensitive). */
export function equalsIgnoreCase(value: unknown, expected: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === expected.toLowerCase();
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asStringArray(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

/** JSON rendering of a value for messages; `undefined` reads "not set". */
export function show(value: unknown): string {
  return value === undefined ? 'not set' : JSON.stringify(value);
}
