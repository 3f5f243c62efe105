/**
 * How the launcher shows its children's output: the apps' JSON log lines (apps/common logger:
 * timestamp, level, service, message, fields) as one readable line each; anything else as is.
 * Pure; tested in test/launcher-options.test.ts.
 */

const HIDDEN_FIELDS = new Set(['timestamp', 'level', 'service', 'message', 'msg', 'time', 'pid', 'hostname']);

/** One output line for the terminal, or undefined to drop it (blank lines, Fastify's listen addresses). */
export function formatLogLine(line: string): string | undefined {
  const trimmed = line.replace(/\s+$/, '');
  if (trimmed === '') return undefined;
  if (!trimmed.startsWith('{')) return trimmed;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return trimmed;
  }
  const message = String(entry.message ?? entry.msg ?? '');
  // Fastify's own "Server listening at <url>" lines: the launcher prints the one URL to open.
  if (/^Server listening at /.test(message)) return undefined;
  const level = typeof entry.level === 'string' ? entry.level : '';
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 19) : '';
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN_FIELDS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [time, level.toUpperCase().padEnd(5), message, ...fields].filter((s) => s !== '').join(' ');
}
