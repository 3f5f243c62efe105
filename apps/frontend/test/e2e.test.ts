/**
 * End to end in headless Chromium: the BUILT frontend served by real nginx with its real
 * config, the real api and agent behind it, real PostgreSQL and Redis. A job submitted in
 * the UI must show queued -> running -> succeeded live (Socket.IO through nginx, under the
 * production CSP) with the right result, and an api validation error must be shown on the
 * field it names. The user signs in first, with MSAL (auth code + PKCE) against the real local
 * OpenID Connect provider (apps/common/test-support/oidc-provider), as a person would.
 * The W3C trace id the browser sends with a job reaches the api's and the agent's log lines
 * for that job.
 *
 * FRONTEND_E2E_SCREENSHOT=/path.png saves a screenshot of the page after the jobs finished.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Page } from 'playwright-core';
import { createLogger } from '@aks-platform/common';
import { startAgent, type AgentHandle } from '../../agent/src';
import { startApi, type ApiHandle } from '../../api/src';
import { appEnv, freePort, postgresDatabase, startRedis, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startLocalOidcProvider, type LocalOidcProvider } from '../../common/test-support/oidc-provider';
import { launchChromium, type Browser } from './support/browser';
import { requireDist, startNginx, type NginxServer } from './support/nginx';

jest.setTimeout(90_000);

/**
 * The issuer's certificate and signing keys, kept for the next run in the clone's cache (making
 * them costs the issuer most of a CPU-second; the launcher test covers making them). A fresh clone
 * makes new ones; TEST_CACHE=off makes new ones at every run.
 */
const ISSUER_STATE = process.env.TEST_CACHE === 'off' ? undefined : join(__dirname, '..', '..', '..', 'node_modules', '.cache', 'aks-platform-oidc-e2e');

const TEXT = 'The quick brown fox\njumps over the lazy dog';

let pg: PostgresServer;
let redis: RedisServer;
let api: ApiHandle;
let agent: AgentHandle;
let nginx: NginxServer;
let idp: LocalOidcProvider;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];
/** The api's and the agent's log lines (JSON), for the trace check. */
const logLines: Array<Record<string, any>> = [];
const logSink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

