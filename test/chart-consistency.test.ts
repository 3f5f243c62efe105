/**
 * Ports, probe paths, UIDs and writable paths must agree everywhere: the app
 * code (apps/common config defaults, the api/agent routes, the frontend nginx
 * config), the Dockerfiles (EXPOSE, ENV PORT, HEALTHCHECK, USER), the chart's
 * per-app values (apps/chart/values/<app>.yaml) and the rendered Services and
 * probes. The per-app values files are the chart's single statement of each fact;
 * this test is what keeps the other places in line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AppName, loadAppProfiles } from '../lib/app-profiles';
import { SHUTDOWN_TIMEOUT_MS } from '../lib/app-values';
import { chartCases } from '../scripts/chart-fixtures';
import { one, renderCase } from './support/chart';

const ROOT = path.resolve(__dirname, '..');
const read = (rel: string): string => {
  const file = path.join(ROOT, rel);
  if (!fs.existsSync(file)) throw new Error(`${rel} is missing: the consistency check needs it`);
  return fs.readFileSync(file, 'utf8');
};
const profiles = loadAppProfiles();

/** The default PORT and SHUTDOWN_TIMEOUT_MS of a node app, from `base(env, <port>, <shutdown>)` in its config loader. */
function codeDefaults(loader: 'loadApiConfig' | 'loadAgentConfig'): { port: number; shutdownMs: number } {
  const src = read('apps/common/src/config.ts');
  const m = new RegExp(`function ${loader}\\([^)]*\\)[^{]*\\{\\s*const cfg = base\\(env, (\\d+), (\\d+)\\)`).exec(src);
  if (!m) throw new Error(`apps/common/src/config.ts: cannot find "${loader}(...) { const cfg = base(env, <port>, <shutdownMs>)"; update this test with the new shape`);
  return { port: Number(m[1]), shutdownMs: Number(m[2]) };
}

/** Dockerfile facts of the final stage. */
function dockerfile(app: AppName) {
  const text = read(`apps/${app}/Dockerfile`).replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM /m);
  const last = stages[stages.length - 1];
  const expose = [...last.matchAll(/^EXPOSE\s+(.+)$/gm)].flatMap((m) => m[1].trim().split(/\s+/)).map((p) => Number(p.replace(/\/tcp$/, '')));
  // The user the container runs as is the last USER of the final stage.
  const user = [...last.matchAll(/^USER\s+(\S+)/gm)].pop()?.[1];
  const healthcheck = /^HEALTHCHECK\s+(.+)$/m.exec(last)?.[1] ?? '';
  const envPort = /^ENV\s.*\bPORT=(\d+)/m.exec(last)?.[1];
  return { expose, user, healthcheck, envPort: envPort === undefined ? undefined : Number(envPort) };
}

const renders = new Map(chartCases().filter((c) => c.environment === 'prod').map((c) => [c.app, c]));

describe.each(['api', 'agent'] as const)('%s: code, Dockerfile, chart values and rendered manifests agree', (app) => {
  const profile = profiles[app];
  const loader = app === 'api' ? 'loadApiConfig' : 'loadAgentConfig';

  test('the code default PORT is the chart containerPort, and the Service port equals it (contract)', () => {
    expect(codeDefaults(loader).port).toBe(profile.containerPort);
    expect(profile.service.port).toBe(profile.containerPort);
    expect(profile.setPortEnv).toBe(true);
  });

  test('the code default SHUTDOWN_TIMEOUT_MS is what the platform sets, below the grace period', () => {
    expect(codeDefaults(loader).shutdownMs).toBe(SHUTDOWN_TIMEOUT_MS);
  });

  test('the probe paths are routes the app serves', () => {
    const src = app === 'api' ? read('apps/api/src/app.ts') : read('apps/agent/src/agent.ts');
    for (const probe of ['startup', 'liveness', 'readiness'] as const) {
      const p = profile.probes[probe].path;
      const served = app === 'api' ? src.includes(`app.get('${p}'`) : src.includes(`case '${p}':`);
      expect({ probe, path: p, served }).toEqual({ probe, path: p, served: true });
    }
  });

  test('Dockerfile: EXPOSE, ENV PORT, HEALTHCHECK and numeric USER match the chart', () => {
    const d = dockerfile(app);
    expect(d.expose).toEqual([profile.containerPort]);
    expect(d.envPort).toBe(profile.containerPort);
    expect(d.healthcheck).toContain(String(profile.containerPort));
    expect(d.healthcheck).toContain(profile.probes.liveness.path);
    expect(d.user).toBe(`${profile.podSecurity.runAsUser}:${profile.podSecurity.runAsGroup}`);
  });

  test('rendered Service and probes use the same port and paths', () => {
    const ms = renderCase(renders.get(app)!);
    expect(one(ms, 'Service').spec.ports[0].port).toBe(profile.service.port);
    const ctr = one(ms, 'Deployment').spec.template.spec.containers[0];
    expect(ctr.ports[0].containerPort).toBe(profile.containerPort);
    expect(ctr.livenessProbe.httpGet.path).toBe(profile.probes.liveness.path);
    expect(ctr.readinessProbe.httpGet.path).toBe(profile.probes.readiness.path);
    expect(ctr.startupProbe.httpGet.path).toBe(profile.probes.startup.path);
    expect(ctr.env).toContainEqual({ name: 'PORT', value: String(profile.containerPort) });
  });
});

