/**
 * The whole program under the offline mocks for the deploy rules that change
 * what a stack registers: the infrastructure phase (Azure only), the
 * operations runner, and an app placed on a spot pool.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { OfflineRecorder, unwrapSecrets } from '../offline/recorded';
import { TEST_CLOCK } from './support/clock';
import { apiVersionsOf } from './support/api-versions';
import { testSshKey } from './support/ssh-keys';

describe('prod, phase infrastructure, with the operations runner', () => {
  let run: StackRun;
  beforeAll(async () => {
    run = await runStack('prod', {
      clock: TEST_CLOCK,
      overrides: {
        'aks-platform:phase': 'infrastructure',
        'aks-platform:operationsRunner': { enabled: true, githubRepository: 'contoso/aks-platform', adminSshPublicKey: testSshKey('ed25519') },
      },
    });
  }, 60_000);

  it('registers no Kubernetes resource and builds or pushes no image', () => {
    const types = run.recorder.resources.map((r) => r.type);
    expect(types.filter((t) => t.startsWith('kubernetes:') && t !== 'pulumi:providers:kubernetes')).toEqual([]);
    expect(types.filter((t) => t.startsWith('docker-build:'))).toEqual([]);
    expect(types).toEqual(expect.arrayContaining(['azure-native:containerservice:ManagedCluster', 'azure-native:containerregistry:Registry', 'azure-native:keyvault:Vault']));
  });

  it('creates the runner and its egress on stable API versions', () => {
    for (const type of ['azure-native:compute:VirtualMachineScaleSet', 'azure-native:network:NatGateway', 'azure-native:network:PublicIPAddress', 'azure-native:managedidentity:UserAssignedIdentity']) {
      expect(run.recorder.ofType(type).length).toBeGreaterThan(0);
      expect({ type, preview: apiVersionsOf(type)!.used.endsWith('-preview') }).toEqual({ type, preview: false });
    }
  });

  it('creates the runner in the operations subnet, with a NAT gateway for its egress, and never sees its GitHub token', () => {
    const vmss = run.recorder.one('azure-native:compute:VirtualMachineScaleSet');
    const inputs = unwrapSecrets(vmss.inputs) as Record<string, any>;
    expect(inputs.virtualMachineProfile.networkProfile.networkInterfaceConfigurations[0].ipConfigurations[0].subnet.id).toMatch(/\/subnets\/snet-aksplat-prod-weu-ops$/);
    const ops = run.recorder.resources.find((r) => r.type === 'azure-native:network:Subnet' && String((r.inputs as Record<string, unknown>).subnetName).endsWith('-ops'))!;
    expect((ops.inputs as Record<string, any>).natGateway).toBeDefined();
    expect(run.recorder.ofType('azure-native:network:NatGateway')).toHaveLength(1);
    // The token is written into the vault out of band (docs/setup.md): the program creates no secret for it,
    // only the runner's read role on that one secret.
    const secretNames = run.recorder.ofType('azure-native:keyvault:Secret').map((s) => (s.inputs as Record<string, unknown>).secretName);
    expect(secretNames).not.toContain('github-runner-token');
    const scopes = run.recorder.ofType('azure-native:authorization:RoleAssignment').map((r) => String(unwrapSecrets((r.inputs as Record<string, unknown>).scope)));
    expect(scopes.filter((scope) => scope.endsWith('/secrets/github-runner-token'))).toHaveLength(1);
  });
});

describe('dev, the api placed on the spot pool', () => {
  it('renders the spot toleration next to the pool selector', async () => {
    const run = await runStack('dev', { clock: TEST_CLOCK, overrides: { 'aks-platform:apps.api.nodePool': 'memopt' } });
    const release = run.recorder.ofType('kubernetes:helm.sh/v3:Release').find((r) => (r.inputs as Record<string, unknown>).name === 'api')!;
    const values = unwrapSecrets((release.inputs as Record<string, unknown>).values) as Record<string, any>;
    expect(values.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.azure.com/agentpool': 'memopt' });
    expect(values.tolerations).toEqual([{ key: 'kubernetes.azure.com/scalesetpriority', operator: 'Equal', value: 'spot', effect: 'NoSchedule' }]);
    const agent = run.recorder.ofType('kubernetes:helm.sh/v3:Release').find((r) => (r.inputs as Record<string, unknown>).name === 'agent')!;
    expect((unwrapSecrets((agent.inputs as Record<string, unknown>).values) as Record<string, any>).tolerations).toEqual([]);
  }, 60_000);
});

describe('the program refuses what Azure would refuse, before registering anything', () => {
  it.each([
    ['a Kubernetes version past AKS end of life', { 'aks-platform:cluster.kubernetesVersion': '1.33' }, 'aks-platform:cluster.kubernetesVersion: "1.33" reached AKS end of life on 2026-07-31'],
    [
      'an ephemeral OS disk that does not fit the VM',
      { 'aks-platform:cluster.systemPool.osDiskSizeGb': 200 },
      'aks-platform:cluster.systemPool.osDiskSizeGb: 200 GiB does not fit an ephemeral OS disk: Standard_D4ds_v5 holds at most 150 GiB',
    ],
  ])('%s', async (_label, overrides, message) => {
    let recorder: OfflineRecorder | undefined;
    await expect(runStack('prod', { clock: TEST_CLOCK, overrides }, (r) => (recorder = r))).rejects.toThrow(message);
    expect(recorder!.resources.map((r) => r.type)).toEqual([]);
  }, 60_000);
});
