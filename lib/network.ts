/**
 * Pure rules for the platform network: the subnet roles, the address-plan
 * checks and the NSG rule sets per role. The `Network` component turns these
 * into Azure resources; the tests check them with tables.
 */
import { ArgProblem } from './problems';
import { cidrContains, cidrProblem, cidrsOverlap } from './rules';

/** The subnets every environment has. */
export const SUBNET_ROLES = ['nodes', 'privateEndpoints', 'operations'] as const;

export type SubnetRole = (typeof SUBNET_ROLES)[number];

/** Short qualifier of each role in Azure names (`snet-aksplat-prod-weu-nodes`, `nsg-…-pe`). */
export const SUBNET_ROLE_QUALIFIERS: Readonly<Record<SubnetRole, string>> = {
  nodes: 'nodes',
  privateEndpoints: 'pe',
  operations: 'ops',
};

/**
 * Checks an address plan: the VNet address space and each subnet are IPv4
 * network CIDRs, every subnet lies inside the address space and no two subnets
 * overlap. `subnets` maps an argument path (e.g. `subnets.nodes.addressPrefix`)
 * to its CIDR; `undefined` entries (values not known yet) are skipped.
 */
export function addressPlanProblems(
  addressSpacePath: string,
  addressSpace: string | undefined,
  subnets: ReadonlyArray<readonly [path: string, cidr: string | undefined]>,
): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const spaceOk = addressSpace !== undefined && cidrProblem(addressSpace) === undefined;
  if (addressSpace !== undefined && !spaceOk) {
    problems.push({ path: addressSpacePath, problem: cidrProblem(addressSpace)! });
  }
  const valid: Array<readonly [string, string]> = [];
  for (const [path, cidr] of subnets) {
    if (cidr === undefined) continue;
    const problem = cidrProblem(cidr);
    if (problem) {
      problems.push({ path, problem });
      continue;
    }
    const prefix = Number(cidr.split('/')[1]);
    if (prefix > 29) {
      problems.push({ path, problem: `"${cidr}" is a /${prefix}; Azure subnets are /29 or larger (Azure reserves 5 addresses per subnet)` });
      continue;
    }
    if (spaceOk && !cidrContains(addressSpace!, cidr)) {
      problems.push({ path, problem: `"${cidr}" is not inside the VNet address space ${addressSpace} (${addressSpacePath})` });
      continue;
    }
    const clash = valid.find(([, other]) => cidrsOverlap(other, cidr));
    if (clash) {
      problems.push({ path, problem: `"${cidr}" overlaps ${clash[0]} (${clash[1]}); subnets must not overlap` });
      continue;
    }
    valid.push([path, cidr]);
  }
  return problems;
}

/**
 * Private DNS zone names: lowercase DNS names; the platform's zones are the
 * `privatelink.*` zones of Private Link (e.g. `privatelink.azurecr.io`).
 */
export function privateDnsZoneNameProblem(zone: string): string | undefined {
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(zone)) {
    return `"${zone}" is not a lowercase DNS zone name such as privatelink.azurecr.io`;
  }
  if (!zone.startsWith('privatelink.')) {
    return `"${zone}" is not a Private Link zone; allowed zones start with "privatelink." (e.g. privatelink.vaultcore.azure.net)`;
  }
  return undefined;
}

/** One NSG security rule, in the shape of azure-native `network.SecurityRuleArgs`. */
export interface NsgRule {
  name: string;
  description: string;
  priority: number;
  direction: 'Inbound' | 'Outbound';
  access: 'Allow' | 'Deny';
  protocol: 'Tcp' | 'Udp' | '*';
  sourceAddressPrefix: string;
  sourcePortRange: string;
  destinationAddressPrefix: string;
  destinationPortRange?: string;
  destinationPortRanges?: string[];
}

