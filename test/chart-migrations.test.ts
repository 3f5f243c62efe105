/**
 * The chart's migration hook (apps/chart/templates/migration-job.yaml) and the api's preStop
 * delay, rendered by the real helm and checked against the Kubernetes schemas: the Job runs the
 * api image's `node dist/migrate.js` once per release (pre-install/pre-upgrade) as the owner
 * role with its own hook ServiceAccount and egress policy; nothing renders when it is off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { helmTemplate, one, parseManifests, validateManifest, type Manifest } from './support/chart';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const apiProfile = YAML.parse(fs.readFileSync(path.join(__dirname, '..', 'apps', 'chart', 'values', 'api.yaml'), 'utf8')) as Record<string, unknown>;
const base = {
  ...apiProfile,
  image: { ref: `acrexample.azurecr.io/api@${DIGEST}` },
  postgres: { enabled: true, host: 'db.example.com', database: 'app', user: 'app', sslMode: 'verify-full' },
  networkPolicy: { enabled: true, egressTo: [{ cidr: '10.0.2.0/24', ports: [5432] }] },
};
const render = (values: unknown): Manifest[] => {
  const r = helmTemplate('rel', 'api', values);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseManifests(r.stdout);
};

test('migrations on: a hook Job as the owner role, with its own ServiceAccount and egress, schema-valid', () => {
  const ms = render({
    ...base,
    migrations: { enabled: true, user: 'owner-identity', workloadIdentity: { clientId: '11111111-2222-3333-4444-555555555555' }, apiLoginRoles: ['api-identity'], agentLoginRoles: ['agent-identity'] },
  });
  for (const m of ms) validateManifest(m);
  const job = one(ms, 'Job', 'api-migrate');
  expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '0' });
  const pod = job.spec.template;
  expect(pod.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'api-migrate', 'azure.workload.identity/use': 'true' });
  expect(pod.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'api-migrate', automountServiceAccountToken: false });
  const c = pod.spec.containers[0];
  expect(c.command).toEqual(['node', 'dist/migrate.js']);
  expect(c.image).toBe(`acrexample.azurecr.io/api@${DIGEST}`);
  expect(Object.fromEntries(c.env.map((e: { name: string; value: string }) => [e.name, e.value]))).toEqual({
    LOG_LEVEL: 'info',
    PGHOST: 'db.example.com',
    PGPORT: '5432',
    PGDATABASE: 'app',
    PGUSER: 'owner-identity',
    PGSSLMODE: 'verify-full',
    PG_AUTH: 'entra',
    DB_API_LOGIN_ROLES: 'api-identity',
    DB_AGENT_LOGIN_ROLES: 'agent-identity',
    // The chart's default: the login roles must exist (the Azure stacks set entra: lib/app-values.ts).
    DB_LOGIN_CREATE: 'none',
  });
  expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
  const sa = one(ms, 'ServiceAccount', 'api-migrate');
  expect(sa.metadata.annotations).toMatchObject({ 'helm.sh/hook-weight': '-10', 'azure.workload.identity/client-id': '11111111-2222-3333-4444-555555555555' });
  const np = one(ms, 'NetworkPolicy', 'api-migrate-allow-egress');
  expect(np.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api-migrate', 'app.kubernetes.io/instance': 'rel' });
  expect(np.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.0.2.0/24' } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
  // The Job's pods are not selected by the app's Service.
  expect(one(ms, 'Service').spec.selector['app.kubernetes.io/name']).toBe('api');
});

test('migrations off (the default): no hook objects; the api keeps serving 5 s after it is marked terminating', () => {
  const ms = render(base);
  expect(ms.filter((m) => m.kind === 'Job' || m.metadata.name === 'api-migrate')).toEqual([]);
  const c = one(ms, 'Deployment').spec.template.spec.containers[0];
  expect(c.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
});

test('migrations need the owner role and postgres', () => {
  expect(helmTemplate('rel', 'api', { ...base, migrations: { enabled: true, user: '' } }).stderr).toContain('migrations.user (the owner role) is required');
  expect(helmTemplate('rel', 'api', { ...base, postgres: { enabled: false }, migrations: { enabled: true, user: 'o' } }).stderr).toContain('migrations.enabled needs postgres.enabled');
});
