import { parse } from 'yaml';
import {
  apiServerProblems,
  buildKubeconfig,
  clusterNetworkProblems,
  defaultDnsServiceIp,
  defaultOsDiskType,
  kubeloginExec,
  maintenanceWindowProblems,
  nodeLabelProblem,
  nodePoolProblems,
  poolNameClashes,
  poolProperties,
  taintProblem,
  upgradeProblems,
  vmSizeSupportsEphemeralOsDisk,
  AKS_AAD_SERVER_ID,
  SPOT_TAINT,
  SYSTEM_POOL_TAINT,
  UserNodePoolSpec,
} from '../lib/aks';

describe('taintProblem', () => {
  it.each([
    [SYSTEM_POOL_TAINT, undefined],
    [SPOT_TAINT, undefined],
    ['dedicated:NoExecute', undefined],
    ['workload=memory:PreferNoSchedule', undefined],
    ['workload=memory', 'is not a taint'],
    ['workload=memory:Sometimes', 'has effect "Sometimes"; allowed: NoSchedule, PreferNoSchedule, NoExecute'],
    ['-bad=x:NoSchedule', 'has an invalid key'],
    ['k=bad value:NoSchedule', 'has an invalid value'],
  ])('%s', (taint, problem) => {
    const got = taintProblem(taint);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('nodeLabelProblem', () => {
  it.each([
    ['workload', 'memory', undefined],
    ['example.com/tier', 'gold', undefined],
    ['kubernetes.azure.com/scalesetpriority', 'spot', 'AKS reserves'],
    ['bad key!', 'x', 'is not a Kubernetes label key'],
    ['k', 'not ok', 'is not a Kubernetes label value'],
  ])('%s=%s', (key, value, problem) => {
    const got = nodeLabelProblem(key, value);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});

describe('ephemeral OS disk support by VM size', () => {
  it.each([
    ['Standard_D4ds_v5', true, 'Ephemeral'],
    ['Standard_E8ds_v5', true, 'Ephemeral'],
    ['Standard_D4s_v5', false, 'Managed'],
    ['Standard_E8as_v6', false, 'Managed'],
    ['Standard_F16als_v6', false, 'Managed'],
    ['Standard_F8s_v2', true, 'Ephemeral'],
    ['Standard_DS3_v2', true, 'Ephemeral'],
    ['Standard_NC24ads_A100_v4', true, 'Ephemeral'],
    ['not-a-size', false, 'Managed'],
  ])('%s', (size, supported, defaultType) => {
    expect(vmSizeSupportsEphemeralOsDisk(size)).toBe(supported);
    expect(defaultOsDiskType(size)).toBe(defaultType);
  });
});

describe('nodePoolProblems', () => {
  const ok: UserNodePoolSpec = { name: 'mem', vmSize: 'Standard_E8ds_v5', minCount: 1, maxCount: 3 };
  it.each<[string, Partial<UserNodePoolSpec>, 'System' | 'User', boolean, string[]]>([
    ['valid user pool', {}, 'User', false, []],
    ['user pool may scale to zero', { minCount: 0 }, 'User', false, []],
    ['system pool may not', { minCount: 0 }, 'System', false, ['p.minCount']],
    ['fractional counts', { maxCount: 2.5 }, 'User', false, ['p.minCount']],
    ['spot allowed', { spot: true }, 'User', true, []],
    ['spot not allowed', { spot: true }, 'User', false, ['p.spot']],
    ['spot system', { spot: true }, 'System', true, ['p.spot']],
    ['bad disk type', { osDiskType: 'Premium' as never }, 'User', false, ['p.osDiskType']],
    ['surge count', { maxSurge: '2' }, 'User', false, []],
    ['surge 0%', { maxSurge: '0%' }, 'User', false, ['p.maxSurge']],
    ['several problems at once', { name: 'A', vmSize: 'x', zones: ['0'], maxPods: 10 }, 'User', false, ['p.name', 'p.vmSize', 'p.zones', 'p.maxPods']],
  ])('%s', (_label, overrides, mode, allowSpot, paths) => {
    expect(nodePoolProblems('p', { ...ok, ...overrides }, mode, allowSpot).map((p) => p.path)).toEqual(paths);
  });
});

describe('poolNameClashes', () => {
  it('reports the second use of a name, pointing at the first', () => {
    expect(poolNameClashes([['systemPool', 'system'], ['userPools[0]', 'mem'], ['userPools[1]', 'mem']])).toEqual([
      { path: 'userPools[1].name', problem: '"mem" is already used by userPools[0]; pool names must be unique' },
    ]);
  });
});

describe('cluster network', () => {
  it.each([
    ['172.16.0.0/16', '172.16.0.10'],
    ['10.0.0.0/16', '10.0.0.10'],
    ['10.2.0.0/24', '10.2.0.10'],
  ])('default DNS service IP of %s is %s', (cidr, ip) => {
    expect(defaultDnsServiceIp(cidr)).toBe(ip);
  });
  it.each([
    [{ podCidr: '192.168.0.0/16', serviceCidr: '172.16.0.0/16', vnetAddressSpaces: ['10.0.0.0/16'] }, []],
    [{ podCidr: '192.168.0.0/16', serviceCidr: '172.16.0.0/16', dnsServiceIp: '172.16.255.254' }, []],
    [{ podCidr: '10.0.0.0/8', serviceCidr: '172.16.0.0/16', vnetAddressSpaces: ['10.40.0.0/16'] }, ['network.podCidr']],
    [{ podCidr: '192.168.0.0/16', serviceCidr: '10.40.128.0/20', vnetAddressSpaces: ['10.40.0.0/16'] }, ['network.serviceCidr']],
    [{ podCidr: '172.16.0.0/12', serviceCidr: '172.16.0.0/16' }, ['network.serviceCidr']],
    [{ podCidr: 'x', serviceCidr: '172.16.0.0/16', dnsServiceIp: '172.17.0.10' }, ['network.podCidr', 'network.dnsServiceIp']],
    [{ serviceCidr: '172.16.0.0/16', networkPolicy: 'kube-router' }, ['network.policy']],
  ])('%j → %j', (net, paths) => {
    expect(clusterNetworkProblems(net).map((p) => p.path)).toEqual(paths);
  });
});

describe('apiServerProblems', () => {
  it.each<[boolean | undefined, string[] | undefined, string[]]>([
    [true, undefined, []],
    [false, ['20.61.12.0/24', '52.1.2.3'], []],
    [false, [], ['authorizedIpRanges']],
    [undefined, ['0.0.0.0/0'], ['authorizedIpRanges[0]']],
    [false, ['10.0.0.0/24'], ['authorizedIpRanges[0]']],
    [true, ['20.61.12.0/24'], ['authorizedIpRanges']],
  ])('private=%s ranges=%j → %j', (priv, ranges, paths) => {
    expect(apiServerProblems(priv, ranges).map((p) => p.path)).toEqual(paths);
  });
});

describe('maintenanceWindowProblems and upgradeProblems', () => {
  it.each([
    [{ day: 'Sunday' as const, startHour: 0, durationHours: 4 }, []],
    [{ day: 'Friday' as const, startHour: 23, durationHours: 24, utcOffset: '-05:30' }, []],
    [{ day: 'Friday' as const, startHour: 1, durationHours: 25 }, ['w.durationHours']],
    [{ day: 'Friday' as const, startHour: 1.5, durationHours: 4, utcOffset: '+1' }, ['w.startHour', 'w.utcOffset']],
  ])('%j → %j', (window, paths) => {
    expect(maintenanceWindowProblems('w', window).map((p) => p.path)).toEqual(paths);
  });
  it.each([
    ['1.33', 'patch', 'NodeImage', []],
    ['1.33.4', 'stable', 'SecurityPatch', []],
    ['1.33', 'node-image', 'NodeImage', []],
    ['1.33', 'node-image', 'SecurityPatch', ['upgrade.nodeOsChannel']],
    ['v1.33', 'none', 'None', ['kubernetesVersion', 'upgrade.channel', 'upgrade.nodeOsChannel']],
  ])('%s %s %s → %j', (version, channel, nodeOs, paths) => {
    expect(upgradeProblems(version, channel, nodeOs).map((p) => p.path)).toEqual(paths);
  });
});

describe('kubeconfig', () => {
  const aksKubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: c1',
    '  cluster:',
    '    server: https://c1.privatelink.westeurope.azmk8s.io:443',
    '    certificate-authority-data: Q0E=',
    'contexts:',
    '- name: c1',
    '  context: { cluster: c1, user: clusterUser_rg_c1 }',
    'current-context: c1',
    'users:',
    '- name: clusterUser_rg_c1',
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      command: kubelogin',
    '      args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, t1, --login, devicecode]',
    '',
  ].join('\n');

  it.each([
    ['azurecli', undefined, ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_ID]],
    ['azurecli', 't1', ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_ID]],
    ['workloadidentity', 't1', ['get-token', '--login', 'workloadidentity', '--server-id', AKS_AAD_SERVER_ID, '--tenant-id', 't1']],
    ['spn', 't1', ['get-token', '--login', 'spn', '--server-id', AKS_AAD_SERVER_ID, '--tenant-id', 't1']],
    ['msi', 't1', ['get-token', '--login', 'msi', '--server-id', AKS_AAD_SERVER_ID]],
  ] as const)('%s (tenant %s) replaces the devicecode exec, keeping clusters and contexts', (mode, tenantId, args) => {
    const out = parse(buildKubeconfig(aksKubeconfig, { loginMode: mode, tenantId })) as Record<string, unknown> & { users: Array<{ name: string; user: { exec: Record<string, unknown> } }> };
    const original = parse(aksKubeconfig) as Record<string, unknown>;
    expect(out.clusters).toEqual(original.clusters);
    expect(out.contexts).toEqual(original.contexts);
    expect(out['current-context']).toBe('c1');
    expect(out.users).toEqual([{ name: 'clusterUser_rg_c1', user: { exec: { ...kubeloginExec({ loginMode: mode, tenantId }) } } }]);
    expect(out.users[0].user.exec.args).toEqual(args);
    expect(out.users[0].user.exec.interactiveMode).toBe('Never');
    expect(JSON.stringify(out)).not.toContain('devicecode');
  });

  it('rejects interactive modes and documents that are not kubeconfigs', () => {
    expect(() => kubeloginExec({ loginMode: 'devicecode' as never })).toThrow('kubelogin login mode "devicecode" is not allowed; allowed: azurecli, workloadidentity, spn, msi, azurepipelines');
    expect(() => buildKubeconfig('just: text', { loginMode: 'azurecli' })).toThrow('not a kubeconfig with clusters and users');
    expect(() => buildKubeconfig('', { loginMode: 'azurecli' })).toThrow('not a kubeconfig');
  });
});

describe('poolProperties', () => {
  const base = { name: 'p', vmSize: 'Standard_D4ds_v5', minCount: 1, maxCount: 3 };
  const options = { version: '1.33', subnetId: 'subnet', tags: { a: 'b' }, encryptionAtHost: false };
  it.each<[string, UserNodePoolSpec, 'System' | 'User', boolean | undefined, string[], Record<string, string> | undefined]>([
    ['system pool gets the critical-add-ons taint', base, 'System', undefined, [SYSTEM_POOL_TAINT], undefined],
    ['unless switched off', base, 'System', false, [], undefined],
    ['user pool keeps its own taints', { ...base, taints: ['a=b:NoSchedule'] }, 'User', undefined, ['a=b:NoSchedule'], undefined],
    ['spot adds the AKS spot taint and label', { ...base, spot: true, labels: { x: 'y' } }, 'User', undefined, [SPOT_TAINT], { x: 'y', 'kubernetes.azure.com/scalesetpriority': 'spot' }],
  ])('%s', (_label, pool, mode, onlyCriticalAddons, taints, labels) => {
    const props = poolProperties(pool, mode, { ...options, onlyCriticalAddons });
    expect(props.nodeTaints).toEqual(pool.taints && !pool.spot ? pool.taints : taints);
    expect(props.nodeLabels).toEqual(labels);
    expect(props).toMatchObject({ mode, enableNodePublicIP: false, enableAutoScaling: true, type: 'VirtualMachineScaleSets', orchestratorVersion: '1.33', vnetSubnetID: 'subnet' });
  });
  it('spot pools: Spot, Delete, price cap -1 and no surge settings; others surge 33%', () => {
    const spot = poolProperties({ ...base, spot: true }, 'User', options);
    expect(spot).toMatchObject({ scaleSetPriority: 'Spot', scaleSetEvictionPolicy: 'Delete', spotMaxPrice: -1 });
    expect('upgradeSettings' in spot).toBe(false);
    const regular = poolProperties(base, 'User', options);
    expect(regular).toMatchObject({ upgradeSettings: { maxSurge: '33%' }, osDiskType: 'Ephemeral', maxPods: 110 });
    expect('scaleSetPriority' in regular).toBe(false);
  });
});
