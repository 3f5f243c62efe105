import { ApiError, createApiClient, parseApiError, type FetchLike } from '../src/api';
import { newTraceparent, traceIdOf } from '../src/traceparent';

const JOB_ID = '3f1c9a52-7d0e-4b8e-9c1a-2b6f0d4e8a11';
const fullJob = {
  id: JOB_ID,
  type: 'wordcount',
  input: 'a b',
  status: 'queued',
  result: null,
  error: null,
  attempts: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

/** A fetch double that records calls and answers with the given responses in turn. */
function fakeFetch(...responses: Array<Response | Error>) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fn: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error('unexpected fetch');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fn, calls };
}

describe('parseApiError', () => {
  test('400 validation_failed keeps the api field and message and labels the field', () => {
    const err = parseApiError(400, { error: 'validation_failed', field: 'input', message: 'must be a string of 1..10000 characters' }, 'c-1');
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('validation_failed');
    expect(err.field).toBe('input');
    expect(err.fieldLabel).toBe('Input');
    expect(err.message).toBe('must be a string of 1..10000 characters');
    expect(err.correlationId).toBe('c-1');
  });

  test('400 for the type field and for an unknown field', () => {
    expect(parseApiError(400, { error: 'validation_failed', field: 'type', message: 'must be one of: wordcount, sha256, sleep' }).fieldLabel).toBe('Job type');
    const unknown = parseApiError(400, { error: 'validation_failed', field: 'extra', message: 'unknown field; allowed fields: type, input' });
    expect(unknown.fieldLabel).toBe('extra');
    expect(unknown.message).toContain('allowed fields');
  });

  test('400 without a usable body still explains itself', () => {
    const err = parseApiError(400, '<html>bad</html>');
    expect(err.code).toBe('validation_failed');
    expect(err.field).toBeUndefined();
    expect(err.fieldLabel).toBeUndefined();
    expect(err.message).toBe('The request was rejected as invalid.');
  });

  test('413 points at the input and names the limit', () => {
    const err = parseApiError(413, undefined);
    expect(err.code).toBe('payload_too_large');
    expect(err.field).toBe('input');
    expect(err.message).toContain('64 KiB');
  });

  test('404, 429, 5xx and other statuses', () => {
    expect(parseApiError(404, { error: 'not_found' }).code).toBe('not_found');
    expect(parseApiError(429, {}).message).toMatch(/Too many requests/);
    const down = parseApiError(502, { error: 'api_unavailable', message: 'The api is not reachable right now; try again shortly.' });
    expect(down.code).toBe('server_error');
    expect(down.message).toContain('HTTP 502');
    expect(parseApiError(409, { message: 'conflict here' }).message).toBe('conflict here');
    expect(parseApiError(418, null).message).toBe('The request failed with HTTP 418.');
  });
});