describe('frontend: nginx config, Dockerfile, chart values and rendered manifests agree', () => {
  const profile = profiles.frontend;
  const server = () => read('apps/frontend/nginx/templates/default.conf.template');
  const main = () => read('apps/frontend/nginx/nginx.conf');

  test('nginx listens on the chart containerPort and serves the probe path', () => {
    expect([...server().matchAll(/^\s*listen\s+(\d+)\s*;/gm)].map((m) => Number(m[1]))).toEqual([profile.containerPort]);
    for (const probe of ['startup', 'liveness', 'readiness'] as const) {
      expect(server()).toContain(`location = ${profile.probes[probe].path} {`);
    }
  });

  test('nginx proxies the paths the api HTTPRoute serves (/api/ and /socket.io/)', () => {
    expect(server()).toMatch(/location \/api\/ \{/);
    expect(server()).toMatch(/location \/socket\.io\/ \{/);
  });

  test('every path nginx writes (pid, temp paths, rendered config) is on a writable emptyDir', () => {
    const writable = profile.writablePaths.map((w) => w.mountPath);
    const written = [
      ...[...main().matchAll(/^\s*(?:pid|\w+_temp_path)\s+(\S+?);/gm)].map((m) => m[1]),
    ];
    // The entrypoint renders the config templates into NGINX_ENVSUBST_OUTPUT_DIR at start.
    const rendered = /NGINX_ENVSUBST_OUTPUT_DIR=(\S+)/.exec(read('apps/frontend/Dockerfile'))?.[1];
    expect(rendered).toBeDefined();
    written.push(`${rendered}/default.conf`);
    expect(written.length).toBeGreaterThanOrEqual(7);
    for (const file of written) expect({ file, writable: writable.some((w) => file === w || file.startsWith(`${w}/`)) }).toEqual({ file, writable: true });
  });

  test('Dockerfile: EXPOSE, HEALTHCHECK and numeric USER match the chart', () => {
    const d = dockerfile('frontend');
    expect(d.expose).toEqual([profile.containerPort]);
    expect(d.healthcheck).toContain(String(profile.containerPort));
    expect(d.healthcheck).toContain(profile.probes.liveness.path);
    expect(d.user?.split(':')[0]).toBe(String(profile.podSecurity.runAsUser));
  });

  test('rendered Service maps port 80 to the container port; API_UPSTREAM uses the api Service port', () => {
    const ms = renderCase(renders.get('frontend')!);
    expect(one(ms, 'Service').spec.ports[0]).toMatchObject({ port: profile.service.port, targetPort: 'http' });
    const ctr = one(ms, 'Deployment').spec.template.spec.containers[0];
    expect(ctr.ports[0].containerPort).toBe(profile.containerPort);
    expect(ctr.env).toContainEqual({ name: 'API_UPSTREAM', value: `http://api.api.svc.cluster.local:${profiles.api.service.port}` });
  });
});
