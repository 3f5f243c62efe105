import { parse } from 'yaml';
import { installMocks, settle, resolveOutput, unwrapSecrets, MOCK_SECRET_MARKER, MOCK_SUBSCRIPTION_ID } from '../offline/mocks';
import type { OperationsRunnerArgs } from '../components/operations-runner';
import { RUNNER_TOKEN_SECRET, runnerBootProblems, runnerCloudInit, sshPublicKeyProblem } from '../lib/operations-runner';
import { registeredTypes, resourceErrorOf } from './support/components';
import { testSshKey } from './support/ssh-keys';

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
    expect(doc.runcmd.some((c) => c.includes('/actions/runner/releases/download/v'))).toBe(true);
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

  it('a scale set in the operations subnet with a managed identity that may read only the token secret, no public IP', async () => {
    const recorder = installMocks({ stack: 'prod' });
    const { OperationsRunner } = await import('../components/operations-runner');
    const runner = new OperationsRunner('ops', args());
    await resolveOutput(runner.identityClientId);
    await settle();
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
    expect(vmss.dependencies).toContain(role.urn);
  });

  it('signs the admin in with the SSH key only: no password anywhere, nothing secret registered', async () => {
    const recorder = installMocks({ stack: 'prod' });
    const { OperationsRunner } = await import('../components/operations-runner');
    const runner = new OperationsRunner('ops', args());
    await resolveOutput(runner.identityClientId);
    await settle();
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
