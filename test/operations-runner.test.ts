import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { installMocks, settle, resolveOutput, unwrapSecrets, MOCK_SECRET_MARKER, MOCK_SUBSCRIPTION_ID, type OfflineRecorder } from '../offline/mocks';
import type { OperationsRunnerArgs } from '../components/operations-runner';
import {
  MICROSOFT_PACKAGES_KEY_FINGERPRINT,
  RUNNER_INSTALL_SCRIPT,
  RUNNER_SHA256S,
  RUNNER_TOKEN_SECRET,
  RUNNER_VERSION,
  runnerBootProblems,
  runnerCloudInit,
  runnerDownloadUrl,
  runnerInstallScript,
  runnerSha256,
  sshPublicKeyProblem,
} from '../lib/operations-runner';
import { registeredTypes, resourceErrorOf } from './support/components';
import { testSshKey } from './support/ssh-keys';
import { leaveTestContext } from '../apps/common/test-support/async-storages';

const VAULT_ID = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-aksplat-prod-weu/providers/Microsoft.KeyVault/vaults/kv-aksplat-prod-abc123`;
const SUBNET = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-aksplat-prod-weu/providers/Microsoft.Network/virtualNetworks/vnet-aksplat-prod-weu/subnets/snet-aksplat-prod-weu-ops`;
const key = testSshKey;
const ED25519 = key('ed25519');
const boot = { githubRepository: 'contoso/aks-platform', labels: ['aks-platform-prod'], keyVaultName: 'kv-aksplat-prod-abc123', identityClientId: '11111111-2222-4333-8444-555555555555' };

describe('runnerCloudInit', () => {
  const doc = parse(runnerCloudInit(boot)) as { write_files: Array<{ path: string; content: string }>; runcmd: string[]; users: Array<{ name: string }> };
  const file = (path: string) => doc.write_files.find((f) => f.path === path)!.content;

  it('registers an ephemeral runner with the labels, reading the token from Key Vault with the managed identity', () => {
    const script = file('/opt/actions-runner/register-and-run.sh');
    expect(script).toContain('http://169.254.169.254/metadata/identity/oauth2/token');
    expect(script).toContain('https://${KEY_VAULT_NAME}.vault.azure.net/secrets/${TOKEN_SECRET_NAME}');
    expect(script).toContain('actions/runners/registration-token');
    expect(script).toMatch(/config\.sh --unattended --ephemeral /);
    expect(file('/etc/actions-runner.env').split('\n')).toEqual([
      'GITHUB_REPOSITORY=contoso/aks-platform',
      'RUNNER_LABELS=aks-platform-prod',
      'KEY_VAULT_NAME=kv-aksplat-prod-abc123',
      `TOKEN_SECRET_NAME=${RUNNER_TOKEN_SECRET}`,
      'IDENTITY_CLIENT_ID=11111111-2222-4333-8444-555555555555',
      '',
    ]);
  });

  it('runs the runner as a non-root user under systemd, restarted after each job', () => {
    expect(doc.users.map((u) => u.name)).toEqual(['runner']);
    const unit = file('/etc/systemd/system/actions-runner.service');
    expect(unit).toContain('User=runner');
    expect(unit).toContain('Restart=always');
  });

  it('installs the pinned runner only after its SHA-256 matched, and enables the service only after that', () => {
    const install = file(RUNNER_INSTALL_SCRIPT);
    expect(install).toBe(`${runnerInstallScript({ url: runnerDownloadUrl(RUNNER_VERSION), sha256: runnerSha256(RUNNER_VERSION), dir: '/opt/actions-runner' })}\n`);
    expect(install).toContain(`url='https://github.com/actions/runner/releases/download/v${RUNNER_VERSION}/actions-runner-linux-x64-${RUNNER_VERSION}.tar.gz'`);
    expect(install).toContain(`expected='${runnerSha256(RUNNER_VERSION)}'`);
    // The only download of the runner is the verified one, and the runner service waits for it.
    expect(doc.runcmd).toEqual([
      `${RUNNER_INSTALL_SCRIPT} && /opt/actions-runner/bin/installdependencies.sh && chown -R runner:runner /opt/actions-runner && systemctl daemon-reload && systemctl enable --now actions-runner.service`,
    ]);
    expect(runnerCloudInit(boot).match(/releases\/download/g)).toHaveLength(1);
    // No piped install script: the Azure CLI comes from Microsoft's signed apt repository.
    expect(runnerCloudInit(boot)).not.toMatch(/curl[^\n]*\|\s*(ba)?sh/);
    const apt = (doc as unknown as { apt: { sources: Record<string, { source: string; keyid: string }> }; packages: string[] });
    expect(apt.apt.sources['azure-cli']).toEqual({
      source: 'deb [arch=amd64 signed-by=$KEY_FILE] https://packages.microsoft.com/repos/azure-cli/ $RELEASE main',
      keyid: MICROSOFT_PACKAGES_KEY_FINGERPRINT,
    });
    expect(apt.packages).toContain('azure-cli');
  });

  it('a bumped version without its checksum is refused before anything is rendered', () => {
    expect(runnerSha256(RUNNER_VERSION)).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(RUNNER_SHA256S)).toContain(RUNNER_VERSION);
    expect(() => runnerSha256('2.339.0')).toThrow('no SHA-256 recorded for GitHub Actions runner 2.339.0: add actions-runner-linux-x64-2.339.0.tar.gz');
    expect(runnerBootProblems({ ...boot, runner: { version: '2.339.0', sha256: '' } }).join('\n')).toContain('runner.sha256: "" must be the 64 lowercase hex characters');
    expect(() => runnerInstallScript({ url: 'x', sha256: 'ABC', dir: '/x' })).toThrow(/must be 64 lowercase hex/);
  });

  it.each([
    [{ ...boot, githubRepository: 'aks-platform' }, 'githubRepository: "aks-platform" must be owner/name'],
    [{ ...boot, labels: [] }, 'labels: at least one label'],
    [{ ...boot, labels: ['a b'] }, 'labels: "a b" must be letters'],
    [{ ...boot, identityClientId: 'x' }, 'identityClientId: "x" is not a client id'],
  ])('refuses bad options: %j', (options, problem) => {
    expect(runnerBootProblems(options).join('\n')).toContain(problem);
  });
});

