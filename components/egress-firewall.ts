import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import { resourceName } from '../lib/naming';
import { AzureComponentArgs } from '../lib/component-args';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import { AKS_FQDN_TAG, EGRESS_FQDNS, FIREWALL_SKUS, FirewallSku, NTP_RULE, RULE_COLLECTION_GROUP_PRIORITY } from '../lib/egress';

/** Arguments of {@link EgressFirewall}. */
export interface EgressFirewallArgs extends AzureComponentArgs {
  /** ID of the VNet's `AzureFirewallSubnet` (a /26 or larger; see `Network.firewallSubnetId`). */
  firewallSubnetId: pulumi.Input<string>;
  /** Name of the nodes subnet's route table; the firewall adds its `0.0.0.0/0` route to it. */
  nodesRouteTableName: pulumi.Input<string>;
  /** Address ranges allowed out through the firewall (the nodes subnet; pods are SNATed to node IPs). */
  sourceAddresses: pulumi.Input<string>[];
  /** Firewall SKU tier: `Standard` (default) or `Premium` (lib/egress.ts explains why not Basic). */
  sku?: FirewallSku;
  /** Further FQDNs allowed on HTTPS, e.g. the registry's login server and data endpoint when it is public. */
  extraFqdns?: pulumi.Input<string[]>;
  /** Availability zones of the firewall and its public IP (e.g. `["1","2","3"]`); empty for none. */
  zones?: string[];
}

/**
 * Restricted egress for the AKS nodes, as in aks-baseline: an Azure Firewall
 * (with a Standard static public IP) in the VNet's `AzureFirewallSubnet`, a
 * firewall policy that allows the AKS FQDN tag, the platform's FQDN allow-list
 * (lib/egress.ts) on HTTPS and NTP, and the `0.0.0.0/0` route of the nodes
 * subnet to the firewall's private IP. Everything else is denied (the
 * firewall's default). The cluster uses `outboundType: userDefinedRouting` and
 * must depend on this component, so the route exists before it is created.
 */
export class EgressFirewall extends pulumi.ComponentResource {
  /** The firewall. */
  public readonly firewall: network.AzureFirewall;
  /** The firewall's private IP: the next hop of the nodes' default route. */
  public readonly privateIp: pulumi.Output<string>;
  /** The firewall's public IP address (the nodes' egress address). */
  public readonly publicIp: pulumi.Output<string>;
  /** The nodes' default route (`0.0.0.0/0` → the firewall). */
  public readonly defaultRoute: network.Route;

  constructor(name: string, args: EgressFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:EgressFirewall', name, {}, opts);

    const problems = egressFirewallArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('EgressFirewall', name, problems), this);

    const location = args.location ?? args.naming.location;
    const sku = args.sku ?? 'Standard';
    const zones = args.zones && args.zones.length > 0 ? args.zones : undefined;

    const ip = new network.PublicIPAddress(
      `${name}-pip`,
      {
        publicIpAddressName: resourceName(args.naming, 'publicIp', 'fw'),
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { name: 'Standard', tier: 'Regional' },
        publicIPAllocationMethod: 'Static',
        zones,
        tags: args.tags,
      },
      { parent: this },
    );

    const policy = new network.FirewallPolicy(
      `${name}-policy`,
      {
        firewallPolicyName: resourceName(args.naming, 'firewallPolicy'),
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { tier: sku },
        threatIntelMode: 'Deny',
        // DNS proxy: the firewall resolves FQDNs the same way the nodes do.
        dnsSettings: { enableProxy: true },
        tags: args.tags,
      },
      { parent: this },
    );

    const networkRules = new network.FirewallPolicyRuleCollectionGroup(
      `${name}-rcg-network`,
      {
        ruleCollectionGroupName: 'aks-network',
        firewallPolicyName: policy.name,
        resourceGroupName: args.resourceGroupName,
        priority: RULE_COLLECTION_GROUP_PRIORITY.network,
        ruleCollections: [
          {
            ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
            name: 'aks-required-network',
            priority: 100,
            action: { type: 'Allow' },
            rules: [
              {
                ruleType: 'NetworkRule',
                name: 'ntp',
                description: `Node time sync (UDP ${NTP_RULE.port}); ${NTP_RULE.source}`,
                ipProtocols: [NTP_RULE.protocol],
                sourceAddresses: args.sourceAddresses,
                destinationAddresses: ['*'],
                destinationPorts: [String(NTP_RULE.port)],
              },
            ],
          },
        ],
      },
      { parent: this },
    );

