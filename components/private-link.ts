import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';

/** Where a component puts its private endpoint: the PE subnet and the matching `privatelink.*` DNS zone. */
export interface PrivateEndpointPlacement {
  /** ID of the subnet that hosts private endpoints (the VNet's `privateEndpoints` subnet). */
  subnetId: pulumi.Input<string>;
  /** ID of the service's `privatelink.*` private DNS zone (linked to the VNet). */
  privateDnsZoneId: pulumi.Input<string>;
}

/** Arguments of {@link PrivateLink}. */
export interface PrivateLinkArgs extends PrivateEndpointPlacement {
  /** Resource group the private endpoint is created in. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the private endpoint (the VNet's region). */
  location: pulumi.Input<string>;
  /** ARM ID of the resource to reach privately (registry, vault, server, cache...). */
  targetResourceId: pulumi.Input<string>;
  /**
   * Private-link sub-resource (group id) of the target: `registry`, `vault`,
   * `postgresqlServer`, `redisEnterprise` or `redisCache`.
   */
  groupId: pulumi.Input<string>;
  /** Azure name of the private endpoint (e.g. `pe-aksplat-prod-weu-acr`). */
  endpointName: pulumi.Input<string>;
  /** Tags for the endpoint. */
  tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A private endpoint for one Azure resource, with its DNS zone group so the
 * resource's public name resolves to the private IP inside the VNet.
 */
export class PrivateLink extends pulumi.ComponentResource {
  /** The private endpoint. */
  public readonly endpoint: network.PrivateEndpoint;
  /** ARM ID of the private endpoint. */
  public readonly endpointId: pulumi.Output<string>;
  /** The DNS zone group: it writes the endpoint's A record into the `privatelink.*` zone. */
  public readonly dnsZoneGroup: network.PrivateDnsZoneGroup;
  /**
   * What a client of the service must wait for before it connects by name from the VNet:
   * the endpoint and its DNS record (the zone group). See lib/create-order.ts.
   */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: PrivateLinkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:PrivateLink', name, {}, opts);

    this.endpoint = new network.PrivateEndpoint(
      `${name}-pe`,
      {
        privateEndpointName: args.endpointName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        subnet: { id: args.subnetId },
        customNetworkInterfaceName: pulumi.interpolate`${args.endpointName}-nic`,
        privateLinkServiceConnections: [
          {
            name: args.endpointName,
            privateLinkServiceId: args.targetResourceId,
            groupIds: [args.groupId],
          },
        ],
        tags: args.tags,
      },
      { parent: this },
    );

    this.dnsZoneGroup = new network.PrivateDnsZoneGroup(
      `${name}-dns`,
      {
        privateDnsZoneGroupName: 'default',
        privateEndpointName: this.endpoint.name,
        resourceGroupName: args.resourceGroupName,
        privateDnsZoneConfigs: [{ name: args.groupId, privateDnsZoneId: args.privateDnsZoneId }],
      },
      { parent: this },
    );

    this.endpointId = this.endpoint.id;
    this.ready = [this.endpoint, this.dnsZoneGroup];
    this.registerOutputs({ endpointId: this.endpointId });
  }
}
