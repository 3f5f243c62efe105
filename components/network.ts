import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import * as privatedns from '@pulumi/azure-native/privatedns';
import { resourceName } from '../lib/naming';
import { cidrProblem, cidrsOverlap } from '../lib/rules';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';
import { SUBNET_ROLES, SUBNET_ROLE_QUALIFIERS, SubnetRole, addressPlanProblems, nsgRulesFor, privateDnsZoneNameProblem } from '../lib/network';
import { AzureComponentArgs } from '../lib/component-args';
import { FIREWALL_SUBNET_NAME, firewallSubnetProblems } from '../lib/egress';

/** One subnet of the {@link Network}. */
export interface NetworkSubnetArgs {
  /** Subnet address range in CIDR notation, inside the VNet address space (e.g. `10.40.0.0/22`). */
  addressPrefix: pulumi.Input<string>;
  /** Azure name of the subnet; default `snet-<prefix>-<env>-<region>-<role>`. */
  name?: string;
}

/** Arguments of {@link Network}. */
export interface NetworkArgs extends AzureComponentArgs {
  /** VNet address space in CIDR notation (e.g. `10.40.0.0/16`). */
  addressSpace: pulumi.Input<string>;
  /** The three subnets: AKS nodes, private endpoints, operations (CI runner / jump host). */
  subnets: Record<SubnetRole, NetworkSubnetArgs>;
  /**
   * The AKS overlay pod CIDR (e.g. `192.168.0.0/16`): the nodes NSG allows it
   * inbound, since overlay pod-to-pod traffic carries pod source addresses.
   * Must not overlap the VNet.
   */
  clusterPodCidr?: string;
  /** Private DNS zones to create and link to the VNet, e.g. `privatelink.azurecr.io`. */
  privateDnsZones: string[];
  /**
   * Give the `operations` subnet explicit outbound access through a NAT
   * gateway with a static public IP (the operations runner needs GitHub and
   * package mirrors; new VNets have no default outbound access). Inbound stays
   * closed. Default false.
   */
  operationsNatGateway?: boolean;
  /**
   * Address range of the `AzureFirewallSubnet` (a /26 or larger inside the
   * VNet) for the {@link EgressFirewall}. When set, the network also creates
   * the nodes subnet's route table (associated before the cluster exists; the
   * egress firewall adds its 0.0.0.0/0 route). Leave out for no egress filtering.
   */
  firewallSubnetPrefix?: pulumi.Input<string>;
}

/**
 * The environment's virtual network: a VNet, one subnet per role each with its
 * own NSG, and the `privatelink.*` private DNS zones linked to the VNet.
 *
 * Subnets are separate `network.Subnet` resources (not inline in the VNet's
 * `subnets` array): each subnet ID is then the output of the resource that
 * creates it, so AKS and the private endpoints wait for their subnet, and a
 * change to one subnet is one targeted update. azure-native keeps existing
 * subnets when the VNet itself is updated without a `subnets` property, so the
 * two never fight. Azure rejects concurrent updates of subnets in one VNet
 * (`AnotherOperationInProgress`), so each subnet depends on the previous one.
 */
export class Network extends pulumi.ComponentResource {
  /** The virtual network. */
  public readonly vnet: network.VirtualNetwork;
  /** ARM ID of the VNet. */
  public readonly vnetId: pulumi.Output<string>;
  /** Azure name of the VNet. */
  public readonly vnetName: pulumi.Output<string>;
  /** Subnet IDs by role. */
  public readonly subnetIds: Record<SubnetRole, pulumi.Output<string>>;
  /** NSG IDs by subnet role. */
  public readonly nsgIds: Record<SubnetRole, pulumi.Output<string>>;
  /** Private DNS zone IDs by zone name. */
  public readonly privateDnsZoneIds: Record<string, pulumi.Output<string>>;
  /** The `AzureFirewallSubnet` (only with `firewallSubnetPrefix`). */
  public readonly firewallSubnet?: network.Subnet;
  /** ID of the `AzureFirewallSubnet` (only with `firewallSubnetPrefix`). */
  public readonly firewallSubnetId?: pulumi.Output<string>;
  /** The nodes subnet's route table (only with `firewallSubnetPrefix`). */
  public readonly nodesRouteTable?: network.RouteTable;
  /** The subnets by role. Everything that sets ownership on the VNet (AKS) waits for all of them. */
  public readonly subnets: Record<SubnetRole, network.Subnet>;
  /** The VNet link of each private DNS zone, by zone name: names resolve privately only once it exists. */
  public readonly privateDnsZoneLinks: Record<string, privatedns.VirtualNetworkLink>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:Network', name, {}, opts);

