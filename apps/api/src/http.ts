/** HTTP edge helpers: raw responses for Node's parser errors, and the browser origin rule. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { CORRELATION_HEADER } from '@aks-platform/common';

/**
 * The raw response written for an error of Node's HTTP parser (the request never reached
 * fastify): a JSON body and a fresh correlation id. `head` is undefined when the peer is gone.
 */
export function clientErrorResponse(err: Error): { head?: string; correlationId: string } {
  const correlationId = randomUUID();
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return { correlationId };
  const status =
    code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT' ? 408 : code === 'HPE_URI_TOO_LONG' ? 414 : 400;
  const body = JSON.stringify({
    error: status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : status === 414 ? 'uri_too_long' : 'bad_request',
    message: status === 408 ? 'the request was not received in time' : 'the request could not be parsed',
  });
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
    `${CORRELATION_HEADER}: ${correlationId}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'x-content-type-options: nosniff\r\n' +
    'connection: close\r\n\r\n' +
    body;
  return { head, correlationId };
}

/**
 * Browser origin rule for the Socket.IO handshake: no Origin header (not a browser) is allowed
 * (the token check still applies); a browser's Origin must be one of `allowed` or the api's own
 * origin as the browser reached it (same host, e.g. through the frontend's reverse proxy).
 */
export function isAllowedOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  try {
    const u = new URL(origin);
    return host !== undefined && u.host === host && (u.protocol === 'http:' || u.protocol === 'https:');
  } catch {
    return false;
  }
}
