/**
 * apps/frontend/Dockerfile: the shared image rules (apps/common/test-support/dockerfile.ts)
 * plus the frontend's own facts, cross-checked with the nginx config and the chart values.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { lintDockerfile, type DockerfileRules } from '../../common/test-support/dockerfile';
import { tempDir } from '../../common/test-support/temp-dir';
import { ENVSUBST_FILTER } from './support/nginx';

const REPO = join(__dirname, '..', '..', '..');
const DOCKERFILE = join(REPO, 'apps', 'frontend', 'Dockerfile');
const RULES: DockerfileRules = { port: 8080, healthPath: '/healthz', uid: 10101, allowHttpClients: ['wget'] };

const doc = DockerfileParser.parse(readFileSync(DOCKERFILE, 'utf8'));
const initialArgs = new Map(doc.getInitialARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']));
const froms = doc.getFROMs();
const finalStart = froms[froms.length - 1].getRange().start.line;
const finalStage = doc.getInstructions().filter((i) => i.getRange().start.line > finalStart);
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
const flag = (i: Instruction, name: string) =>
  args(i).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ??
  (i as unknown as { getFlags?: () => Array<{ getName(): string; getValue(): string | null }> }).getFlags?.().find((f) => f.getName() === name)?.getValue();
const image = (ref: string) => ref.replace(/^\$\{(\w+)\}$/, (_, n: string) => initialArgs.get(n) ?? '');

describe('apps/frontend/Dockerfile', () => {
  test('passes the shared image rules', () => {
    expect(lintDockerfile(DOCKERFILE, RULES)).toEqual([]);
  });

  test('node 22 LTS builds, nginx-unprivileged alpine (pinned by full version) serves', () => {
    expect(froms.map((f) => f.getBuildStage())).toEqual(['build', 'runtime']);
    expect(image(args(froms[0])[0])).toMatch(/^node:22\.\d+\.\d+-alpine(@sha256:[0-9a-f]{64})?$/);
    expect(image(args(froms[1])[0])).toMatch(/^nginxinc\/nginx-unprivileged:\d+\.\d+\.\d+-alpine(@sha256:[0-9a-f]{64})?$/);
  });

  test('the runtime stage has no node, npm or node_modules and takes only dist from the build stage', () => {
    for (const ins of finalStage) expect(`${ins.getKeyword()} ${ins.getArgumentsContent()}`).not.toMatch(/node_modules|\bnpm\b|\bnode\b|apps\/frontend\/src/);
    const fromBuild = finalStage.filter((i) => i.getKeyword() === 'COPY' && flag(i, 'from'));
    expect(fromBuild.map((i) => [flag(i, 'from'), ...args(i).filter((a) => !a.startsWith('--'))])).toEqual([
      ['build', '/src/apps/frontend/dist/', '/usr/share/nginx/html/'],
    ]);
  });

  test('nginx config, template and the API_UPSTREAM gate go where the image entrypoint expects them', () => {
    const copies = finalStage.filter((i) => i.getKeyword() === 'COPY' && !flag(i, 'from'));
    expect(copies.map((i) => args(i).filter((a) => !a.startsWith('--')).join(' -> '))).toEqual([
      'apps/frontend/nginx/nginx.conf -> /etc/nginx/nginx.conf',
      'apps/frontend/nginx/templates/ -> /etc/nginx/templates/',
      'apps/frontend/nginx/05-check-api-upstream.sh -> /docker-entrypoint.d/05-check-api-upstream.sh',
      'apps/frontend/nginx/06-auth-config.envsh -> /docker-entrypoint.d/06-auth-config.envsh',
    ]);
    for (const c of copies) expect(existsSync(join(REPO, args(c).filter((a) => !a.startsWith('--'))[0]))).toBe(true);
    // the entrypoint runs *.sh and sources *.envsh only when they are executable
    expect(flag(copies[2], 'chmod')).toBe('0755');
    expect(flag(copies[3], 'chmod')).toBe('0755');
    expect(doc.getDirectives().find((d) => d.getName() === 'syntax')?.getValue()).toMatch(/^docker\/dockerfile:1\.\d+$/); // needed for --chmod
    const env = finalStage.filter((i) => i.getKeyword() === 'ENV').flatMap(args);
    expect(env).toEqual(expect.arrayContaining([`NGINX_ENVSUBST_FILTER='${ENVSUBST_FILTER}'`, 'NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx/conf.d']));
    const main = readFileSync(join(REPO, 'apps/frontend/nginx/nginx.conf'), 'utf8');
    expect(main).toContain('include /etc/nginx/conf.d/default.conf;');
    expect(main).toMatch(/^pid \/tmp\/nginx\.pid;$/m);
  });

  test('port, probe path and user agree with the nginx template and the chart values', () => {
    const template = readFileSync(join(REPO, 'apps/frontend/nginx/templates/default.conf.template'), 'utf8');
    expect(template.match(/^\s*listen\s+\S+;/gm)).toEqual(['    listen 8080;']);
    expect(template).toContain('location = /healthz');
    const values = parse(readFileSync(join(REPO, 'apps/chart/values/frontend.yaml'), 'utf8')) as {
      containerPort: number;
      service: { port: number };
      probes: Record<string, { path: string }>;
      podSecurity: { runAsUser: number };
      writablePaths: Array<{ mountPath: string }>;
    };
    expect(values.containerPort).toBe(RULES.port);
    expect(values.service.port).toBe(80);
    expect(Object.values(values.probes).map((p) => p.path)).toEqual(['/healthz', '/healthz', '/healthz']);
    expect(values.podSecurity.runAsUser).toBe(RULES.uid);
    // every path nginx writes to is a writable mount in the chart
    expect(values.writablePaths.map((p) => p.mountPath)).toEqual(expect.arrayContaining(['/tmp', '/etc/nginx/conf.d']));
  });
});

test('the options the frontend uses do not weaken the shared rules for others', () => {
  const dir = tempDir('fe-df-');
  const file = join(dir, 'Dockerfile');
  writeFileSync(
    file,
    [
      `FROM node:22.23.3-alpine@sha256:${'a'.repeat(64)} AS build`,
      'RUN npm ci',
      `FROM nginxinc/nginx-unprivileged:1.29.5-alpine@sha256:${'b'.repeat(64)}`,
      'COPY --from=build /src/node_modules /usr/share/nginx/html/',
      'COPY --from=build /src/apps/frontend/dist/ /usr/share/nginx/html/',
      'USER 10101',
      'EXPOSE 8080',
      'HEALTHCHECK --interval=10s CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz',
    ].join('\n'),
  );
  // wget allowed only when asked for; a dist/ copy is fine, a node_modules copy from a dev-deps stage is not
  expect(lintDockerfile(file, RULES)).toEqual([expect.stringMatching(/copies from "build", which installs dev dependencies/)]);
  expect(lintDockerfile(file, { ...RULES, allowHttpClients: undefined })).toEqual(
    expect.arrayContaining(['HEALTHCHECK must not depend on wget']),
  );
});
