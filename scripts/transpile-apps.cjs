#!/usr/bin/env node
/*
 * `node scripts/transpile-apps.cjs`: the build lane of `npm test` (scripts/test.sh).
 * Writes apps/common, apps/api and apps/agent `src/**.ts` to `dist/**.js` (+ source
 * maps) with SWC, the transpiler jest already runs the tests' sources through, with
 * the same output as the workspaces' tsconfigs: ES2022, CommonJS, esModuleInterop.
 * The tests spawn `node dist/main.js` (builtEntry in apps/common/test-support), and
 * the api and agent require apps/common/dist through @aks-platform/common.
 *
 * It checks no types (a fraction of a second instead of ~25 CPU seconds for three
 * tsc builds): apps/tsconfig.json is the type-check, in the typecheck lane.
 * `npm run build -w apps/<app>` and the Dockerfiles still compile with tsc
 * (declarations, the exact tsconfig of the workspace): that is the shipped image.
 *
 * Like tsc's rootDir, a relative import must stay inside its workspace's src/
 * (the image copies dist/ alone): the run fails otherwise.
 */
'use strict';
const { mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { transformFile } = require('@swc/core');
const { swcOptions } = require('./swc-options.cjs');

const APPS = path.resolve(__dirname, '..', 'apps');
const WORKSPACES = ['common', 'api', 'agent'];

/** The repository's SWC options (scripts/swc-options.cjs), with source maps beside the output as tsc writes them. */
const options = { ...swcOptions({ sourceMaps: true }), inlineSourcesContent: false };

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [file] : [];
  });
}

/** Relative require() targets of an emitted file that leave its workspace's src/. */
function escapes(code, file, srcDir) {
  return [...code.matchAll(/\brequire\("(\.{1,2}\/[^"]*)"\)/g)]
    .map((m) => m[1])
    .filter((spec) => path.relative(srcDir, path.resolve(path.dirname(file), spec)).startsWith('..'));
}

async function transpile(workspace) {
  const srcDir = path.join(APPS, workspace, 'src');
  const distDir = path.join(APPS, workspace, 'dist');
  const problems = [];
  await Promise.all(
    sources(srcDir).map(async (file) => {
      const rel = path.relative(srcDir, file).replace(/\.ts$/, '.js');
      const out = path.join(distDir, rel);
      const { code, map } = await transformFile(file, { ...options, filename: file, sourceFileName: path.relative(path.dirname(out), file) });
      for (const spec of escapes(code, file, srcDir)) problems.push(`${path.relative(APPS, file)} imports ${spec}, outside ${workspace}/src`);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, `${code}//# sourceMappingURL=${path.basename(out)}.map\n`);
      writeFileSync(`${out}.map`, map);
    }),
  );
  return problems;
}

(async () => {
  // common first: a failing api or agent is reported with a usable common/dist.
  const problems = await transpile('common');
  problems.push(...(await Promise.all(WORKSPACES.slice(1).map(transpile))).flat());
  if (problems.length > 0) {
    console.error(`transpile-apps: ${problems.join('\n')}`);
    process.exit(1);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
