/**
 * The Entra -> ACR refresh-token exchange against a local fake registry
 * (a real HTTP server on 127.0.0.1, the real global fetch).
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { ACR_TOKEN_USERNAME, AcrTokenExchangeError, exchangeAcrRefreshToken, loginServerProblem } from '../lib/acr-token';

interface Seen {
  method?: string;
  url?: string;
  contentType?: string;
  form: URLSearchParams;
}

/** A fake `/oauth2/exchange` answering from a queue of [status, body]. */
async function fakeRegistry(answers: [number, string][]) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], form: new URLSearchParams(body) });
      const [status, text] = answers.shift() ?? [500, 'no more answers'];
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { seen, baseUrl, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const LOGIN = 'craksplatdevweu1a2b3c.azurecr.io';
const ENTRA = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.entra-secret-payload.sig';
const noSleep = async () => undefined;

describe('exchangeAcrRefreshToken', () => {
  test('posts the Entra token as a form to /oauth2/exchange and returns the refresh token', async () => {
    const reg = await fakeRegistry([[200, JSON.stringify({ refresh_token: 'acr-refresh-123' })]]);
    try {
      const token = await exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA, tenantId: 't-1' }, { baseUrl: reg.baseUrl });
      expect(token).toBe('acr-refresh-123');
      expect(reg.seen).toHaveLength(1);
      const [s] = reg.seen;
      expect(s.method).toBe('POST');
      expect(s.url).toBe('/oauth2/exchange');
      expect(s.contentType).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(s.form)).toEqual({ grant_type: 'access_token', service: LOGIN, access_token: ENTRA, tenant: 't-1' });
    } finally {
      await reg.close();
    }
  });

  test('omits the tenant when not given', async () => {
    const reg = await fakeRegistry([[200, JSON.stringify({ refresh_token: 'r' })]]);
    try {
      await exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl });
      expect(reg.seen[0].form.has('tenant')).toBe(false);
    } finally {
      await reg.close();
    }
  });

  test('retries a 5xx and a 429, then succeeds', async () => {
    const reg = await fakeRegistry([[503, '{}'], [429, '{}'], [200, JSON.stringify({ refresh_token: 'third-time' })]]);
    const sleeps: number[] = [];
    try {
      const token = await exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl, sleep: async (ms) => void sleeps.push(ms) });
      expect(token).toBe('third-time');
      expect(reg.seen).toHaveLength(3);
      expect(sleeps).toEqual([500, 1000]);
    } finally {
      await reg.close();
    }
  });

  test('a 401 fails at once with a hint about AcrPush, and never echoes the token', async () => {
    const body = JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] });
    const reg = await fakeRegistry([[401, body], [200, '{"refresh_token":"never"}']]);
    try {
      const err = await exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl, sleep: noSleep }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AcrTokenExchangeError);
      expect((err as AcrTokenExchangeError).status).toBe(401);
      expect((err as Error).message).toMatch(/HTTP 401: UNAUTHORIZED authentication required/);
      expect((err as Error).message).toMatch(/AcrPush/);
      expect((err as Error).message).not.toContain(ENTRA);
      expect(reg.seen).toHaveLength(1);
    } finally {
      await reg.close();
    }
  });

  test('gives up after the retries with the last status', async () => {
    const reg = await fakeRegistry([[500, 'boom'], [502, 'bad gateway'], [503, 'unavailable']]);
    try {
      await expect(exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl, sleep: noSleep })).rejects.toThrow(/HTTP 503: unavailable/);
      expect(reg.seen).toHaveLength(3);
    } finally {
      await reg.close();
    }
  });

  test('a 200 without refresh_token is an error', async () => {
    const reg = await fakeRegistry([[200, '{"access_token":"x"}']]);
    try {
      await expect(exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl })).rejects.toThrow(/no refresh_token/);
    } finally {
      await reg.close();
    }
  });

  test('a network error (nothing listening) is reported with status 0 after retries', async () => {
    const reg = await fakeRegistry([]);
    await reg.close(); // the port is now closed
    const err = await exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: ENTRA }, { baseUrl: reg.baseUrl, sleep: noSleep, retries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AcrTokenExchangeError);
    expect((err as AcrTokenExchangeError).status).toBe(0);
    expect((err as Error).message).toContain(LOGIN);
  });

  test('refuses a bad login server or an empty token before any request', async () => {
    const fetchSpy = jest.fn();
    await expect(exchangeAcrRefreshToken({ loginServer: 'docker.io', accessToken: ENTRA }, { fetch: fetchSpy })).rejects.toThrow(/not an ACR login server/);
    await expect(exchangeAcrRefreshToken({ loginServer: LOGIN, accessToken: '' }, { fetch: fetchSpy })).rejects.toThrow(/access token is empty/);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  test.each([
    ['craksplat.azurecr.io', true],
    ['cr1.azurecr.io', false],
    ['CRUPPER.azurecr.io', false],
    ['myreg.azurecr.cn', true],
    ['myreg.example.com', false],
    ['https://myreg.azurecr.io', false],
  ])('login server %s valid=%s', (server, ok) => {
    expect(loginServerProblem(server) === undefined).toBe(ok);
  });

  test('the docker username for refresh tokens is the null GUID', () => {
    expect(ACR_TOKEN_USERNAME).toBe('00000000-0000-0000-0000-000000000000');
  });
});
