/**
 * The frontend's nginx config under real nginx: health endpoint, security headers, cache
 * policy, SPA fallback, /api/ and /socket.io/ proxying (against a fake api), the JSON 502
 * when the api is down, and the container's API_UPSTREAM gate.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { CHECK_SCRIPT, DIST_DIR, FRONTEND_DIR, renderTemplate, requireDist, sourceAuthScript, startNginx, type NginxServer } from './support/nginx';
import { parseRuntimeConfig } from '../src/runtimeConfig';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const SECURITY_HEADERS: Record<string, (value: string) => boolean> = {
  'content-security-policy': (v) =>
    v.includes("default-src 'self'") &&
    v.includes("script-src 'self'") &&
    v.includes("connect-src 'self'") &&
    v.includes("frame-ancestors 'none'") &&
    v.includes("object-src 'none'") &&
    !v.includes('unsafe-inline') &&
    !v.includes('unsafe-eval'),
  'x-content-type-options': (v) => v === 'nosniff',
  'x-frame-options': (v) => v === 'DENY',
  'referrer-policy': (v) => v === 'strict-origin-when-cross-origin',
  'permissions-policy': (v) => v.includes('camera=()') && v.includes('microphone=()') && v.includes('geolocation=()'),
};

function expectSecurityHeaders(headers: Headers, where: string): void {
  for (const [name, ok] of Object.entries(SECURITY_HEADERS)) {
    const value = headers.get(name);
    if (value === null || !ok(value)) throw new Error(`${where}: header ${name} is ${JSON.stringify(value)}`);
  }
  expect(headers.get('server')).toBe('nginx');
}

describe('frontend nginx config', () => {
  let nginx: NginxServer;
  let upstream: Server;
  let upstreamUrl: string;
  const seen: SeenRequest[] = [];
  const upgrades: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let assetJs: string;

  beforeAll(async () => {
    requireDist();
    assetJs = readdirSync(join(DIST_DIR, 'assets')).find((f) => f.startsWith('index-') && f.endsWith('.js')) ?? '';
    expect(assetJs).toMatch(/^index-[\w-]{8,}\.js$/);

    upstream = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(202, {
          'content-type': 'application/json; charset=utf-8',
          'x-correlation-id': 'corr-from-api-0001',
          'x-powered-by': 'fake-api',
          'content-security-policy': "default-src 'none'",
          'cache-control': 'no-store',
        });
        res.end(JSON.stringify({ id: '00000000-0000-4000-8000-000000000001', type: 'wordcount', status: 'queued', createdAt: '2026-01-01T00:00:00.000Z' }));
      });
    });
    upstream.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    upstream.on('upgrade', (req, socket: Socket) => {
      upgrades.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(d)); // echo
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    nginx = await startNginx({ apiUpstream: upstreamUrl });
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => (upstream?.listening ? upstream.close(resolve) : resolve(undefined)));
  });

  test('GET /healthz is answered by nginx itself, uncached, with the security headers', async () => {
    const res = await fetch(`${nginx.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectSecurityHeaders(res.headers, '/healthz');
    expect(seen).toHaveLength(0);
  });

  test('index.html: the built app, no-cache, CSP and the other security headers, no server version', async () => {
    const res = await fetch(`${nginx.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain(`/assets/${assetJs}`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: CSP script-src 'self' must suffice
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expectSecurityHeaders(res.headers, '/');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  test('SPA fallback: unknown client-side routes render index.html', async () => {
    for (const path of ['/jobs', '/jobs/123/details', '/index.html']) {
      const res = await fetch(`${nginx.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root"></div>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expectSecurityHeaders(res.headers, path);
    }
  });

  test('hashed assets are cached for a year as immutable, gzip-compressed; a missing one is a 404 that is not cached', async () => {
    const res = await fetch(`${nginx.url}/assets/${assetJs}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect((await res.text()).length).toBeGreaterThan(1000);
    expectSecurityHeaders(res.headers, '/assets/*.js');

    const missing = await fetch(`${nginx.url}/assets/index-doesnotexist.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBeNull();
    expect(await missing.text()).not.toContain('<div id="root">');
    expectSecurityHeaders(missing.headers, '404');

    const favicon = await fetch(`${nginx.url}/favicon.svg`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(favicon.headers.get('cache-control')).toBe('no-cache');
  });

  test('dot files are never served, but api paths containing a dot segment still reach the api', async () => {
    expect((await fetch(`${nginx.url}/.env`)).status).toBe(404);
    expect((await fetch(`${nginx.url}/assets/.hidden`)).status).toBe(404);
    seen.length = 0;
    expect((await fetch(`${nginx.url}/api/jobs/.well-known`)).status).toBe(202);
    expect(seen.map((r) => r.url)).toEqual(['/api/jobs/.well-known']);
  });

  test('/api/ is proxied to API_UPSTREAM with path, body and forwarding headers; the api decides caching', async () => {
    seen.length = 0;
    const res = await fetch(`${nginx.url}/api/jobs?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'client-corr-1', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ type: 'wordcount', input: 'a b c' }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'queued' });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/jobs?x=1');
    expect(JSON.parse(req.body)).toEqual({ type: 'wordcount', input: 'a b c' });
    expect(req.headers.host).toBe(`127.0.0.1:${nginx.port}`);
    expect(req.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(req.headers['x-real-ip']).toBe('127.0.0.1');
    expect(req.headers['x-forwarded-proto']).toBe('https');
    expect(req.headers['x-correlation-id']).toBe('client-corr-1');

    expect(res.headers.get('x-correlation-id')).toBe('corr-from-api-0001');
    expect(res.headers.get('cache-control')).toBe('no-store'); // the api's, nothing added by nginx
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('content-security-policy')).not.toContain("default-src 'none'"); // one CSP: nginx's
    expectSecurityHeaders(res.headers, '/api/jobs');

    const log = nginx.accessLog().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.find((l) => l.uri === '/api/jobs?x=1')).toMatchObject({ method: 'POST', status: 202, correlation_id: 'corr-from-api-0001' });
  });

  test('/socket.io/ is proxied with the WebSocket upgrade headers', async () => {
    upgrades.length = 0;
    const { status, headers, echoed } = await new Promise<{ status: number; headers: IncomingHttpHeaders; echoed: string }>((resolve, reject) => {
      const req = request(`${nginx.url}/socket.io/?EIO=4&transport=websocket`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('upgrade', (res, socket: Socket) => {
        socket.once('data', (d: Buffer) => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, echoed: d.toString() });
          socket.destroy();
        });
        socket.write('ping-through-nginx');
      });
      req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(101);
    expect(String(headers.upgrade).toLowerCase()).toBe('websocket');
    expect(echoed).toBe('ping-through-nginx');
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0].url).toBe('/socket.io/?EIO=4&transport=websocket');
    expect(upgrades[0].headers.upgrade).toBe('websocket');
    expect(String(upgrades[0].headers.connection).toLowerCase()).toBe('upgrade');
    expect(upgrades[0].headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  test('with the api down, /api/ answers a JSON 502 the SPA can show', async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => upstream.close(resolve));
    const res = await fetch(`${nginx.url}/api/jobs/00000000-0000-4000-8000-000000000001`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'api_unavailable', message: expect.stringContaining('not reachable') });
    expectSecurityHeaders(res.headers, '502');
    expect(nginx.errorLog()).toMatch(/connect\(\) failed/);
  });
});

describe('container start: template rendering and the API_UPSTREAM gate', () => {
  const template = readFileSync(join(FRONTEND_DIR, 'nginx', 'templates', 'default.conf.template'), 'utf8');

  test('envsubst fills only ${API_UPSTREAM} and leaves nginx variables alone', () => {
    const rendered = renderTemplate(template, 'http://api.api.svc.cluster.local:5000');
    expect(rendered.match(/proxy_pass http:\/\/api\.api\.svc\.cluster\.local:5000;/g)).toHaveLength(2);
    expect(rendered).not.toContain('${');
    for (const v of ['$http_upgrade', '$connection_upgrade', '$http_host', '$proxy_add_x_forwarded_for', '$uri', '$cache_control']) {
      expect(rendered).toContain(v);
    }
    expect(rendered).not.toContain('must-not-be-substituted');
  });

  const check = (value: string | undefined) =>
    spawnSync('sh', [CHECK_SCRIPT], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...(value === undefined ? {} : { API_UPSTREAM: value }) },
    });

  test.each(['http://api.api.svc.cluster.local:5000', 'http://api:5000', 'https://10.0.0.12', 'http://[fd00::1]:5000'])(
    'accepts %s',
    (value) => {
      const r = check(value);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );

  test.each([
    [undefined, /API_UPSTREAM is not set/],
    ['', /API_UPSTREAM is not set/],
    ['api:5000', /must be http:\/\/ or https:\/\//],
    ['http://api:5000/', /no path/],
    ['http://api:5000/api', /no path/],
    ['ftp://api', /must be http:\/\/ or https:\/\//],
    ['http://api:5000; return 200', /whitespace/],
    ['http://a}b', /whitespace, quotes or one of/],
    ['http://api:5000\nhttp://evil', /whitespace/],
  ])('rejects %j with a message naming the problem', (value, message) => {
    const r = check(value);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('e.g. http://api.api.svc.cluster.local:5000');
  });
});

describe('container start: sign-in settings (06-auth-config.envsh) and /config.json', () => {
  const UPSTREAM = 'http://api:5000';
  const ENTRA = {
    AUTH_CLIENT_ID: '3f1b9c2e-8d4a-4e6f-9a1b-2c3d4e5f6a7b',
    AUTH_AUTHORITY: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47',
    AUTH_SCOPE: 'api://9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/Jobs.ReadWrite',
  };

  test('sign-in on: /config.json carries the settings, uncached, and the CSP lets the SPA reach the authority only', async () => {
    const server = await startNginx({ apiUpstream: 'http://127.0.0.1:9', auth: ENTRA });
    try {
      const res = await fetch(`${server.url}/config.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body: unknown = await res.json();
      expect(parseRuntimeConfig(body)).toEqual({
        auth: { clientId: ENTRA.AUTH_CLIENT_ID, authority: ENTRA.AUTH_AUTHORITY, scopes: [ENTRA.AUTH_SCOPE], protocol: 'entra' },
      });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self' https://login.microsoftonline.com;");
    } finally {
      await server.stop();
    }
  });

  test('sign-in off: the same files render an empty client id, which the SPA reads as "no sign-in"', () => {
    const env = sourceAuthScript(UPSTREAM);
    expect(env).toEqual({ API_UPSTREAM: UPSTREAM, AUTH_CLIENT_ID: '', AUTH_AUTHORITY: '', AUTH_SCOPE: '', AUTH_PROTOCOL: 'entra', AUTH_ORIGIN: '' });
    const json = renderTemplate(readFileSync(join(FRONTEND_DIR, 'nginx', 'templates', 'app-config.json.template'), 'utf8'), env);
    expect(parseRuntimeConfig(JSON.parse(json))).toEqual({});
    expect(renderTemplate(readFileSync(join(FRONTEND_DIR, 'nginx', 'templates', 'default.conf.template'), 'utf8'), env)).toContain(
      "connect-src 'self' ;",
    );
  });

  test('a local OIDC issuer is accepted with AUTH_PROTOCOL=oidc', () => {
    const env = sourceAuthScript(UPSTREAM, { AUTH_CLIENT_ID: 'job-runner-spa', AUTH_AUTHORITY: 'https://127.0.0.1:9443/oidc', AUTH_SCOPE: 'jobs', AUTH_PROTOCOL: 'oidc' });
    expect(env.AUTH_ORIGIN).toBe('https://127.0.0.1:9443');
  });

  test.each([
    [{ AUTH_AUTHORITY: ENTRA.AUTH_AUTHORITY }, /AUTH_CLIENT_ID is empty/],
    [{ ...ENTRA, AUTH_CLIENT_ID: 'bad id' }, /AUTH_CLIENT_ID='bad id' is not a client id/],
    [{ ...ENTRA, AUTH_AUTHORITY: 'http://login.microsoftonline.com/t' }, /AUTH_AUTHORITY=.* must be an https URL/],
    [{ ...ENTRA, AUTH_AUTHORITY: 'https://login.example/t?x=1' }, /AUTH_AUTHORITY=.* must be an https URL/],
    [{ ...ENTRA, AUTH_SCOPE: 'a"b' }, /AUTH_SCOPE=.* must be one scope/],
    [{ ...ENTRA, AUTH_SCOPE: 'openid profile' }, /AUTH_SCOPE=.* must be one scope/],
    [{ ...ENTRA, AUTH_PROTOCOL: 'saml' }, /AUTH_PROTOCOL='saml' must be entra or oidc/],
  ])('rejects %j with a message naming the variable', (auth, message) => {
    expect(() => sourceAuthScript(UPSTREAM, auth)).toThrow(message);
  });
});
