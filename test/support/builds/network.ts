/**
 * The Network builds of test/network.test.ts, made once per jest run on the program-run server and
 * cached with its runs (offline/run-stack.ts, `build`): each build constructs the network under the
 * mocks (stack `prod`) and returns it. The arguments are exported for the test's refused-argument
 * cases, which construct in the test file.
 */
import type { NetworkArgs } from '../../../components/network';
import { naming, tags } from './common';

export { naming, tags };
export const ZONES = ['privatelink.azurecr.io', 'privatelink.vaultcore.azure.net'];

export function baseArgs(overrides: Partial<NetworkArgs> = {}): NetworkArgs {
  return {
    naming,
    resourceGroupName: 'rg-aksplat-prod-weu',
    addressSpace: '10.40.0.0/16',
    subnets: {
      nodes: { addressPrefix: '10.40.0.0/22' },
      privateEndpoints: { addressPrefix: '10.40.4.0/24' },
      operations: { addressPrefix: '10.40.5.0/27' },
    },
    privateDnsZones: ZONES,
    clusterPodCidr: '192.168.0.0/16',
    tags,
    ...overrides,
  };
}

/** Loaded when a build runs, after the mocks are installed. */
const network = async (name: string, args: NetworkArgs) => new (await import('../../../components/network')).Network(name, args);

/** The builds, by name (offline/run-stack.ts `ComponentBuilds`). */
export const builds = {
  /** baseArgs(), for the tests that read it. */
  net: () => network('net', baseArgs()),
  nopod: () => network('nopod', baseArgs({ clusterPodCidr: undefined })),
  /** Caller-given subnet names and location. */
  named: () => {
    const args = baseArgs();
    args.location = 'northeurope';
    args.subnets.nodes = { addressPrefix: '10.40.0.0/22', name: 'aks-nodes' };
    return network('named', args);
  },
  /** The address space as an Output (validated only when plain). */
  out: async () => {
    const sdk = await import('@pulumi/pulumi');
    const args = baseArgs();
    args.addressSpace = sdk.output('10.40.0.0/16');
    return network('out', args);
  },
};