beforeAll(async () => {
  requireDist();
  const nginxPort = await freePort();
  // The provider's certificate is self-signed for 127.0.0.1: this browser accepts it.
  [pg, redis, browser, idp] = await Promise.all([
    postgresDatabase(),
    startRedis(),
    launchChromium({ extraArgs: ['--ignore-certificate-errors'] }),
    startLocalOidcProvider({ spaOrigin: `http://127.0.0.1:${nginxPort}`, stateDir: ISSUER_STATE }),
  ]);
  const env = appEnv(pg, redis, { OUTBOX_INTERVAL_MS: '200' });
  // The api checks the provider's tokens (its JWKS is served on loopback http: local mode).
  api = await startApi({ env: { ...env, APP_ENVIRONMENT: 'local', ...idp.apiEnv() }, port: 0, host: '127.0.0.1', logger: createLogger({ service: 'api', destination: logSink }) });
  agent = await startAgent({ env, port: 0, host: '127.0.0.1', logger: createLogger({ service: 'agent', destination: logSink }) });
  await Promise.all([api.schemaReady, agent.warm]);
  nginx = await startNginx({ apiUpstream: api.url, port: nginxPort, auth: idp.frontendEnv() });

  page = await browser.context.newPage();
  page.on('console', (msg) => {
    // The provider's own login page (oidc-provider's development form) is not ours to judge.
    if (new URL(page.url()).origin === idp.issuer) return;
    if (msg.type() === 'error' || msg.type() === 'warning') pageProblems.push(`console.${msg.type()}: ${msg.text()} (${page.url()})`);
  });
  page.on('pageerror', (err) => pageProblems.push(`pageerror: ${err.message}`));
  await page.exposeFunction('reportCspViolation', (text: string) => pageProblems.push(`CSP: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/api/')) apiAuthorization.push(request.headers().authorization ?? '');
  });
  const response = await page.goto(nginx.url, { waitUntil: 'load' });
  expect(response?.status()).toBe(200);
  await signIn('alice');
});

/** Signs in through the provider's login page, as a person would, and waits for the app. */
async function signIn(user: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === idp.issuer, { timeout: 15_000 });
  await page.locator('input[name="login"]').fill(user);
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.origin === nginx.url, { timeout: 15_000 });
  await page.getByRole('heading', { name: 'Submit a job' }).waitFor({ timeout: 15_000 });
}

const apiAuthorization: string[] = [];

afterAll(async () => {
  await browser?.close();
  await nginx?.stop();
  await idp?.close();
  await agent?.close();
  await api?.close();
  await Promise.all([pg?.dispose(), redis?.dispose()]);
});

afterEach(() => {
  // Every test leaves a clean console: no errors, no CSP violations, no failed requests.
  expect(pageProblems).toEqual([]);
});

async function submit(type: string, input: string): Promise<void> {
  await page.getByLabel('Job type').selectOption(type);
  await page.locator('#root form').getByRole('textbox').fill(input);
  await page.getByRole('button', { name: 'Submit job' }).click();
}

test('the page loads, connects live over Socket.IO through nginx and is labelled for assistive tech', async () => {
  await expect(page.title()).resolves.toBe('Job runner');
  await page.getByRole('status').filter({ hasText: /^Live updates: Live$/ }).waitFor({ timeout: 15_000 });
  await page.getByRole('heading', { name: 'Submit a job' }).waitFor();
  await page.getByRole('heading', { name: 'Jobs' }).waitFor();
  expect(await page.getByLabel('Job type').evaluate((el) => (el as HTMLSelectElement).options.length)).toBe(3);
  await page.getByText('No jobs yet').waitFor();
  // Signed in as the user who typed their name at the provider.
  await expect(page.locator('.account span').textContent()).resolves.toBe('alice');
});

test('a word count job goes queued -> running -> succeeded and shows its result', async () => {
  const firstRow = page.locator('li.job').first();
  // Record every status the row shows, from the moment it appears.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenStatuses: string[] }).seenStatuses = seen;
    new MutationObserver(() => {
      const row = document.querySelector('li.job');
      const status = row?.getAttribute('data-status');
      if (status && seen[seen.length - 1] !== status) seen.push(status);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await submit('wordcount', TEXT);
  await page.locator('li.job[data-status="succeeded"]').waitFor({ timeout: 20_000 });

  await expect(firstRow.getByRole('heading').textContent()).resolves.toMatch(/^Word count #[0-9a-f]{8}$/);
  const result = firstRow.getByRole('definition');
  await expect(result.allTextContents()).resolves.toEqual(['9', '2', String(TEXT.length)]);
  await expect(firstRow.getByRole('term').allTextContents()).resolves.toEqual(['Words', 'Lines', 'Characters']);
  const steps = firstRow.getByRole('list', { name: 'Progress' }).getByRole('listitem');
  await expect(steps.evaluateAll((els) => els.map((e) => `${e.textContent}:${e.className}`))).resolves.toEqual([
    'Queued:step step-done',
    'Running:step step-done',
    'Succeeded:step step-done',
  ]);
  // The page's own record starts at the submission's answer (queued) and goes forward only. The DOM
  // need not have painted each step: a job that finishes before React renders the submission is
  // drawn once, as succeeded (seen under load), so what the observer saw is checked for order only.
  await expect(firstRow.locator('.job-meta .visually-hidden').textContent()).resolves.toMatch(/^\. Seen statuses: Queued, (Running, )?Succeeded\.$/);
  const seen = await page.evaluate(() => (window as unknown as { seenStatuses: string[] }).seenStatuses);
  expect(seen).toEqual(['queued', 'running', 'succeeded'].filter((s) => seen.includes(s)));
  expect(seen[seen.length - 1]).toBe('succeeded');
  await expect(page.getByTestId('announcer').textContent()).resolves.toMatch(/Word count job [0-9a-f]{8} succeeded\./);
  // Every api call carried the access token MSAL obtained from the provider.
  expect(apiAuthorization.length).toBeGreaterThan(0);
  for (const header of apiAuthorization) expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
});

test('a sleep job is seen running live, then succeeded, without reloading', async () => {
  await submit('sleep', '1500');
  const row = page.locator('li.job').first();
  await row.locator('xpath=self::*[@data-status="running"]').waitFor({ timeout: 10_000 });
  await expect(row.getByRole('list', { name: 'Progress' }).locator('[aria-current="step"]').textContent()).resolves.toBe('Running');
  await row.locator('xpath=self::*[@data-status="succeeded"]').waitFor({ timeout: 15_000 });
  await expect(row.getByRole('definition').allTextContents()).resolves.toEqual(['1500']);
  await expect(row.getByRole('term').allTextContents()).resolves.toEqual(['Slept (ms)']);
  await expect(page.locator('li.job').count()).resolves.toBe(2);

  const shot = process.env.FRONTEND_E2E_SCREENSHOT;
  if (shot) await page.screenshot({ path: shot, fullPage: true });
});

test('an api validation error is shown on the field it names, and cleared by a valid submission', async () => {
  const before = await page.locator('li.job').count();
  await submit('sleep', 'soon');
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  await expect(alert.textContent()).resolves.toContain('The api rejected the job');
  await expect(alert.textContent()).resolves.toContain('Input: for type "sleep" input must be a decimal number of milliseconds 1..60000');
  await expect(alert.textContent()).resolves.toMatch(/Reference: \S+/);
  const input = page.getByLabel('Duration (milliseconds)');
  await expect(input.getAttribute('aria-invalid')).resolves.toBe('true');
  const describedBy = (await input.getAttribute('aria-describedby')) ?? '';
  const alertId = await alert.getAttribute('id');
  expect(alertId).toBeTruthy();
  expect(describedBy.split(' ')).toContain(alertId);
  await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
  await expect(page.locator('li.job').count()).resolves.toBe(before); // nothing was queued
  // Chromium logs the rejected request itself; that one message is expected, nothing else.
  const rejected = pageProblems.findIndex((p) => /status of 400 \(Bad Request\)/.test(p));
  expect(rejected).toBeGreaterThanOrEqual(0);
  pageProblems.splice(rejected, 1);

  await input.fill('5');
  await page.getByRole('button', { name: 'Submit job' }).click();
  await page.locator('li.job').nth(before).waitFor();
  await page.locator('li.job').first().locator('xpath=self::*[@data-status="succeeded"]').waitFor({ timeout: 15_000 });
  await expect(page.getByRole('alert').count()).resolves.toBe(0);
  await expect(input.getAttribute('aria-invalid')).resolves.toBeNull();
});

test('the trace id the browser sends with a job appears in the api’s and the agent’s log lines for that job', async () => {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/jobs'),
    submit('sha256', 'trace this job'),
  ]);
  const traceparent = request.headers().traceparent ?? '';
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const traceId = traceparent.split('-')[1];
  const response = await request.response();
  const { id } = (await response!.json()) as { id: string };
  const line = (service: string, message: string) => logLines.find((l) => l.service === service && l.jobId === id && l.message === message);
  const deadline = Date.now() + 20_000;
  while (!line('agent', 'job finished') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(line('api', 'job accepted')).toMatchObject({ trace_id: traceId });
  expect(line('agent', 'job started')).toMatchObject({ trace_id: traceId });
  expect(line('agent', 'job finished')).toMatchObject({ trace_id: traceId, status: 'succeeded' });
});
