#!/usr/bin/env node
/*
 * npm "prepare" lifecycle. npm runs it after every `npm install` in this
 * repository, and again when the package is packed: for `npm pack`, `npm publish`,
 * and an `npm install github:<org>/aks-platform#<tag>` in another project.
 *
 * Only packing needs dist/ (package.json "main"/"types"/"files" point there), so
 * build only then. pacote, npm's packer, runs this script with
 * npm_package_resolved set to the directory it packs. A developer's `npm install`
 * or CI's `npm ci` at the repository root skips the build: every install stays
 * fast, and a work-in-progress component that does not compile cannot break
 * installing dependencies. `npm run build` builds dist/ explicitly.
 */
'use strict';
const { spawnSync } = require('node:child_process');

if (!process.env.npm_package_resolved) {
  console.log('prepare: development install, dist/ not built (run `npm run build`; packing and git-dependency installs build it)');
  process.exit(0);
}
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath, 'run', 'build']]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']];
const result = spawnSync(npm[0], npm[1], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(`prepare: \`npm run build\` failed (exit ${result.status ?? result.signal}); the package cannot be packed without dist/`);
  process.exit(result.status ?? 1);
}