    // Rule collection groups of one policy are updated one at a time.
    const applicationRules = new network.FirewallPolicyRuleCollectionGroup(
      `${name}-rcg-application`,
      {
        ruleCollectionGroupName: 'aks-application',
        firewallPolicyName: policy.name,
        resourceGroupName: args.resourceGroupName,
        priority: RULE_COLLECTION_GROUP_PRIORITY.application,
        ruleCollections: [
          {
            ruleCollectionType: 'FirewallPolicyFilterRuleCollection',
            name: 'aks-required-fqdns',
            priority: 100,
            action: { type: 'Allow' },
            rules: [
              {
                ruleType: 'ApplicationRule',
                name: 'aks-fqdn-tag',
                description: 'The FQDNs AKS requires (Microsoft-maintained FQDN tag)',
                sourceAddresses: args.sourceAddresses,
                fqdnTags: [AKS_FQDN_TAG],
                protocols: [{ protocolType: 'Https', port: 443 }, { protocolType: 'Http', port: 80 }],
              },
              {
                ruleType: 'ApplicationRule',
                name: 'platform-fqdns',
                description: 'AKS, Azure Monitor, Azure Policy and Key Vault endpoints the platform uses (lib/egress.ts)',
                sourceAddresses: args.sourceAddresses,
                targetFqdns: pulumi.output(args.extraFqdns ?? []).apply((extra) => [...EGRESS_FQDNS.map((f) => f.fqdn), ...extra]),
                protocols: [{ protocolType: 'Https', port: 443 }],
              },
            ],
          },
        ],
      },
      { parent: this, dependsOn: [networkRules] },
    );

    this.firewall = new network.AzureFirewall(
      `${name}-firewall`,
      {
        azureFirewallName: resourceName(args.naming, 'firewall'),
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { name: 'AZFW_VNet', tier: sku },
        firewallPolicy: { id: policy.id },
        ipConfigurations: [{ name: 'ipconfig', subnet: { id: args.firewallSubnetId }, publicIPAddress: { id: ip.id } }],
        zones,
        tags: args.tags,
      },
      { parent: this, dependsOn: [networkRules, applicationRules] },
    );

    this.privateIp = this.firewall.ipConfigurations.apply((configs) => {
      const address = configs?.[0]?.privateIPAddress;
      if (!address) throw new Error(`EgressFirewall "${name}": the firewall has no private IP address`);
      return address;
    });
    this.publicIp = ip.ipAddress.apply((a) => a ?? '');

    this.defaultRoute = new network.Route(
      `${name}-route-default`,
      {
        routeName: 'default-to-firewall',
        routeTableName: args.nodesRouteTableName,
        resourceGroupName: args.resourceGroupName,
        addressPrefix: '0.0.0.0/0',
        nextHopType: 'VirtualAppliance',
        nextHopIpAddress: this.privateIp,
      },
      { parent: this },
    );

    this.registerOutputs({ privateIp: this.privateIp, publicIp: this.publicIp, firewallId: this.firewall.id, defaultRouteId: this.defaultRoute.id });
  }
}

/** Every problem with {@link EgressFirewallArgs} (plain values only). */
export function egressFirewallArgProblems(args: EgressFirewallArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (args.sku !== undefined && !(FIREWALL_SKUS as readonly string[]).includes(args.sku)) {
    problems.push({ path: 'sku', problem: `"${args.sku}" is not supported; allowed: ${FIREWALL_SKUS.join(', ')}` });
  }
  if (args.sourceAddresses.length === 0) problems.push({ path: 'sourceAddresses', problem: 'is empty; give the nodes subnet range' });
  return problems;
}
