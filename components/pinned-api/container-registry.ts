/**
 * `Microsoft.ContainerRegistry/registries` on the stable API version pinned in
 * lib/azure-api-versions.ts (2025-11-01), registered through azure-native's
 * parameterized package for that version instead of the SDK's default
 * (2023-01-01-preview). The input shape is the 2025-11-01 model's, limited to
 * the properties the platform sets; the provider validates and sends them.
 */
import * as pulumi from '@pulumi/pulumi';
import { pinnedTypeToken } from '../../lib/azure-api-versions';
import { PinnedResource } from './package';

const AZURE_NATIVE_TYPE = 'azure-native:containerregistry:Registry';

/** Network rules of a registry (2025-11-01 `NetworkRuleSet`). */
export interface RegistryNetworkRuleSetArgs {
  /** What traffic that matches no rule gets: `Allow` or `Deny`. */
  defaultAction: pulumi.Input<'Allow' | 'Deny'>;
  /** Public IPv4 addresses or CIDR ranges allowed when the default action is Deny. */
  ipRules?: pulumi.Input<pulumi.Input<{ action?: pulumi.Input<'Allow'>; iPAddressOrRange: pulumi.Input<string> }>[]>;
}

/** An enabled/disabled policy (`exportPolicy`). */
export interface RegistryStatusPolicyArgs {
  /** `enabled` or `disabled`. */
  status?: pulumi.Input<'enabled' | 'disabled'>;
}

/** Untagged-manifest retention (`retentionPolicy`, Premium). */
export interface RegistryRetentionPolicyArgs {
  /** Days after which untagged manifests are deleted. */
  days?: pulumi.Input<number>;
  /** `enabled` or `disabled`. */
  status?: pulumi.Input<'enabled' | 'disabled'>;
}

/** Registry policies (2025-11-01 `Policies`, the ones the platform sets). */
export interface RegistryPoliciesArgs {
  /** Whether images may be exported (needs public network access). */
  exportPolicy?: pulumi.Input<RegistryStatusPolicyArgs>;
  /** Untagged-manifest retention. */
  retentionPolicy?: pulumi.Input<RegistryRetentionPolicyArgs>;
}

/** Inputs of {@link Registry}. */
export interface RegistryArgs {
  /** Registry name (5–50 alphanumerics, globally unique). */
  registryName: pulumi.Input<string>;
  /** Resource group. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region. */
  location: pulumi.Input<string>;
  /** SKU: `{ name: 'Basic' | 'Standard' | 'Premium' }`. */
  sku: pulumi.Input<{ name: pulumi.Input<string> }>;
  /** The admin user (default false). */
  adminUserEnabled?: pulumi.Input<boolean>;
  /** Anonymous (unauthenticated) pull (default false). */
  anonymousPullEnabled?: pulumi.Input<boolean>;
  /** Dedicated data endpoints (Premium). */
  dataEndpointEnabled?: pulumi.Input<boolean>;
  /** `Enabled` (default) or `Disabled`. */
  publicNetworkAccess?: pulumi.Input<'Enabled' | 'Disabled'>;
  /** Network rules. */
  networkRuleSet?: pulumi.Input<RegistryNetworkRuleSetArgs>;
  /** Which trusted services pass the network rules: `AzureServices` (default) or `None`. */
  networkRuleBypassOptions?: pulumi.Input<'AzureServices' | 'None'>;
  /** Policies. */
  policies?: pulumi.Input<RegistryPoliciesArgs>;
  /** `Enabled` or `Disabled` (default). */
  zoneRedundancy?: pulumi.Input<'Enabled' | 'Disabled'>;
  /** ARM tags. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An Azure Container Registry created with API version 2025-11-01 (see the file comment). */
export class Registry extends PinnedResource {
  /** The token this class registers, e.g. `azure-native_containerregistry_v20251101:containerregistry:Registry`. */
  public static readonly __pulumiType: string = pinnedTypeToken(AZURE_NATIVE_TYPE);

  /** The Azure name. */
  declare public readonly name: pulumi.Output<string>;
  /** Login server, e.g. `craksplatprodweuabc123.azurecr.io`. */
  declare public readonly loginServer: pulumi.Output<string>;
  /** Provisioning state. */
  declare public readonly provisioningState: pulumi.Output<string>;
  /** The API version the provider used (azure-native's own output). */
  declare public readonly azureApiVersion: pulumi.Output<string>;

  constructor(name: string, args: RegistryArgs, opts?: pulumi.CustomResourceOptions) {
    // The defaults azure-native applies for this type, so the inputs stay what the
    // previous (default-version) resource had and the move is not an update; the same
    // registry as the earlier `azure-native:containerregistry:Registry`: no replace.
    const defaults = { adminUserEnabled: false, anonymousPullEnabled: false, networkRuleBypassOptions: 'AzureServices', publicNetworkAccess: 'Enabled', zoneRedundancy: 'Disabled' };
    super(AZURE_NATIVE_TYPE, name, defaults, args, ['name', 'loginServer', 'provisioningState', 'azureApiVersion'], opts);
  }
}

const REPLICATION_TYPE = 'azure-native:containerregistry:Replication';

/** Inputs of {@link Replication}. */
export interface ReplicationArgs {
  /** The registry's name. */
  registryName: pulumi.Input<string>;
  /** The registry's resource group. */
  resourceGroupName: pulumi.Input<string>;
  /** Replica name (the region, by convention). */
  replicationName: pulumi.Input<string>;
  /** Region of the replica. */
  location: pulumi.Input<string>;
  /** `Enabled` or `Disabled` (default). */
  zoneRedundancy?: pulumi.Input<'Enabled' | 'Disabled'>;
  /** Route data requests to this replica's regional endpoint (default true). */
  regionEndpointEnabled?: pulumi.Input<boolean>;
  /** ARM tags. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A geo-replica of a registry, created with API version 2025-11-01 (the registry's). */
export class Replication extends PinnedResource {
  /** The token this class registers: `azure-native_containerregistry_v20251101:containerregistry:Replication`. */
  public static readonly __pulumiType: string = pinnedTypeToken(REPLICATION_TYPE);

  /** The Azure name. */
  declare public readonly name: pulumi.Output<string>;
  /** The API version the provider used (azure-native's own output). */
  declare public readonly azureApiVersion: pulumi.Output<string>;

  constructor(name: string, args: ReplicationArgs, opts?: pulumi.CustomResourceOptions) {
    // azure-native's defaults for the type.
    super(REPLICATION_TYPE, name, { regionEndpointEnabled: true, zoneRedundancy: 'Disabled' }, args, ['name', 'azureApiVersion'], opts);
  }
}
