/**
 * scripts/prepare.cjs (npm "prepare"): skips the build on development installs,
 * builds (and fails loudly) when npm packs the package (npm pack/publish, git deps).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'scripts', 'prepare.cjs');

function run(env: Record<string, string>, fakeNpmExit: number) {
  const dir = mkdtempSync(join(tmpdir(), 'prepare-'));
  try {
    // A stand-in for npm's CLI: records its arguments, exits as told.
    const fakeNpm = join(dir, 'npm-cli.js');
    writeFileSync(fakeNpm, `require('fs').writeFileSync(${JSON.stringify(join(dir, 'args'))}, JSON.stringify(process.argv.slice(2))); process.exit(${fakeNpmExit});`);
    const base = { PATH: process.env.PATH ?? '', npm_execpath: fakeNpm };
    const res = spawnSync(process.execPath, [SCRIPT], { env: { ...base, ...env }, encoding: 'utf8' });
    let args: unknown;
    try {
      args = JSON.parse(readFileSync(join(dir, 'args'), 'utf8'));
    } catch {
      args = undefined;
    }
    return { status: res.status, out: res.stdout + res.stderr, args };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('prepare script', () => {
  it('skips the build on a development install', () => {
    const r = run({}, 0);
    expect(r.status).toBe(0);
    expect(r.args).toBeUndefined();
    expect(r.out).toMatch(/development install, dist\/ not built/);
  });

  it('builds when npm packs the package', () => {
    const r = run({ npm_package_resolved: '/tmp/git-clone-x' }, 0);
    expect(r.status).toBe(0);
    expect(r.args).toEqual(['run', 'build']);
  });

  it('fails the pack when the build fails', () => {
    const r = run({ npm_package_resolved: '/tmp/git-clone-x' }, 2);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/`npm run build` failed \(exit 2\); the package cannot be packed without dist\//);
  });
});
