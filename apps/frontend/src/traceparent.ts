/**
 * W3C Trace Context for the api calls: every request and Socket.IO
 * subscription starts a trace here, so the api's and the agent's log lines for
 * that job carry the same `trace_id` (https://www.w3.org/TR/trace-context/).
 */

/** Hex of `bytes` random bytes, never all zeros (an invalid id in W3C Trace Context). */
function randomHex(bytes: number, random: (buffer: Uint8Array) => Uint8Array): string {
  for (;;) {
    const hex = Array.from(random(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A new sampled `traceparent`: `00-<32 hex trace id>-<16 hex span id>-01`. */
export function newTraceparent(random: (buffer: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return `00-${randomHex(16, random)}-${randomHex(8, random)}-01`;
}

/** The trace id of a `traceparent`. */
export function traceIdOf(traceparent: string): string {
  return traceparent.split('-')[1] ?? '';
}