/**
 * The lowest-precedence custom priority (Azure allows 100–4096). The explicit
 * deny rules sit here, so every allow rule a later change adds wins over them
 * while the deny still beats Azure's default allow rules (65000+).
 */
export const NSG_DENY_PRIORITY = 4096;

const denyInternetInbound: NsgRule = {
  name: 'DenyInternetInbound',
  description: 'Explicitly deny all other inbound traffic from the Internet',
  priority: NSG_DENY_PRIORITY,
  direction: 'Inbound',
  access: 'Deny',
  protocol: '*',
  sourceAddressPrefix: 'Internet',
  sourcePortRange: '*',
  destinationAddressPrefix: '*',
  destinationPortRange: '*',
};

/** Options of {@link nsgRulesFor}. */
export interface NsgRuleOptions {
  /**
   * AKS overlay pod CIDR. With Azure CNI overlay, pod-to-pod traffic between
   * nodes is not encapsulated, so the nodes subnet NSG sees pod source
   * addresses outside the VNet; they are allowed explicitly.
   */
  podCidr?: string;
}

/**
 * Inbound rules per subnet role (outbound keeps Azure's defaults).
 * - nodes: nothing from the Internet: the only public entry is Front Door, which
 *   reaches the gateway's internal load balancer through a Private Link Service
 *   (VNet traffic); Azure's load-balancer health probes must reach the nodes; pods
 *   (overlay CIDR) reach each other; everything else from the Internet is denied.
 * - privateEndpoints: only the VNet (and peered networks) may connect.
 * - operations: the runner / jump host is reached through the VNet only — no
 *   RDP, SSH or anything else from the Internet (CKV_AZURE_9/10).
 */
export function nsgRulesFor(role: SubnetRole, options: NsgRuleOptions = {}): NsgRule[] {
  switch (role) {
    case 'nodes':
      return [
        {
          name: 'AllowAzureLoadBalancerInbound',
          description: 'Azure load balancer health probes',
          priority: 110,
          direction: 'Inbound',
          access: 'Allow',
          protocol: '*',
          sourceAddressPrefix: 'AzureLoadBalancer',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRange: '*',
        },
        ...(options.podCidr
          ? [
              {
                name: 'AllowPodCidrInbound',
                description: 'Pod-to-pod traffic of the AKS overlay network (not encapsulated)',
                priority: 120,
                direction: 'Inbound' as const,
                access: 'Allow' as const,
                protocol: '*' as const,
                sourceAddressPrefix: options.podCidr,
                sourcePortRange: '*',
                destinationAddressPrefix: '*',
                destinationPortRange: '*',
              },
            ]
          : []),
        denyInternetInbound,
      ];
    case 'privateEndpoints':
      return [
        {
          name: 'AllowVirtualNetworkInbound',
          description: 'Private endpoints are reached from the VNet only',
          priority: 100,
          direction: 'Inbound',
          access: 'Allow',
          protocol: '*',
          sourceAddressPrefix: 'VirtualNetwork',
          sourcePortRange: '*',
          destinationAddressPrefix: 'VirtualNetwork',
          destinationPortRange: '*',
        },
        {
          name: 'DenyAllInbound',
          description: 'Deny every other inbound source (Internet, load balancer)',
          priority: NSG_DENY_PRIORITY,
          direction: 'Inbound',
          access: 'Deny',
          protocol: '*',
          sourceAddressPrefix: '*',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRange: '*',
        },
      ];
    case 'operations':
      return [
        {
          name: 'DenyRdpSshFromInternet',
          description: 'No RDP or SSH from the Internet (CKV_AZURE_9, CKV_AZURE_10); use the VNet or Bastion',
          priority: 100,
          direction: 'Inbound',
          access: 'Deny',
          protocol: '*',
          sourceAddressPrefix: 'Internet',
          sourcePortRange: '*',
          destinationAddressPrefix: '*',
          destinationPortRanges: ['22', '3389'],
        },
        denyInternetInbound,
      ];
  }
}
