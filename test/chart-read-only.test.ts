/**
 * The chart's `readOnly` value (a standby region, docs/runbooks.md), rendered by the real helm
 * with the values the program computes for prod: READ_ONLY=true reaches the api and the agent
 * (not the frontend), the migration Job is not rendered (the standby's database is a read
 * replica), and the default leaves everything as it was.
 */
import { chartCases } from '../scripts/chart-fixtures';
import { helmLint, helmTemplate, one, parseManifests, validateManifest, type Manifest } from './support/chart';

const prod = chartCases().filter((c) => c.environment === 'prod');
const caseOf = (app: string) => prod.find((c) => c.app === app)!;
const MIGRATIONS = { enabled: true, user: 'owner-identity', workloadIdentity: { clientId: '11111111-2222-3333-4444-555555555555' } };

function render(app: string, extra: Record<string, unknown>): Manifest[] {
  const c = caseOf(app);
  const r = helmTemplate(c.app, c.namespace, { ...c.values, ...extra });
  if (r.status !== 0) throw new Error(r.stderr);
  return parseManifests(r.stdout);
}
const envOf = (ms: Manifest[]): Record<string, string> =>
  Object.fromEntries((one(ms, 'Deployment', ms.find((m) => m.kind === 'Deployment')!.metadata.name).spec.template.spec.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));

test.each(['api', 'agent'])('readOnly: true sets READ_ONLY=true on the %s, and lints', (app) => {
  const ms = render(app, { readOnly: true });
  for (const m of ms) validateManifest(m);
  expect(envOf(ms).READ_ONLY).toBe('true');
  const lint = helmLint(caseOf(app).namespace, { ...caseOf(app).values, readOnly: true });
  expect(lint.stderr + lint.stdout).toContain('0 chart(s) failed');
});

test('the frontend gets no READ_ONLY (it only proxies; the api refuses the writes)', () => {
  expect(envOf(render('frontend', { readOnly: true }))).not.toHaveProperty('READ_ONLY');
});

test('readOnly: the migration Job is not rendered; without it, it is', () => {
  const standby = render('api', { readOnly: true, migrations: MIGRATIONS });
  expect(standby.filter((m) => m.kind === 'Job' || m.metadata.name === 'api-migrate')).toEqual([]);
  const primary = render('api', { readOnly: false, migrations: MIGRATIONS });
  expect(one(primary, 'Job', 'api-migrate').spec.template.spec.containers[0].command).toEqual(['node', 'dist/migrate.js']);
  expect(envOf(primary)).not.toHaveProperty('READ_ONLY');
});

test('the default is read-write; a wrong type or a second way to set it is refused', () => {
  expect(envOf(render('api', {}))).not.toHaveProperty('READ_ONLY');
  const c = caseOf('api');
  expect(helmTemplate(c.app, c.namespace, { ...c.values, readOnly: 1 }).stderr).toMatch(/readOnly.*boolean/);
  expect(helmTemplate(c.app, c.namespace, { ...c.values, readOnly: true, env: { ...(c.values.env as object), READ_ONLY: 'true' } }).stderr).toContain(
    'env.READ_ONLY and readOnly both set READ_ONLY: set readOnly only',
  );
});