/**
 * The install step run for real with bash, curl and sha256sum against a local
 * archive (file:// URL): the right hash unpacks it, a wrong one unpacks nothing.
 */
describe('the runner install script', () => {
  let work: string;
  let archive: string;
  let sha256: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'runner-install-'));
    mkdirSync(path.join(work, 'src', 'bin'), { recursive: true });
    writeFileSync(path.join(work, 'src', 'bin', 'installdependencies.sh'), '#!/bin/sh\n');
    writeFileSync(path.join(work, 'src', 'config.sh'), '#!/bin/sh\n');
    archive = path.join(work, 'actions-runner-linux-x64-9.9.9.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', path.join(work, 'src'), '.']);
    sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (expected: string, dir: string, url = `file://${archive}`) => {
    const script = path.join(work, `install-${path.basename(dir)}.sh`);
    writeFileSync(script, runnerInstallScript({ url, sha256: expected, dir }), { mode: 0o755 });
    return spawnSync('bash', [script], { encoding: 'utf8' });
  };

  it('unpacks the archive when its SHA-256 matches', () => {
    const dir = path.join(work, 'ok');
    const result = run(sha256, dir);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(result.stdout).toContain(`verified (sha256 ${sha256})`);
    expect(readdirSync(dir).sort()).toEqual(['bin', 'config.sh']);
  });

  it('fails closed on a wrong SHA-256: exit 1, the mismatch named, nothing unpacked', () => {
    const dir = path.join(work, 'mismatch');
    const wrong = sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const result = run(wrong, dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`checksum mismatch for file://${archive}: expected ${wrong}, got ${sha256}; not installed`);
    expect(existsSync(dir)).toBe(false);
  });

  it('fails closed when the download fails', () => {
    const dir = path.join(work, 'missing');
    const result = run(sha256, dir, `file://${work}/no-such-archive.tar.gz`);
    expect(result.status).not.toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('sshPublicKeyProblem (what Azure accepts for the admin user)', () => {
  it.each([
    ['ed25519', ED25519],
    ['rsa 3072', key('rsa3072')],
    ['ed25519 without a comment', ED25519.split(' ').slice(0, 2).join(' ')],
  ])('accepts %s', (_label, value) => {
    expect(sshPublicKeyProblem(value)).toBeUndefined();
  });

  it.each([
    ['rsa 1024', key('rsa1024'), 'the RSA key has 1024 bits; Azure needs at least 2048'],
    ['ecdsa', key('ecdsa'), 'key type "ecdsa-sha2-nistp256" is not accepted by Azure; use one of ssh-ed25519, ssh-rsa'],
    ['a type that does not match the data', ED25519.replace('ssh-ed25519', 'ssh-rsa'), 'the key data does not hold a ssh-rsa key'],
    ['a truncated ed25519 key', ED25519.replace(/AAAAIB\S+/, 'AAAAIBzKoNoImxO9SRBY'), 'not a 32-byte public key'],
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----', 'is a private key; give the public key'],
    ['free text', 'my-public-key', 'is not an OpenSSH public key line'],
  ])('refuses %s', (_label, value, problem) => {
    expect(sshPublicKeyProblem(value)).toContain(problem);
  });

  it('never echoes a private key', () => {
    expect(sshPublicKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETMATERIAL\n-----END OPENSSH PRIVATE KEY-----')).not.toContain('SECRETMATERIAL');
  });
});

describe('OperationsRunner', () => {
  const args = (): OperationsRunnerArgs => ({
    naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' },
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags: { environment: 'prod' },
    subnetId: SUBNET,
    githubRepository: 'contoso/aks-platform',
    labels: ['aks-platform-prod'],
    keyVaultId: VAULT_ID,
    keyVaultName: 'kv-aksplat-prod-abc123',
    adminSshPublicKey: ED25519,
  });

  /** The runner of args(), built once for the two tests that only read it (neither changes it). */
  let built: Promise<OfflineRecorder> | undefined;
  const build = () =>
    (built ??= (async () => {
      leaveTestContext();
      const recorder = installMocks({ stack: 'prod' });
      const { OperationsRunner } = await import('../components/operations-runner');
      const runner = new OperationsRunner('ops', args());
      await resolveOutput(runner.identityClientId);
      await settle();
      return recorder;
    })());

  it('a scale set in the operations subnet with a managed identity that may read only the token secret, no public IP', async () => {
    const recorder = await build();
    const role = recorder.one('azure-native:authorization:RoleAssignment');
    expect(role.inputs).toMatchObject({
      scope: `${VAULT_ID}/secrets/${RUNNER_TOKEN_SECRET}`,
      principalType: 'ServicePrincipal',
      roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
    });
    const vmss = recorder.one('azure-native:compute:VirtualMachineScaleSet');
    const inputs = unwrapSecrets(vmss.inputs) as Record<string, any>;
    expect(inputs.sku).toEqual({ name: 'Standard_D2ds_v5', tier: 'Standard', capacity: 1 });
    expect(inputs.identity.type).toBe('UserAssigned');
    const nic = inputs.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0];
    expect(nic.ipConfigurations).toEqual([{ name: 'ipconfig', primary: true, subnet: { id: SUBNET } }]);
    expect(JSON.stringify(nic)).not.toContain('publicIPAddressConfiguration');
    expect(inputs.virtualMachineProfile.storageProfile.osDisk.diffDiskSettings).toEqual({ option: 'Local', placement: 'ResourceDisk' });
    const cloudInit = Buffer.from(inputs.virtualMachineProfile.osProfile.customData, 'base64').toString('utf8');
    expect(cloudInit).toContain('RUNNER_LABELS=aks-platform-prod');
    // The rendered boot document carries the pinned runner and its hash, verified before install.
    const rendered = parse(cloudInit) as { write_files: Array<{ path: string; content: string }>; runcmd: string[] };
    const install = rendered.write_files.find((f) => f.path === RUNNER_INSTALL_SCRIPT)!.content;
    expect(install).toContain(`expected='${runnerSha256(RUNNER_VERSION)}'`);
    expect(install).toContain(`url='${runnerDownloadUrl(RUNNER_VERSION)}'`);
    expect(rendered.runcmd[0].startsWith(`${RUNNER_INSTALL_SCRIPT} && `)).toBe(true);
    expect(vmss.dependencies).toContain(role.urn);
  });

  it('signs the admin in with the SSH key only: no password anywhere, nothing secret registered', async () => {
    const recorder = await build();
    const os = (recorder.one('azure-native:compute:VirtualMachineScaleSet').inputs as Record<string, any>).virtualMachineProfile.osProfile;
    expect(os.adminPassword).toBeUndefined();
    expect(os.linuxConfiguration).toEqual({
      disablePasswordAuthentication: true,
      provisionVMAgent: true,
      ssh: { publicKeys: [{ path: '/home/opsadmin/.ssh/authorized_keys', keyData: ED25519.trim() }] },
    });
    expect(recorder.resources.map((r) => r.type)).not.toContain('random:index/randomPassword:RandomPassword');
    expect(JSON.stringify(recorder.resources.map((r) => [r.inputs, r.state]))).not.toContain(MOCK_SECRET_MARKER);
  });

  it('refuses a bad repository, creating nothing', async () => {
    const recorder = installMocks();
    const { OperationsRunner } = await import('../components/operations-runner');
    const error = resourceErrorOf(() => new OperationsRunner('bad', { ...args(), githubRepository: 'nope' }));
    expect(error.message).toContain('args.githubRepository: "nope" must be owner/name');
    expect(await registeredTypes(recorder)).toEqual(['aks-platform:index:OperationsRunner']);
  });

  it('refuses an SSH key Azure would refuse, creating nothing', async () => {
    const recorder = installMocks();
    const { OperationsRunner } = await import('../components/operations-runner');
    const error = resourceErrorOf(() => new OperationsRunner('bad', { ...args(), adminSshPublicKey: key('rsa1024') }));
    expect(error.message).toContain('args.adminSshPublicKey: the RSA key has 1024 bits; Azure needs at least 2048');
    expect(await registeredTypes(recorder)).toEqual(['aks-platform:index:OperationsRunner']);
  });
});
