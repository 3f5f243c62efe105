/** Static checks of the api and agent Dockerfiles against the workload contract. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lintDockerfile } from '../../common/test-support/dockerfile';
import { tempDir } from '../../common/test-support/temp-dir';

const apps = resolve(__dirname, '..', '..');

test.each([
  ['api', 5000, '/api/health'],
  ['agent', 7000, '/health'],
])('%s Dockerfile follows the image rules (port %d, health %s)', (app, port, healthPath) => {
  expect(lintDockerfile(join(apps, app, 'Dockerfile'), { port, healthPath, uid: 10001, basePrefix: 'node:22.' })).toEqual([]);
});

test('the linter catches violations (so the test above can fail)', () => {
  const dir = tempDir('df-');
  const bad = join(dir, 'Dockerfile');
  writeFileSync(
    bad,
    [
      'FROM node:latest',
      'ENV DB_PASSWORD=hunter2',
      'RUN npm install',
      'USER node',
      'EXPOSE 8080',
      'HEALTHCHECK CMD curl -f http://localhost:8080/',
      'CMD ["node", "main.js"]',
    ].join('\n'),
  );
  const problems = lintDockerfile(bad, { port: 5000, healthPath: '/api/health', uid: 10001, basePrefix: 'node:22.' });
  expect(problems).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/multi-stage/),
      expect.stringMatching(/pinned to a full version/),
      expect.stringMatching(/USER must be numeric/),
      expect.stringMatching(/EXPOSE exactly 5000/),
      expect.stringMatching(/HEALTHCHECK must request \/api\/health/),
      expect.stringMatching(/curl/),
      expect.stringMatching(/must not install packages/),
      expect.stringMatching(/must not carry secrets/),
    ]),
  );
});

test('base images must carry a digest, not only a version (Renovate keeps both current)', () => {
  const dir = tempDir('df-');
  const file = join(dir, 'Dockerfile');
  const body = ['USER 10001', 'EXPOSE 5000', 'HEALTHCHECK CMD ["node", "-e", "fetch(\'http://127.0.0.1:5000/api/health\')"]', 'CMD ["node", "main.js"]'];
  writeFileSync(file, ['FROM node:22.23.3-alpine AS build', 'FROM node:22.23.3-alpine', ...body].join('\n'));
  expect(lintDockerfile(file, { port: 5000, healthPath: '/api/health', uid: 10001, basePrefix: 'node:22.' }))
    .toEqual(expect.arrayContaining(['base image "node:22.23.3-alpine" must be pinned by digest too (<image>:<version>@sha256:<64 hex>)']));
  writeFileSync(file, [`FROM node:22.23.3-alpine@sha256:${'a'.repeat(64)} AS build`, `FROM node:22.23.3-alpine@sha256:${'a'.repeat(64)}`, ...body].join('\n'));
  expect(lintDockerfile(file, { port: 5000, healthPath: '/api/health', uid: 10001, basePrefix: 'node:22.' }).filter((p) => /digest/.test(p))).toEqual([]);
});
