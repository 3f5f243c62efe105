/**
 * Least privilege on the real PostgreSQL: the migration (owner) creates the group roles
 * jobs_api and jobs_agent; their login roles can do exactly what the apps need and cannot
 * create, alter or drop anything. The api and agent then run a job end to end as those roles,
 * and the agent's retention job deletes old finished jobs in batches.
 */
import { Client } from 'pg';
import { deleteFinishedJobs, ensureLoginRoles, entraPrincipalCreator } from '@aks-platform/common';
import { startAgent, type AgentHandle } from '../../agent/src';
import { httpJson, provisionAppRoles, roleEnv, postgresDatabase, startOidcIssuer, startRedis, waitFor, type AppLogins, type OidcIssuer, type PostgresServer, type RedisServer } from '../../common/test-support';
import { startApi, type ApiHandle } from '../src';

jest.setTimeout(60000);

let pg: PostgresServer;
let redis: RedisServer;
let issuer: OidcIssuer;
let logins: AppLogins;
let owner: Client;
const clients: Client[] = [];

beforeAll(async () => {
  [pg, redis, issuer] = await Promise.all([postgresDatabase(), startRedis(), startOidcIssuer()]);
  logins = await provisionAppRoles(pg);
  owner = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: pg.database });
  await owner.connect();
});

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await owner?.end();
  await Promise.all([pg?.dispose(), redis?.dispose(), issuer?.close()]);
});

async function as(login: { user: string; password: string }): Promise<Client> {
  const c = new Client({ host: pg.host, port: pg.port, user: login.user, password: login.password, database: pg.database });
  await c.connect();
  clients.push(c);
  return c;
}

const ID = '11111111-1111-4111-8111-111111111111';
const FORBIDDEN_DDL = [
  'CREATE TABLE evil (x int)',
  'CREATE TEMP TABLE evil (x int)',
  'CREATE SCHEMA evil',
  'CREATE INDEX evil ON jobs (input)',
  'CREATE FUNCTION evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  'CREATE VIEW evil AS SELECT 1',
  'ALTER TABLE jobs ADD COLUMN evil text',
  'DROP TABLE jobs',
  'DROP TABLE schema_migrations',
  'TRUNCATE jobs',
  'GRANT jobs_agent TO CURRENT_USER',
  'INSERT INTO schema_migrations (version, name) VALUES (999, $$x$$)',
];

test.each(['api', 'agent'] as const)('the %s role cannot create, alter or drop anything', async (app) => {
  const c = await as(logins[app]);
  for (const sql of FORBIDDEN_DDL) {
    await expect(c.query(sql)).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|42P01)$/) }); // insufficient_privilege
  }
});

test('api: insert and read jobs, stamp enqueued_at; no status writes, no deletes', async () => {
  const c = await as(logins.api);
  await c.query("INSERT INTO jobs (id, type, input, owner) VALUES ($1, 'sha256', 'x', 'u')", [ID]);
  expect((await c.query('SELECT id FROM jobs WHERE id = $1', [ID])).rowCount).toBe(1);
  await c.query('UPDATE jobs SET enqueued_at = now() WHERE id = $1', [ID]);
  await expect(c.query("UPDATE jobs SET status = 'succeeded' WHERE id = $1", [ID])).rejects.toMatchObject({ code: '42501' });
  await expect(c.query("UPDATE jobs SET owner = 'other' WHERE id = $1", [ID])).rejects.toMatchObject({ code: '42501' });
  await expect(c.query('DELETE FROM jobs WHERE id = $1', [ID])).rejects.toMatchObject({ code: '42501' });
});

test('agent: read, record outcomes and delete; no inserts, no owner or input changes', async () => {
  const c = await as(logins.agent);
  await c.query("UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = now() WHERE id = $1", [ID]);
  await expect(c.query("INSERT INTO jobs (id, type, input) VALUES (gen_random_uuid(), 'sha256', 'x')")).rejects.toMatchObject({ code: '42501' });
  await expect(c.query("UPDATE jobs SET input = 'changed' WHERE id = $1", [ID])).rejects.toMatchObject({ code: '42501' });
  await expect(c.query("UPDATE jobs SET owner = 'other' WHERE id = $1", [ID])).rejects.toMatchObject({ code: '42501' });
  await c.query('DELETE FROM jobs WHERE id = $1', [ID]);
});

test('retention as the agent role: only finished jobs older than N days go, in batches', async () => {
  await owner.query(`INSERT INTO jobs (id, type, input, owner, status, finished_at)
    SELECT gen_random_uuid(), 'sha256', 'old', 'u', 'succeeded', now() - interval '40 days' FROM generate_series(1, 25)`);
  await owner.query(`INSERT INTO jobs (id, type, input, owner, status, finished_at) VALUES
    (gen_random_uuid(), 'sha256', 'recent', 'u', 'succeeded', now() - interval '2 days'),
    (gen_random_uuid(), 'sha256', 'old but unfinished', 'u', 'queued', NULL)`);
  const c = await as(logins.agent);
  const deleted = await deleteFinishedJobs(c, { olderThanDays: 30, batchSize: 10 });
  expect(deleted).toBe(25);
  const left = await owner.query<{ input: string }>("SELECT input FROM jobs WHERE input IN ('old', 'recent', 'old but unfinished') ORDER BY input");
  expect(left.rows.map((r) => r.input)).toEqual(['old but unfinished', 'recent']);
});

