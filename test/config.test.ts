import { readStackConfig } from '../offline/stack-config';
import { ConfigValidationError, stackConfigFromPulumiConfig } from '../config/validate';
import { checkDeployRules, deployRuleFindings } from '../config/deploy-rules';

/** Validates a stack's YAML with overrides in Pulumi `--path` syntax. */
function load(stack: string, overrides: Record<string, unknown> = {}) {
  return stackConfigFromPulumiConfig(readStackConfig(stack, overrides).values);
}

function problemsOf(stack: string, overrides: Record<string, unknown>): string[] {
  try {
    load(stack, overrides);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as ConfigValidationError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  throw new Error('expected the configuration to be rejected');
}

describe('stack configuration', () => {
  it.each(['dev', 'prod'])('accepts Pulumi.%s.yaml', (stack) => {
    const cfg = load(stack);
    expect(cfg.environment).toBe(stack);
    expect(cfg.location).toBe('westeurope');
  });

  it('applies defaults for keys a stack leaves out', () => {
    const dev = load('dev');
    expect(dev.cluster.podCidr).toBe('192.168.0.0/16');
    expect(dev.cluster.systemPool.maxPods).toBe(110);
    expect(dev.registry).toEqual({ sku: 'Standard', privateEndpoint: false, zoneRedundancy: false, untaggedRetentionDays: 0 });
    expect(dev.tags.extra).toEqual({});
  });

  it('makes dev visibly cheaper than prod while keeping the security defaults', () => {
    const dev = load('dev');
    const prod = load('prod');
    expect(dev.cluster.systemPool.maxCount).toBeLessThan(prod.cluster.systemPool.maxCount);
    expect(dev.cluster.systemPool.zones).toEqual([]);
    expect(prod.cluster.systemPool.zones).toEqual(['1', '2', '3']);
    expect(dev.registry.sku).not.toBe('Premium');
    expect(prod.registry.sku).toBe('Premium');
    expect(dev.cluster.tier).toBe('Free');
    expect(prod.cluster.tier).toBe('Standard');
    for (const cfg of [dev, prod]) {
      expect(cfg.cluster.privateCluster).toBe(true);
      expect(cfg.cluster.disableLocalAccounts).toBe(true);
      expect(cfg.keyVault.privateEndpoint).toBe(true);
    }
  });

  // Each row: a config override, the key path the error must name, and words it must contain.
  const badConfigs: Array<[string, Record<string, unknown>, string, string]> = [
    ['CIDR syntax', { 'aks-platform:network.vnetCidr': '10.10.0.0/33' }, 'aks-platform:network.vnetCidr', '"10.10.0.0/33" is not an IPv4 CIDR'],
    ['CIDR with host bits', { 'aks-platform:network.subnets.nodes': '10.10.0.1/22' }, 'aks-platform:network.subnets.nodes', 'host bits set; the network address is 10.10.0.0/22'],
    ['subnet outside the VNet', { 'aks-platform:network.subnets.operations': '10.99.5.0/27' }, 'aks-platform:network.subnets.operations', 'not inside the VNet address space 10.10.0.0/16'],
    ['overlapping subnets', { 'aks-platform:network.subnets.privateEndpoints': '10.10.3.0/24' }, 'aks-platform:network.subnets.privateEndpoints', 'overlaps subnet nodes (10.10.0.0/22)'],
    ['egress firewall without its subnet', { 'aks-platform:network.egressFirewall': { enabled: true } }, 'aks-platform:network.egressFirewall.subnet', 'is required when egress filtering is on: the AzureFirewallSubnet range, a /26 or larger'],
    ['egress firewall subnet smaller than /26', { 'aks-platform:network.egressFirewall': { enabled: true, subnet: '10.10.6.0/27' } }, 'aks-platform:network.egressFirewall.subnet', '"10.10.6.0/27" is a /27; AzureFirewallSubnet must be /26 or larger'],
    ['egress firewall subnet outside the VNet', { 'aks-platform:network.egressFirewall': { enabled: true, subnet: '10.99.6.0/26' } }, 'aks-platform:network.egressFirewall.subnet', 'not inside the VNet address space 10.10.0.0/16'],
    ['egress firewall subnet overlapping the nodes', { 'aks-platform:network.egressFirewall': { enabled: true, subnet: '10.10.1.0/26' } }, 'aks-platform:network.egressFirewall.subnet', 'overlaps subnet nodes (10.10.0.0/22)'],
    ['egress firewall Basic SKU', { 'aks-platform:network.egressFirewall': { enabled: true, sku: 'Basic', subnet: '10.10.6.0/26' } }, 'aks-platform:network.egressFirewall.sku', 'got "Basic"; allowed: "Standard", "Premium"'],
    ['pod CIDR overlapping the VNet', { 'aks-platform:cluster.podCidr': '10.10.128.0/17' }, 'aks-platform:cluster.podCidr', 'overlaps the VNet 10.10.0.0/16'],
    ['DNS service IP outside the service CIDR', { 'aks-platform:cluster.dnsServiceIp': '10.0.0.10' }, 'aks-platform:cluster.dnsServiceIp', 'not an address inside the service CIDR 172.16.0.0/16'],
    ['uppercase pool name', { 'aks-platform:cluster.userPools': [{ name: 'MemPool', vmSize: 'Standard_E2ds_v5', minCount: 0, maxCount: 2 }] }, 'aks-platform:cluster.userPools[0].name', 'lowercase letters and digits only'],
    ['Linux pool name too long', { 'aks-platform:cluster.userPools': [{ name: 'memoryoptimized', vmSize: 'Standard_E2ds_v5', minCount: 0, maxCount: 2 }] }, 'aks-platform:cluster.userPools[0].name', 'Linux node pool names are at most 12'],
    ['Windows pool name too long', { 'aks-platform:cluster.userPools': [{ name: 'winpool1', osType: 'Windows', vmSize: 'Standard_D4ds_v5', minCount: 0, maxCount: 2 }] }, 'aks-platform:cluster.userPools[0].name', 'Windows node pool names are at most 6'],
    ['duplicate pool names', { 'aks-platform:cluster.userPools': [{ name: 'system', vmSize: 'Standard_E2ds_v5', minCount: 0, maxCount: 2 }] }, 'aks-platform:cluster.userPools[0].name', 'already used by systemPool'],
    ['system pool with zero nodes', { 'aks-platform:cluster.systemPool.minCount': 0 }, 'aks-platform:cluster.systemPool.minCount', 'a system pool needs at least 1 node'],
    ['autoscaler min above max', { 'aks-platform:cluster.systemPool.minCount': 3 }, 'aks-platform:cluster.systemPool.minCount', 'minCount (3) is greater than maxCount (2)'],
    ['bad zone', { 'aks-platform:cluster.systemPool.zones': ['1', '4'] }, 'aks-platform:cluster.systemPool.zones[1]', 'got "4"; allowed: "1", "2", "3"'],
    ['VM size format', { 'aks-platform:cluster.systemPool.vmSize': 'D4ds_v5' }, 'aks-platform:cluster.systemPool.vmSize', '"D4ds_v5" is not an Azure VM size such as Standard_D4ds_v5'],
    ['Kubernetes version format', { 'aks-platform:cluster.kubernetesVersion': 'v1.33' }, 'aks-platform:cluster.kubernetesVersion', '"v1.33" is not a Kubernetes version such as 1.33 or 1.33.2'],
    ['API server open to the internet', { 'aks-platform:cluster.privateCluster': false, 'aks-platform:cluster.authorizedIpRanges': ['0.0.0.0/0'] }, 'aks-platform:cluster.authorizedIpRanges[0]', 'opens the API server to the whole internet'],
    ['invalid authorized range', { 'aks-platform:cluster.privateCluster': false, 'aks-platform:cluster.authorizedIpRanges': ['300.1.2.3'] }, 'aks-platform:cluster.authorizedIpRanges[0]', 'is not an IPv4 CIDR'],
    ['private authorized range', { 'aks-platform:cluster.privateCluster': false, 'aks-platform:cluster.authorizedIpRanges': ['10.1.0.0/16'] }, 'aks-platform:cluster.authorizedIpRanges[0]', 'is a private address'],
    ['public API server without ranges', { 'aks-platform:cluster.privateCluster': false }, 'aks-platform:cluster.authorizedIpRanges', 'needs at least one authorized IP range'],
    ['typo in a key', { 'aks-platform:cluster.kubernetesVerison': '1.33' }, 'aks-platform:cluster.kubernetesVerison', 'unknown key (a typo?); allowed keys here: kubernetesVersion, tier'],
    ['unknown top-level key', { 'aks-platform:registy': { sku: 'Premium' } }, 'aks-platform:registy', 'unknown key (a typo?); allowed keys here: environment, location'],
    ['unknown location', { 'aks-platform:location': 'westeurope2' }, 'aks-platform:location', 'got "westeurope2"; allowed: "australiaeast"'],
    ['spot where not allowed', { 'aks-platform:cluster.allowSpot': false }, 'aks-platform:cluster.userPools[0].spot', 'spot pools are not allowed in this stack'],
    ['registry private endpoint without Premium', { 'aks-platform:registry.privateEndpoint': true }, 'aks-platform:registry.privateEndpoint', 'needs the Premium SKU (sku is Standard)'],
    ['unsupported Postgres version', { 'aks-platform:postgres.version': '12' }, 'aks-platform:postgres.version', 'got "12"; allowed: "15", "16", "17", "18"'],
    ['Postgres storage size', { 'aks-platform:postgres.storageSizeGb': 100 }, 'aks-platform:postgres.storageSizeGb', 'must be one of the storage sizes the service offers: 32, 64, 128'],
    ['Postgres HA on Burstable', { 'aks-platform:postgres.highAvailability': true }, 'aks-platform:postgres.highAvailability', 'not available on the Burstable tier'],
    ['Postgres SKU of another tier', { 'aks-platform:postgres.skuName': 'Standard_D2ds_v5' }, 'aks-platform:postgres.skuName', 'does not belong to the Burstable tier'],
    ['unknown Redis SKU', { 'aks-platform:redis.sku': 'Premium_P1' }, 'aks-platform:redis.sku', '"Premium_P1" is not a Azure Managed Redis SKU; allowed: Balanced_B0'],
    ['missing required key', { 'aks-platform:prefix': undefined }, 'aks-platform:prefix', 'is required (expected string)'],
    ['missing section', { 'aks-platform:redis': undefined }, 'aks-platform:redis', 'is required (expected object)'],
    ['wrong type', { 'aks-platform:cluster.privateCluster': 'yes' }, 'aks-platform:cluster.privateCluster', 'got "yes"; expected boolean'],
    ['replicas above the autoscaler maximum', { 'aks-platform:apps.frontend.replicas': 2 }, 'aks-platform:apps.frontend.maxReplicas', 'must be >= replicas (2) (got 1)'],
    ['prod app with fewer than three replicas', { 'aks-platform:environment': 'prod', 'aks-platform:apps.api.replicas': 2 }, 'aks-platform:apps.api.replicas', 'prod needs at least 3 replicas (one per zone), got 2'],
    ['ephemeral OS disk that does not fit (AKS default 128 GiB on a 75 GiB temp disk)', { 'aks-platform:cluster.systemPool.osDiskSizeGb': undefined }, 'aks-platform:cluster.systemPool.osDiskSizeGb', 'not set, so AKS uses its default of 128 GiB for 2 vCPUs, which does not fit an ephemeral OS disk: Standard_D2ds_v5 holds at most 75 GiB'],
    ['ephemeral OS disk larger than the temp disk', { 'aks-platform:cluster.userPools': [{ name: 'memopt', vmSize: 'Standard_E2ds_v5', minCount: 0, maxCount: 2, osDiskType: 'Ephemeral', osDiskSizeGb: 100 }] }, 'aks-platform:cluster.userPools[0].osDiskSizeGb', '100 GiB does not fit an ephemeral OS disk: Standard_E2ds_v5 holds at most 75 GiB (cache none, temp 75); allowed: 30–75 GiB, or osDiskType Managed'],
    ['ephemeral OS disk on a size without a local disk', { 'aks-platform:cluster.userPools': [{ name: 'cpuopt', vmSize: 'Standard_D4s_v5', minCount: 0, maxCount: 2, osDiskType: 'Ephemeral' }] }, 'aks-platform:cluster.userPools[0].osDiskType', '"Ephemeral" needs a VM size with a local disk; Standard_D4s_v5 has none'],
    ['LTS without the Premium tier', { 'aks-platform:cluster.supportPlan': 'AKSLongTermSupport' }, 'aks-platform:cluster.supportPlan', '"AKSLongTermSupport" needs cluster.tier Premium (tier is Free)'],
    ['unknown phase', { 'aks-platform:phase': 'apps' }, 'aks-platform:phase', 'got "apps"; allowed: "infrastructure", "full"'],
    ['runner without its admin SSH key', { 'aks-platform:operationsRunner': { enabled: true, githubRepository: 'contoso/aks-platform' } }, 'aks-platform:operationsRunner.adminSshPublicKey', 'is required when the runner is enabled (password sign-in is off)'],
    ['runner with an SSH key Azure refuses', { 'aks-platform:operationsRunner': { enabled: true, githubRepository: 'contoso/aks-platform', adminSshPublicKey: 'ecdsa-sha2-nistp256 AAAAE2VjZHNh' } }, 'aks-platform:operationsRunner.adminSshPublicKey', 'key type "ecdsa-sha2-nistp256" is not accepted by Azure'],
    ['runner GitHub token in the stack config', { 'aks-platform:operationsRunner': { enabled: false, githubRepository: 'contoso/aks-platform', githubToken: 'ghp_must-not-be-echoed' } }, 'aks-platform:operationsRunner', 'githubToken is no longer read: a token in the stack config is readable by whoever can decrypt the stack'],
    ['app on the CriticalAddonsOnly system pool', { 'aks-platform:environment': 'prod', 'aks-platform:cluster.systemPool.onlyCriticalAddons': true, 'aks-platform:apps.api.replicas': 3, 'aks-platform:apps.api.maxReplicas': 4, 'aks-platform:apps.api.zoneSpread': 'required' }, 'aks-platform:apps.api.nodePool', '"system" is the system pool, tainted CriticalAddonsOnly for system add-ons only; allowed: memopt, cpuopt'],
    ['app on a pool that does not exist', { 'aks-platform:apps.api.nodePool': 'gpu' }, 'aks-platform:apps.api.nodePool', '"gpu" is not a pool apps can run on; allowed: system, memopt, cpuopt'],
  ];

  it.each(badConfigs)('rejects %s', (_label, overrides, key, words) => {
    const problems = problemsOf('dev', overrides);
    const match = problems.find((p) => p.startsWith(`${key}: `));
    expect({ problems, match: match?.includes(words) }).toEqual({ problems, match: true });
  });

  it('never prints the GitHub token it refuses', () => {
    const problems = problemsOf('dev', { 'aks-platform:operationsRunner': { enabled: false, githubRepository: 'contoso/aks-platform', githubToken: 'ghp_must-not-be-echoed' } });
    expect(problems.join('\n')).not.toContain('ghp_must-not-be-echoed');
  });

  it('accepts an app on a spot pool (the chart tolerates the spot taint)', () => {
    const cfg = load('dev', { 'aks-platform:apps.api.nodePool': 'memopt' });
    expect(cfg.apps.api.nodePool).toBe('memopt');
    expect(cfg.cluster.userPools[0].spot).toBe(true);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf('prod', { 'aks-platform:prefix': 'AKS', 'aks-platform:registry.sku': 'Ultra', 'aks-platform:cluster.tier': 'Gold' });
    expect(problems).toEqual([
      'aks-platform:prefix: got "AKS"; must be 2–10 lowercase letters or digits, starting with a letter',
      'aks-platform:cluster.tier: got "Gold"; allowed: "Free", "Standard", "Premium"',
      'aks-platform:registry.sku: got "Ultra"; allowed: "Basic", "Standard", "Premium"',
    ]);
  });
});

describe('date-dependent deploy rules (version calendar, VM size table), on an injected clock', () => {
  const on = (day: string) => () => new Date(`${day}T08:00:00Z`);

  it.each(['dev', 'prod'])('passes Pulumi.%s.yaml on 2026-12-01 with no warning', (stack) => {
    expect(deployRuleFindings(load(stack), on('2026-12-01'))).toEqual({ problems: [], warnings: [] });
  });

  it('rejects a version past end of life, naming the key, the value and the supported minors', () => {
    const cfg = load('prod', { 'aks-platform:cluster.kubernetesVersion': '1.33' });
    expect(() => checkDeployRules(cfg, on('2026-12-01'))).toThrow(ConfigValidationError);
    expect(deployRuleFindings(cfg, on('2026-12-01')).problems).toEqual([
      {
        key: 'aks-platform:cluster.kubernetesVersion',
        message: '"1.33" reached AKS end of life on 2026-07-31; it stays available until 2027-06-30 only with long-term support (cluster.tier: Premium and cluster.supportPlan: AKSLongTermSupport); supported on 2026-12-01: 1.35, 1.36, 1.37',
      },
    ]);
  });

  it('accepts the same version with long-term support (Premium + AKSLongTermSupport)', () => {
    const cfg = load('prod', { 'aks-platform:cluster.kubernetesVersion': '1.33', 'aks-platform:cluster.tier': 'Premium', 'aks-platform:cluster.supportPlan': 'AKSLongTermSupport' });
    expect(deployRuleFindings(cfg, on('2026-12-01')).problems).toEqual([]);
  });

  it('warns under 90 days before end of life, and refuses the day after', () => {
    const cfg = load('prod');
    expect(deployRuleFindings(cfg, on('2027-08-10')).warnings).toEqual([
      { key: 'aks-platform:cluster.kubernetesVersion', message: 'Kubernetes 1.37 reaches AKS end of life on 2027-10-31 (82 days left); upgrade to one of: (a newer minor)' },
    ]);
    expect(deployRuleFindings(cfg, on('2027-11-01')).problems.map((p) => p.key)).toEqual(['aks-platform:cluster.kubernetesVersion']);
  });

  it('warns, not fails, for a pool VM size the table does not know', () => {
    const cfg = load('dev', { 'aks-platform:cluster.userPools': [{ name: 'storage', vmSize: 'Standard_L8s_v3', minCount: 0, maxCount: 2, osDiskType: 'Ephemeral' }], 'aks-platform:apps.api.nodePool': 'storage', 'aks-platform:apps.agent.nodePool': 'storage', 'aks-platform:apps.frontend.nodePool': 'storage' });
    expect(deployRuleFindings(cfg, on('2026-12-01'))).toEqual({
      problems: [],
      warnings: [{ key: 'aks-platform:cluster.userPools[0].vmSize', message: expect.stringContaining('Standard_L8s_v3 is not in the VM size table') }],
    });
  });
});
