/** One labelled value of a job result, ready to display. */
export interface ResultField {
  label: string;
  value: string;
}

/** Labels for the result keys the agent produces (apps/agent: wordcount, sha256, sleep). */
const KNOWN_LABELS: Record<string, string> = {
  sha256: 'SHA-256',
  sleptMs: 'Slept (ms)',
};

/**
 * Display order of known keys: results come back from Postgres jsonb, which does not keep
 * the agent's key order. Unknown keys follow in the order received.
 */
const KEY_ORDER = ['words', 'lines', 'characters', 'sha256', 'sleptMs'];

function keyRank(key: string): number {
  const i = KEY_ORDER.indexOf(key);
  return i === -1 ? KEY_ORDER.length : i;
}

function humanize(key: string): string {
  const known = KNOWN_LABELS[key];
  if (known) return known;
  const spaced = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/**
 * Turns a job result (whatever the agent stored: a string, a number or an
 * object of named values) into label/value pairs for display.
 */
export function formatResult(result: unknown): ResultField[] {
  if (result === null || result === undefined) return [];
  if (typeof result === 'object' && !Array.isArray(result)) {
    const entries = Object.entries(result as Record<string, unknown>);
    // Array.prototype.sort is stable: unknown keys keep their received order.
    entries.sort(([a], [b]) => keyRank(a) - keyRank(b));
    return entries.map(([key, value]) => ({
      label: humanize(key),
      value: scalar(value),
    }));
  }
  return [{ label: 'Result', value: scalar(result) }];
}

/** Short form of a UUID for display; the full id stays available to assistive tech and on hover. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** Local time of an ISO timestamp, e.g. "14:03:07"; the raw value when it does not parse. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