    const problems = networkArgProblems(args);
    if (problems.length > 0) {
      throw new pulumi.ResourceError(argProblemsMessage('Network', name, problems), this);
    }

    const location = args.location ?? args.naming.location;

    this.vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: resourceName(args.naming, 'virtualNetwork'),
        resourceGroupName: args.resourceGroupName,
        location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
        tags: args.tags,
      },
      { parent: this },
    );

    const subnetIds: Partial<Record<SubnetRole, pulumi.Output<string>>> = {};
    const nsgIds: Partial<Record<SubnetRole, pulumi.Output<string>>> = {};
    const subnets: Partial<Record<SubnetRole, network.Subnet>> = {};
    let natGatewayId: pulumi.Output<string> | undefined;
    if (args.operationsNatGateway) {
      const ip = new network.PublicIPAddress(
        `${name}-pip-ops-nat`,
        {
          publicIpAddressName: `pip-${args.naming.prefix}-${args.naming.environment}-ops-nat`,
          resourceGroupName: args.resourceGroupName,
          location,
          sku: { name: 'Standard', tier: 'Regional' },
          publicIPAllocationMethod: 'Static',
          tags: args.tags,
        },
        { parent: this },
      );
      natGatewayId = new network.NatGateway(
        `${name}-nat-ops`,
        {
          natGatewayName: `ng-${args.naming.prefix}-${args.naming.environment}-ops`,
          resourceGroupName: args.resourceGroupName,
          location,
          sku: { name: 'Standard' },
          publicIpAddresses: [{ id: ip.id }],
          idleTimeoutInMinutes: 10,
          tags: args.tags,
        },
        { parent: this },
      ).id;
    }

    // Routes are separate network.Route resources (the egress firewall adds
    // 0.0.0.0/0 once its private IP exists), as subnets are for the VNet.
    const routeTable = args.firewallSubnetPrefix !== undefined
      ? new network.RouteTable(
          `${name}-rt-nodes`,
          {
            routeTableName: resourceName(args.naming, 'routeTable', 'nodes'),
            resourceGroupName: args.resourceGroupName,
            location,
            // Only the routes defined here apply: no BGP-learned route bypasses the firewall.
            disableBgpRoutePropagation: true,
            tags: args.tags,
          },
          { parent: this },
        )
      : undefined;

    let previous: pulumi.Resource | undefined;
    for (const role of SUBNET_ROLES) {
      const qualifier = SUBNET_ROLE_QUALIFIERS[role];
      const nsg = new network.NetworkSecurityGroup(
        `${name}-nsg-${qualifier}`,
        {
          networkSecurityGroupName: resourceName(args.naming, 'networkSecurityGroup', qualifier),
          resourceGroupName: args.resourceGroupName,
          location,
          securityRules: nsgRulesFor(role, { podCidr: args.clusterPodCidr }),
          tags: args.tags,
        },
        { parent: this },
      );
      const subnet: network.Subnet = new network.Subnet(
        `${name}-snet-${qualifier}`,
        {
          subnetName: args.subnets[role].name ?? resourceName(args.naming, 'subnet', qualifier),
          virtualNetworkName: this.vnet.name,
          resourceGroupName: args.resourceGroupName,
          addressPrefix: args.subnets[role].addressPrefix,
          networkSecurityGroup: { id: nsg.id },
          // NSGs (and route tables) apply to private endpoints only with this on.
          ...(role === 'privateEndpoints' ? { privateEndpointNetworkPolicies: 'Enabled' } : {}),
          // The gateway's Private Link Service takes its NAT IP from the nodes subnet, which needs this off.
          ...(role === 'nodes' ? { privateLinkServiceNetworkPolicies: 'Disabled' } : {}),
          ...(role === 'operations' && natGatewayId ? { natGateway: { id: natGatewayId } } : {}),
          ...(role === 'nodes' && routeTable ? { routeTable: { id: routeTable.id } } : {}),
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      previous = subnet;
      subnets[role] = subnet;
      subnetIds[role] = subnet.id;
      nsgIds[role] = nsg.id;
    }
    if (args.firewallSubnetPrefix !== undefined) {
      // No NSG: Azure Firewall's subnet does not support one. Last in the
      // subnet chain (concurrent subnet updates in one VNet are rejected).
      this.firewallSubnet = new network.Subnet(
        `${name}-snet-firewall`,
        {
          subnetName: FIREWALL_SUBNET_NAME,
          virtualNetworkName: this.vnet.name,
          resourceGroupName: args.resourceGroupName,
          addressPrefix: args.firewallSubnetPrefix,
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      this.firewallSubnetId = this.firewallSubnet.id;
      this.nodesRouteTable = routeTable;
    }
    this.subnetIds = subnetIds as Record<SubnetRole, pulumi.Output<string>>;
    this.nsgIds = nsgIds as Record<SubnetRole, pulumi.Output<string>>;
    this.subnets = subnets as Record<SubnetRole, network.Subnet>;

    const zoneIds: Record<string, pulumi.Output<string>> = {};
    this.privateDnsZoneLinks = {};
    for (const zoneName of args.privateDnsZones) {
      const zone = new privatedns.PrivateZone(
        `${name}-zone-${zoneName}`,
        { privateZoneName: zoneName, resourceGroupName: args.resourceGroupName, location: 'global', tags: args.tags },
        { parent: this },
      );
      this.privateDnsZoneLinks[zoneName] = new privatedns.VirtualNetworkLink(
        `${name}-link-${zoneName}`,
        {
          virtualNetworkLinkName: resourceName(args.naming, 'virtualNetwork', 'link'),
          privateZoneName: zone.name,
          resourceGroupName: args.resourceGroupName,
          location: 'global',
          virtualNetwork: { id: this.vnet.id },
          // Private endpoints register their records through DNS zone groups;
          // VM auto-registration would mix node names into the service zones.
          registrationEnabled: false,
          tags: args.tags,
        },
        { parent: this },
      );
      zoneIds[zoneName] = zone.id;
    }
    this.privateDnsZoneIds = zoneIds;

    this.vnetId = this.vnet.id;
    this.vnetName = this.vnet.name;
    this.registerOutputs({
      vnetId: this.vnetId,
      vnetName: this.vnetName,
      subnetIds: this.subnetIds,
      nsgIds: this.nsgIds,
      privateDnsZoneIds: this.privateDnsZoneIds,
      firewallSubnetId: this.firewallSubnetId,
    });
  }
}

/** Every problem with {@link NetworkArgs} (plain values only; Outputs are trusted). */
export function networkArgProblems(args: NetworkArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  for (const role of SUBNET_ROLES) {
    if (!args.subnets?.[role]) {
      problems.push({ path: `subnets.${role}`, problem: `is required; the subnets are ${SUBNET_ROLES.join(', ')}` });
    }
  }
  const unknownRoles = Object.keys(args.subnets ?? {}).filter((k) => !(SUBNET_ROLES as readonly string[]).includes(k));
  for (const role of unknownRoles) {
    problems.push({ path: `subnets.${role}`, problem: `is not a subnet role; allowed: ${SUBNET_ROLES.join(', ')}` });
  }
  problems.push(
    ...addressPlanProblems(
      'addressSpace',
      knownValue(args.addressSpace),
      [
        ...SUBNET_ROLES.filter((role) => args.subnets?.[role]).map((role) => [`subnets.${role}.addressPrefix`, knownValue(args.subnets[role].addressPrefix)] as const),
        ...(args.firewallSubnetPrefix !== undefined ? [['firewallSubnetPrefix', knownValue(args.firewallSubnetPrefix)] as const] : []),
      ],
    ),
  );
  const firewallPrefix = knownValue(args.firewallSubnetPrefix);
  if (firewallPrefix !== undefined && !cidrProblem(firewallPrefix)) problems.push(...firewallSubnetProblems('firewallSubnetPrefix', firewallPrefix));
  if (args.clusterPodCidr !== undefined) {
    const problem = cidrProblem(args.clusterPodCidr);
    const space = knownValue(args.addressSpace);
    if (problem) problems.push({ path: 'clusterPodCidr', problem });
    else if (space !== undefined && !cidrProblem(space) && cidrsOverlap(space, args.clusterPodCidr)) {
      problems.push({ path: 'clusterPodCidr', problem: `"${args.clusterPodCidr}" overlaps the VNet address space ${space}; the overlay pod CIDR must be outside the VNet` });
    }
  }
  const seen = new Set<string>();
  args.privateDnsZones.forEach((zone, i) => {
    const problem = privateDnsZoneNameProblem(zone);
    if (problem) problems.push({ path: `privateDnsZones[${i}]`, problem });
    else if (seen.has(zone)) problems.push({ path: `privateDnsZones[${i}]`, problem: `"${zone}" is listed twice` });
    seen.add(zone);
  });
  return problems;
}
