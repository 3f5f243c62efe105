/**
 * scripts/install.sh's npm step (the first step of `npm start`, `npm test` and CI), with a
 * stand-in for npm on PATH: it installs from npm's cache first (--prefer-offline) and again
 * online when that fails, and does nothing when node_modules is newer than the lockfile.
 *
 * The fallback is for what real npm does when a cached package document lacks a version the
 * lockfile pins: checked by hand against a local registry (2026-12-01, npm 11): `npm install
 * --prefer-offline` stopped with ETARGET ("No matching version found") and left the installed
 * node_modules as it was; `npm install` then installed the pinned version.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../apps/common/test-support/temp-dir';

const ROOT = join(__dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'install.sh');
const INSTALL_ARGS = ['install', '--ignore-scripts', '--no-audit', '--no-fund'];

interface Run {
  status: number | null;
  out: string;
  /** Each npm call's arguments, in order. */
  calls: string[][];
}

/**
 * Runs a copy of install.sh in a throwaway project. The stand-in npm records its arguments and
 * fails (as npm does with ETARGET) on an install from the cache when `offlineFails`, on an
 * online one when `onlineFails`. The system packages the script looks for are this machine's
 * (the suite needs them anyway).
 */
function run(opts: { offlineFails?: boolean; onlineFails?: boolean; upToDate?: boolean }): Run {
  const dir = tempDir('install-');
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(SCRIPT, join(dir, 'scripts', 'install.sh'));
  writeFileSync(join(dir, 'package.json'), '{"name":"x","version":"1.0.0"}\n');
  writeFileSync(join(dir, 'package-lock.json'), '{"name":"x","version":"1.0.0","lockfileVersion":3}\n');
  if (opts.upToDate) {
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', '.package-lock.json'), '{}\n');
    const past = new Date(Date.now() - 60_000);
    for (const f of ['package.json', 'package-lock.json']) utimesSync(join(dir, f), past, past);
  }
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'npm-calls');
  const exit = (fails?: boolean) => (fails ? 'echo "npm error code ETARGET" >&2; exit 1' : 'exit 0');
  writeFileSync(
    join(bin, 'npm'),
    [
      '#!/usr/bin/env bash',
      `printf '%s\\n' "$*" >> ${JSON.stringify(log)}`,
      `case " $* " in *" --prefer-offline "*) ${exit(opts.offlineFails)};; *) ${exit(opts.onlineFails)};; esac`,
    ].join('\n'),
  );
  chmodSync(join(bin, 'npm'), 0o755);
  const res = spawnSync('bash', [join(dir, 'scripts', 'install.sh')], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, INSTALL_FORCE: '' },
    encoding: 'utf8',
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split(' ')) : [];
  return { status: res.status, out: res.stdout + res.stderr, calls };
}

describe('scripts/install.sh: npm packages', () => {
  it('installs from npm cache first: one call when the cache has every pinned version', () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['install', '--prefer-offline', ...INSTALL_ARGS.slice(1)]]);
    expect(r.out).not.toContain('online');
  });

  it('installs again online when the install from the cache fails (a version newer than the cache)', () => {
    const r = run({ offlineFails: true });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['install', '--prefer-offline', ...INSTALL_ARGS.slice(1)], INSTALL_ARGS]);
    expect(r.out).toContain('== npm install from the cache failed (see above); again, online');
  });

  it('fails when the online install fails too', () => {
    const r = run({ offlineFails: true, onlineFails: true });
    expect(r.status).toBe(1);
    expect(r.calls).toHaveLength(2);
  });

  it('calls no npm when node_modules is newer than package.json and the lockfile', () => {
    const r = run({ upToDate: true });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.out).toContain('== npm packages up to date');
  });
});

describe('package-lock.json', () => {
  interface LockEntry {
    version?: string;
    resolved?: string;
    integrity?: string;
    link?: boolean;
  }
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

  it("records every registry package's tarball URL and integrity, so that an install from the cache reads no package documents", () => {
    const registryPackages = Object.entries(lock.packages).filter(([path, entry]) => path.includes('node_modules/') && !entry.link);
    expect(registryPackages.length).toBeGreaterThan(800);
    const incomplete = registryPackages.filter(([, e]) => !e.integrity || !/^https:\/\/registry\.npmjs\.org\/\S+\.tgz$/.test(e.resolved ?? '')).map(([path]) => path);
    expect(incomplete).toEqual([]);
  });

  it('keeps them over a machine-wide omit-lockfile-registry-resolved (.npmrc)', () => {
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^omit-lockfile-registry-resolved=false$/m);
  });
});
