/**
 * scripts/install-ci-tools.sh against fake releases on disk (file:// URLs): it
 * installs only what matches the pinned sha256, and only when that pin is the
 * one in the release's own checksum file (first party). A failure installs
 * nothing more.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const sha = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('install-ci-tools.sh', () => {
  let dir: string;
  let pulumiSha: string;
  let kubeloginSha: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ci-tools-'));
    // A release of each tool, laid out as the real download URLs are.
    const build = join(dir, 'build');
    mkdirSync(join(build, 'pulumi'), { recursive: true });
    writeFileSync(join(build, 'pulumi', 'pulumi'), '#!/bin/sh\necho pulumi v9.9.9\n', { mode: 0o755 });
    mkdirSync(join(dir, 'get', 'releases', 'sdk'), { recursive: true });
    const tgz = join(dir, 'get', 'releases', 'sdk', 'pulumi-v9.9.9-linux-x64.tar.gz');
    spawnSync('tar', ['-czf', tgz, '-C', build, 'pulumi']);
    pulumiSha = sha(readFileSync(tgz));
    mkdirSync(join(dir, 'gh-pulumi', 'v9.9.9'), { recursive: true });
    writeFileSync(join(dir, 'gh-pulumi', 'v9.9.9', 'pulumi-9.9.9-checksums.txt'), `${'0'.repeat(64)}  pulumi-v9.9.9-darwin-x64.tar.gz\n${pulumiSha}  pulumi-v9.9.9-linux-x64.tar.gz\n`);
    mkdirSync(join(build, 'bin', 'linux_amd64'), { recursive: true });
    writeFileSync(join(build, 'bin', 'linux_amd64', 'kubelogin'), '#!/bin/sh\necho kubelogin\n', { mode: 0o755 });
    mkdirSync(join(dir, 'gh-kubelogin', 'v0.0.1'), { recursive: true });
    const zip = join(dir, 'gh-kubelogin', 'v0.0.1', 'kubelogin-linux-amd64.zip');
    spawnSync('zip', ['-q', '-r', zip, 'bin'], { cwd: build });
    kubeloginSha = sha(readFileSync(zip));
    writeFileSync(`${zip}.sha256`, `${kubeloginSha}  kubelogin-linux-amd64.zip\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function install(pins: { pulumi: string; kubelogin: string }, name: string) {
    const envFile = join(dir, `${name}.env`);
    writeFileSync(envFile, `PULUMI_VERSION=9.9.9\nPULUMI_SHA256=${pins.pulumi}\nKUBELOGIN_VERSION=0.0.1\nKUBELOGIN_SHA256=${pins.kubelogin}\n`);
    const dest = join(dir, `${name}-bin`);
    const result = spawnSync('bash', [join(ROOT, 'scripts', 'install-ci-tools.sh'), dest], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CI_TOOLS_ENV: envFile,
        PULUMI_DOWNLOAD_BASE: `file://${dir}/get/releases/sdk`,
        PULUMI_RELEASES_BASE: `file://${dir}/gh-pulumi`,
        KUBELOGIN_RELEASES_BASE: `file://${dir}/gh-kubelogin`,
      },
    });
    let installed: string[] = [];
    try {
      installed = readdirSync(dest).sort();
    } catch {
      installed = [];
    }
    return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim(), dest, installed };
  }

  it('installs the three tools when the pins match the downloads and the releases\' checksum files', () => {
    const run = install({ pulumi: pulumiSha, kubelogin: kubeloginSha }, 'ok');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toBe(run.dest);
    expect(run.installed).toEqual(['kubectl', 'kubelogin', 'pulumi']);
  });

  it('refuses a pin that is not the one in the release\'s own checksum file, before downloading the tool', () => {
    const other = 'f'.repeat(64);
    const run = install({ pulumi: other, kubelogin: kubeloginSha }, 'third-party-pin');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`pinned sha256 of pulumi-v9.9.9-linux-x64.tar.gz (${other}) is not the one in the release's checksum file file://${dir}/gh-pulumi/v9.9.9/pulumi-9.9.9-checksums.txt (${pulumiSha})`);
    expect(run.installed).toEqual([]);
  });

  it('refuses a download that does not hash to the pin: that tool is not installed', () => {
    // The release's checksum file and the pin agree, the asset does not (a tampered download).
    const tampered = 'e'.repeat(64);
    writeFileSync(join(dir, 'gh-kubelogin', 'v0.0.1', 'kubelogin-linux-amd64.zip.sha256'), `${tampered}  kubelogin-linux-amd64.zip\n`);
    const run = install({ pulumi: pulumiSha, kubelogin: tampered }, 'tampered');
    writeFileSync(join(dir, 'gh-kubelogin', 'v0.0.1', 'kubelogin-linux-amd64.zip.sha256'), `${kubeloginSha}  kubelogin-linux-amd64.zip\n`);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`checksum mismatch for file://${dir}/gh-kubelogin/v0.0.1/kubelogin-linux-amd64.zip: expected ${tampered}, got ${kubeloginSha}`);
    expect(run.installed).not.toContain('kubelogin');
  });
});
