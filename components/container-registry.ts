import * as pulumi from '@pulumi/pulumi';
import { globalResourceName, regionShortName, resourceName } from '../lib/naming';
import { argProblemsMessage, knownValue } from '../lib/problems';
import { RegistrySku, registryArgProblems } from '../lib/container-registry';
import { PrivateEndpointPlacement, PrivateLink } from './private-link';
import { AzureComponentArgs } from '../lib/component-args';
import { Registry, Replication } from './pinned-api/container-registry';

/** Arguments of {@link ContainerRegistry}. */
export interface ContainerRegistryArgs extends AzureComponentArgs {
  /** SKU: `Basic`, `Standard` or `Premium`. Private endpoint, zone redundancy and retention need Premium. */
  sku: pulumi.Input<RegistrySku>;
  /**
   * Make the registry private (Premium only): public network access Disabled,
   * network rules default Deny, and a private endpoint in this subnet/zone.
   */
  privateEndpoint?: PrivateEndpointPlacement;
  /**
   * Make the registry private (Premium only) without an endpoint of its own: the callers
   * create one in each VNet that pulls (a geo-replicated registry has one per region, see
   * `RegionalStamp`). Implied by `privateEndpoint`. Default false.
   */
  privateNetworkOnly?: boolean;
  /**
   * With a private endpoint: let trusted Azure services (Microsoft Defender for
   * Containers image scanning, ACR Tasks) through the network rules. Default true.
   */
  allowTrustedServices?: pulumi.Input<boolean>;
  /** Zone-redundant registry storage (Premium only). Default false. */
  zoneRedundancy?: pulumi.Input<boolean>;
  /**
   * Geo-replicate the registry to these regions (Premium only; not the registry's own): each
   * region pulls from its local replica through its own private endpoint.
   */
  replicaLocations?: string[];
  /** Delete untagged manifests after this many days (1–365; Premium only). 0 or unset: no retention policy. */
  untaggedRetentionDays?: pulumi.Input<number>;
}

/**
 * An Azure Container Registry. The admin user and anonymous pull are always
 * off (not configurable): pushes use Entra tokens, AKS pulls with the kubelet
 * identity's AcrPull role. Premium adds dedicated data endpoints, and
 * optionally a private endpoint, zone redundancy and untagged-manifest retention.
 */
export class ContainerRegistry extends pulumi.ComponentResource {
  /** The registry (API 2025-11-01, stable: see lib/azure-api-versions.ts). */
  public readonly registry: Registry;
  /** ARM ID of the registry (scope of the AcrPull role assignment). */
  public readonly registryId: pulumi.Output<string>;
  /** Login server, e.g. `craksplatprodweuabc123.azurecr.io`. */
  public readonly loginServer: pulumi.Output<string>;
  /** Azure name of the registry. */
  public readonly name: pulumi.Output<string>;
  /** The geo-replications, one per `replicaLocations` entry. */
  public readonly replications: Replication[];
  /** The private endpoint, when the registry is private. */
  public readonly privateLink?: PrivateLink;
  /**
   * What a push or pull must wait for: the registry, and when it is private its
   * private endpoint's DNS zone group (before it, the login server resolves to the
   * disabled public endpoint).
   */
  public readonly readyForClients: pulumi.Resource[];

  constructor(name: string, args: ContainerRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:ContainerRegistry', name, {}, opts);

    const sku = knownValue(args.sku);
    const retentionDays = knownValue(args.untaggedRetentionDays);
    const problems = registryArgProblems({
      sku,
      privateEndpoint: args.privateEndpoint !== undefined || args.privateNetworkOnly === true,
      zoneRedundancy: knownValue(args.zoneRedundancy),
      untaggedRetentionDays: retentionDays,
    });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('ContainerRegistry', name, problems), this);

    const location = args.location ?? args.naming.location;
    const isPrivate = args.privateEndpoint !== undefined || args.privateNetworkOnly === true;
    const premium = pulumi.output(args.sku).apply((s) => s === 'Premium');
    const retention =
      args.untaggedRetentionDays === undefined || retentionDays === 0
        ? undefined
        : { retentionPolicy: { status: 'enabled' as const, days: args.untaggedRetentionDays } };

    this.registry = new Registry(
      `${name}-acr`,
      {
        registryName: globalResourceName(args.naming, 'containerRegistry'),
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { name: args.sku },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        // Dedicated data endpoints (Premium): clients can allow-list
        // `<registry>.<region>.data.azurecr.io` instead of `*.blob.core.windows.net`.
        dataEndpointEnabled: premium,
        zoneRedundancy: pulumi.output(args.zoneRedundancy ?? false).apply((on) => (on ? 'Enabled' : 'Disabled')),
        ...(isPrivate
          ? {
              publicNetworkAccess: 'Disabled',
              networkRuleSet: { defaultAction: 'Deny' },
              networkRuleBypassOptions: pulumi.output(args.allowTrustedServices ?? true).apply((allow) => (allow ? 'AzureServices' : 'None')),
              // Export needs public access; off, images cannot be exported out of a private registry.
              policies: { exportPolicy: { status: 'disabled' }, ...retention },
            }
          : { publicNetworkAccess: 'Enabled', ...(retention ? { policies: retention } : {}) }),
        tags: args.tags,
      },
      { parent: this },
    );

    if (args.privateEndpoint) {
      this.privateLink = new PrivateLink(
        `${name}-pl`,
        {
          resourceGroupName: args.resourceGroupName,
          location,
          ...args.privateEndpoint,
          targetResourceId: this.registry.id,
          groupId: 'registry',
          endpointName: resourceName(args.naming, 'privateEndpoint', 'acr'),
          tags: args.tags,
        },
        { parent: this },
      );
    }

    this.replications = (args.replicaLocations ?? []).map(
      (replicaLocation) =>
        new Replication(
          `${name}-replica-${regionShortName(replicaLocation)}`,
          {
            registryName: this.registry.name,
            resourceGroupName: args.resourceGroupName,
            replicationName: replicaLocation,
            location: replicaLocation,
            zoneRedundancy: pulumi.output(args.zoneRedundancy ?? false).apply((on) => (on ? 'Enabled' : 'Disabled')),
            regionEndpointEnabled: true,
            tags: args.tags,
          },
          { parent: this },
        ),
    );

    // A pull in a replica's region waits for the replica.
    this.readyForClients = [this.registry, ...(this.privateLink?.ready ?? []), ...this.replications];
    this.registryId = this.registry.id;
    this.loginServer = this.registry.loginServer;
    this.name = this.registry.name;
    this.registerOutputs({ registryId: this.registryId, loginServer: this.loginServer, name: this.name });
  }
}
