import { randomUUID } from 'node:crypto';

/** Header carrying the correlation id in requests and responses. */
export const CORRELATION_HEADER = 'x-correlation-id';

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Returns the caller's correlation id when it is well formed (1..128 chars of
 * `A-Z a-z 0-9 . _ : -`, so it is safe to log and echo), otherwise a new UUID.
 */
export function resolveCorrelationId(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== undefined && WELL_FORMED.test(v) ? v : randomUUID();
}
