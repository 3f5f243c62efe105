/**
 * Benchmark (not a test): throughput and latency of the api next to a bare Node `http` server
 * answering the same routes, in the same run, on the same machine.
 *
 *   npm run build -w apps/api && npm run bench -w apps/api
 *   BENCH_DURATION=10 BENCH_CONNECTIONS=50 npm run bench -w apps/api
 *
 * Starts a throwaway PostgreSQL and Redis (test kit), the built api (`node dist/main.js`,
 * LOG_LEVEL=warn so logging to a pipe is not what is measured) and the bare server as child
 * processes, then drives each with autocannon. POST /api/jobs on the api is the real path
 * (per-IP limit in Redis, token check against a local OIDC issuer's JWKS, per-user limit in Redis,
 * validation, INSERT, XADD, UPDATE); the bare server only parses the JSON and answers 202.
 * GET /api/health is public (no token check), like the probes. The limits are raised so that
 * the run measures their cost, not 429s.
 *
 * Besides req/s (which depends on how busy the machine is), each row gives the server's CPU
 * time per request (user + system, from /proc/<pid>/stat around the run): on a shared, loaded
 * machine that is the figure to compare. `BENCH_PROFILE=<dir>` runs the api under
 * `node --cpu-prof` (profile written at exit) to see where its time goes.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { appEnv, builtEntry, freePort, httpJson, spawnNode, startOidcIssuer, startPostgres, startRedis, waitFor, type NodeProcess } from '../../common/test-support';

const duration = Number(process.env.BENCH_DURATION ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const BARE_SERVER = `
const http = require('node:http');
const { randomUUID } = require('node:crypto');
http.createServer((req, res) => {
  const send = (status, body) => { const s = JSON.stringify(body); res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) }); res.end(s); };
  if (req.method === 'GET' && req.url === '/api/health') return send(200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/api/jobs') {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => { const b = JSON.parse(data); send(202, { id: randomUUID(), type: b.type, status: 'queued', createdAt: new Date().toISOString() }); });
    return;
  }
  send(404, { error: 'not_found' });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(JSON.stringify({ message: 'bare listening' })));
`;

interface Row {
  target: string;
  endpoint: string;
  rps: number;
  /** Server CPU (user + system) per request, microseconds. */
  cpuUs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function run(target: string, url: string, endpoint: 'GET /api/health' | 'POST /api/jobs', token: string, pid: number): Promise<Row> {
  const post = endpoint.startsWith('POST');
  const cpu0 = cpuSeconds(pid);
  const result = await autocannon({
    url: `${url}${post ? '/api/jobs' : '/api/health'}`,
    method: post ? 'POST' : 'GET',
    headers: post ? { 'content-type': 'application/json', authorization: `Bearer ${token}` } : {},
    body: post ? JSON.stringify({ type: 'sha256', input: 'benchmark payload' }) : undefined,
    connections,
    duration,
  });
  const cpu = cpuSeconds(pid) - cpu0;
  return {
    target,
    endpoint,
    rps: result.requests.average,
    cpuUs: (cpu * 1e6) / Math.max(result.requests.total, 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main(): Promise<void> {
  const [pg, redis, issuer] = await Promise.all([startPostgres(), startRedis(), startOidcIssuer()]);
  const token = await issuer.token({ oid: 'bench' });
  const procs: NodeProcess[] = [];
  try {
    const apiPort = await freePort();
    const barePort = await freePort();
    const high = '1000000';
    const limits = { RATE_LIMIT_SUBMIT_PER_USER: high, RATE_LIMIT_SUBMIT_PER_IP: high, RATE_LIMIT_READ_PER_USER: high, RATE_LIMIT_READ_PER_IP: high };
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const api = spawnNode([...profile, builtEntry('api')], appEnv(pg, redis, { ...issuer.apiEnv(), ...limits, LOG_LEVEL: 'warn', PORT: String(apiPort) }));
    procs.push(api);
    const bare = spawnNode(['-e', BARE_SERVER], { PORT: String(barePort) });
    procs.push(bare);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitFor(async () => (await httpJson(`${apiUrl}/api/ready`)).status === 200, 20000, 'api ready').catch((err) => {
      console.error(JSON.stringify(api.logs.slice(-5)));
      throw err;
    });
    await waitFor(async () => (await httpJson(`${bareUrl}/api/health`)).status === 200, 10000, 'bare server');

    console.log(`autocannon: ${connections} connections, ${duration} s per run, ${cpus().length} CPUs, Node ${process.version}`);
    const rows: Row[] = [];
    const endpoints = (process.env.BENCH_ENDPOINTS ?? 'GET /api/health,POST /api/jobs').split(',') as Array<'GET /api/health' | 'POST /api/jobs'>;
    for (const endpoint of endpoints) {
      rows.push(await run('bare http', bareUrl, endpoint, token, bare.child.pid!));
      rows.push(await run('api', apiUrl, endpoint, token, api.child.pid!));
    }
    const table = rows.map((r) => {
      const base = rows.find((b) => b.target === 'bare http' && b.endpoint === r.endpoint)!;
      return {
        endpoint: r.endpoint,
        target: r.target,
        'req/s': Math.round(r.rps),
        'CPU µs/req': Math.round(r.cpuUs),
        'CPU vs bare': `${(r.cpuUs / base.cpuUs).toFixed(2)}x`,
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        'throughput vs bare': `${(r.rps / base.rps).toFixed(2)}x`,
        'p99 vs bare': `${(r.p99 / Math.max(base.p99, 1)).toFixed(2)}x`,
        'non-2xx': r.non2xx,
        errors: r.errors,
      };
    });
    console.table(table);
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await Promise.all([pg.dispose(), redis.dispose(), issuer.close()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