/**
 * The migration Job's Entra path: pgaadauth_create_principal_with_oid exists only on Azure, so
 * the test database gets a stand-in with the same signature that creates a plain LOGIN role (the
 * object id as its password, where Azure would accept the identity's token). The creation step
 * and the grants around it are the Job's own code.
 */
test('entra principals: created once through pgaadauth_create_principal_with_oid, then limited to their group role', async () => {
  const tag = Math.random().toString(36).slice(2, 8);
  const api = { name: `id-api-${tag}`, objectId: '0a0a0a0a-0000-4000-8000-000000000001' };
  const agent = { name: `id-agent-${tag}`, objectId: '0a0a0a0a-0000-4000-8000-000000000002' };
  await owner.query(`CREATE TABLE pgaadauth_calls (role text, oid text, kind text, is_admin boolean, is_mfa boolean)`);
  await owner.query(`CREATE FUNCTION pgaadauth_create_principal_with_oid(role text, oid text, kind text, is_admin boolean, is_mfa boolean) RETURNS text
    LANGUAGE plpgsql AS $$ BEGIN
      INSERT INTO pgaadauth_calls VALUES (role, oid, kind, is_admin, is_mfa);
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', role, oid);
      RETURN 'Created role for ' || role;
    END $$`);
  try {
    const create = entraPrincipalCreator(owner);
    expect(await ensureLoginRoles(owner, { api: [api], agent: [agent] }, create)).toEqual([api.name, agent.name]);
    // Idempotent: a second release finds the roles and creates nothing.
    expect(await ensureLoginRoles(owner, { api: [api], agent: [agent] }, create)).toEqual([]);
    const calls = await owner.query('SELECT role, oid, kind, is_admin, is_mfa FROM pgaadauth_calls ORDER BY role DESC');
    expect(calls.rows).toEqual([
      { role: api.name, oid: api.objectId, kind: 'service', is_admin: false, is_mfa: false },
      { role: agent.name, oid: agent.objectId, kind: 'service', is_admin: false, is_mfa: false },
    ]);
    const member = await owner.query<{ rolname: string; groups: string[] }>(
      `SELECT r.rolname, array_agg(g.rolname::text ORDER BY g.rolname) AS groups FROM pg_roles r
         JOIN pg_auth_members m ON m.member = r.oid JOIN pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = ANY($1) GROUP BY r.rolname ORDER BY r.rolname DESC`,
      [[api.name, agent.name]],
    );
    expect(member.rows).toEqual([
      { rolname: api.name, groups: ['jobs_api'] },
      { rolname: agent.name, groups: ['jobs_agent'] },
    ]);
    for (const [login, readOnlyColumn] of [[api, 'status'], [agent, 'input']] as const) {
      const c = await as({ user: login.name, password: login.objectId });
      for (const sql of FORBIDDEN_DDL) await expect(c.query(sql)).rejects.toMatchObject({ code: expect.stringMatching(/^(42501|42P01)$/) });
      await expect(c.query(`UPDATE jobs SET ${readOnlyColumn} = 'x'`)).rejects.toMatchObject({ code: '42501' });
      expect((await c.query('SELECT count(*) FROM jobs')).rowCount).toBe(1);
    }
    // Without a creator a missing role is an error that names it (DB_LOGIN_CREATE=none).
    await expect(ensureLoginRoles(owner, { api: [{ name: `missing-${tag}` }] })).rejects.toThrow(`login role "missing-${tag}" does not exist`);
    await expect(create({ name: `no-oid-${tag}` })).rejects.toThrow('needs its object id');
  } finally {
    await owner.query('DROP FUNCTION pgaadauth_create_principal_with_oid(text, text, text, boolean, boolean)');
    await owner.query('DROP TABLE pgaadauth_calls');
  }
});

test('the api and the agent run a job end to end under their own roles', async () => {
  const api: ApiHandle = await startApi({ env: roleEnv(pg, redis, logins.api, issuer.apiEnv()), port: 0, host: '127.0.0.1' });
  const agent: AgentHandle = await startAgent({ env: roleEnv(pg, redis, logins.agent), port: 0, host: '127.0.0.1' });
  try {
    await Promise.all([api.schemaReady, agent.warm]);
    const auth = { authorization: `Bearer ${await issuer.token()}` };
    const r = await httpJson(`${api.url}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"type":"wordcount","input":"least privilege works"}' });
    expect(r.status).toBe(202);
    const done = await waitFor(async () => {
      const j = (await httpJson(`${api.url}/api/jobs/${r.body.id}`, { headers: auth })).body;
      return j.status === 'succeeded' ? j : undefined;
    }, 15000, 'job done', 50);
    expect(done.result).toEqual({ words: 3, lines: 1, characters: 21 });
    expect((await httpJson(`${api.url}/api/ready`)).status).toBe(200);
  } finally {
    await agent.close();
    await api.close();
  }
});