describe('api client', () => {
  test('createJob posts JSON to /api/jobs and returns the 202 summary', async () => {
    const summary = { id: JOB_ID, type: 'sha256', status: 'queued', createdAt: '2026-01-01T00:00:00.000Z' };
    const { fn, calls } = fakeFetch(json(202, summary));
    const job = await createApiClient({ fetch: fn }).createJob({ type: 'sha256', input: 'hello' });
    expect(job).toEqual(summary);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/jobs');
    expect(calls[0].init?.method).toBe('POST');
    expect(calls[0].init?.body).toBe('{"type":"sha256","input":"hello"}');
    expect(calls[0].init?.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    expect(calls[0].init?.signal).toBeInstanceOf(AbortSignal);
  });

  test('createJob turns a 400 into an ApiError with field, message and correlation id', async () => {
    const { fn } = fakeFetch(
      json(400, { error: 'validation_failed', field: 'input', message: 'for type "sleep" input must be a decimal number of milliseconds 1..60000' }, { 'x-correlation-id': 'abc-123' }),
    );
    const err = await createApiClient({ fetch: fn }).createJob({ type: 'sleep', input: 'soon' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'validation_failed', field: 'input', correlationId: 'abc-123' });
    expect((err as ApiError).message).toContain('1..60000');
  });

  test('an unexpected 202 body is reported, not passed on', async () => {
    const { fn } = fakeFetch(json(202, { id: JOB_ID, status: 'queued' }));
    await expect(createApiClient({ fetch: fn }).createJob({ type: 'wordcount', input: 'x' })).rejects.toMatchObject({ code: 'bad_response' });
  });

  test('network failure and timeout become readable errors', async () => {
    const network = fakeFetch(new TypeError('fetch failed'));
    await expect(createApiClient({ fetch: network.fn }).createJob({ type: 'wordcount', input: 'x' })).rejects.toMatchObject({
      code: 'network_error',
      status: 0,
    });
    const timeoutError = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const slow = fakeFetch(timeoutError);
    await expect(createApiClient({ fetch: slow.fn, timeoutMs: 2000 }).getJob(JOB_ID)).rejects.toMatchObject({
      code: 'timeout',
      message: 'The api did not answer within 2 s.',
    });
  });

  test('the timeout really aborts a hanging request', async () => {
    const hanging: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    await expect(createApiClient({ fetch: hanging, timeoutMs: 50 }).getJob(JOB_ID)).rejects.toMatchObject({ code: 'timeout' });
  });

  test('getJob encodes the id, validates the job and maps a 404', async () => {
    const { fn, calls } = fakeFetch(json(200, fullJob), json(404, { error: 'not_found', message: 'no job with this id' }));
    const client = createApiClient({ fetch: fn, baseUrl: 'http://example.test/' });
    await expect(client.getJob(JOB_ID)).resolves.toEqual(fullJob);
    expect(calls[0].url).toBe(`http://example.test/api/jobs/${JOB_ID}`);
    await expect(client.getJob('a/b')).rejects.toMatchObject({ code: 'not_found', message: 'no job with this id' });
    expect(calls[1].url).toBe('http://example.test/api/jobs/a%2Fb');
  });

  test('a non-JSON error body (nginx HTML page) still gives a status-based message', async () => {
    const { fn } = fakeFetch(new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
    await expect(createApiClient({ fetch: fn }).getJob(JOB_ID)).rejects.toMatchObject({ code: 'server_error', status: 502 });
  });
});

describe('sign-in and idempotent submission', () => {
  test('every request carries the bearer token; each submission has its own idempotency key', async () => {
    const { fn, calls } = fakeFetch(
      json(202, { id: JOB_ID, status: 'queued', type: 'wordcount', createdAt: fullJob.createdAt }),
      json(200, fullJob),
    );
    let n = 0;
    const client = createApiClient({ fetch: fn, getToken: async () => `token-${++n}`, newIdempotencyKey: () => 'key-1' });
    await client.createJob({ type: 'wordcount', input: 'a b' });
    await client.getJob(JOB_ID);
    const headers = calls.map((c) => c.init?.headers as Record<string, string>);
    expect(headers[0]).toMatchObject({ authorization: 'Bearer token-1', 'idempotency-key': 'key-1' });
    expect(headers[1]).toMatchObject({ authorization: 'Bearer token-2' });
    expect(headers[1]).not.toHaveProperty('idempotency-key');
  });

  test('without a session no Authorization header is sent', async () => {
    const { fn, calls } = fakeFetch(json(200, fullJob));
    await createApiClient({ fetch: fn }).getJob(JOB_ID);
    expect(calls[0].init?.headers).not.toHaveProperty('authorization');
  });

  test.each([
    [401, 'unauthorized', /sign-in has expired/],
    [403, 'forbidden', /not allowed/],
  ])('%i maps to %s with a message the UI can show', (status, code, message) => {
    const err = parseApiError(status, { error: code });
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });
});

describe('trace context', () => {
  test('every api request carries a fresh W3C traceparent (sampled, no all-zero ids)', async () => {
    const summary = { id: JOB_ID, type: 'sha256', status: 'queued', createdAt: '2026-01-01T00:00:00.000Z' };
    const { fn, calls } = fakeFetch(json(202, summary), json(200, fullJob));
    const client = createApiClient({ fetch: fn });
    await client.createJob({ type: 'sha256', input: 'hello' });
    await client.getJob(JOB_ID);
    const sent = calls.map((c) => (c.init?.headers as Record<string, string>).traceparent);
    for (const tp of sent) expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(traceIdOf(sent[0])).not.toBe(traceIdOf(sent[1]));
  });

  test('newTraceparent never emits an all-zero trace or span id', () => {
    let call = 0;
    // The first draw is all zeros (invalid in W3C Trace Context) and must be redrawn.
    const random = (b: Uint8Array) => (call++ === 0 ? b.fill(0) : b.fill(0xab));
    expect(newTraceparent(random)).toBe(`00-${'ab'.repeat(16)}-${'ab'.repeat(8)}-01`);
  });
});
