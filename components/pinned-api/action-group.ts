/**
 * `Microsoft.Insights/actionGroups` on the stable API version pinned in
 * lib/azure-api-versions.ts (2022-06-01), registered through azure-native's
 * parameterized package for that version instead of the SDK's default
 * (2024-10-01-preview). The input shape is the 2022-06-01 model's, limited to
 * the receivers the platform uses.
 */
import * as pulumi from '@pulumi/pulumi';
import { pinnedTypeToken } from '../../lib/azure-api-versions';
import { PinnedResource } from './package';

const AZURE_NATIVE_TYPE = 'azure-native:monitor:ActionGroup';

/** An e-mail receiver. */
export interface ActionGroupEmailReceiverArgs {
  /** Receiver name, unique in the group. */
  name: pulumi.Input<string>;
  /** E-mail address. */
  emailAddress: pulumi.Input<string>;
  /** Send the common alert schema. */
  useCommonAlertSchema?: pulumi.Input<boolean>;
}

/** A webhook receiver. */
export interface ActionGroupWebhookReceiverArgs {
  /** Receiver name, unique in the group. */
  name: pulumi.Input<string>;
  /** The https URI called. */
  serviceUri: pulumi.Input<string>;
  /** Send the common alert schema. */
  useCommonAlertSchema?: pulumi.Input<boolean>;
}

/** Inputs of {@link ActionGroup}. */
export interface ActionGroupArgs {
  /** Action group name. */
  actionGroupName: pulumi.Input<string>;
  /** Resource group. */
  resourceGroupName: pulumi.Input<string>;
  /** `global` (action groups are global resources). */
  location: pulumi.Input<string>;
  /** Short name (up to 12 characters) shown in SMS and e-mail. */
  groupShortName: pulumi.Input<string>;
  /** Whether the group notifies (default true). */
  enabled?: pulumi.Input<boolean>;
  /** E-mail receivers. */
  emailReceivers?: pulumi.Input<pulumi.Input<ActionGroupEmailReceiverArgs>[]>;
  /** Webhook receivers. */
  webhookReceivers?: pulumi.Input<pulumi.Input<ActionGroupWebhookReceiverArgs>[]>;
  /** ARM tags. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** An Azure Monitor action group created with API version 2022-06-01 (see the file comment). */
export class ActionGroup extends PinnedResource {
  /** The token this class registers, e.g. `azure-native_monitor_v20220601:monitor:ActionGroup`. */
  public static readonly __pulumiType: string = pinnedTypeToken(AZURE_NATIVE_TYPE);

  /** The Azure name. */
  declare public readonly name: pulumi.Output<string>;
  /** The API version the provider used (azure-native's own output). */
  declare public readonly azureApiVersion: pulumi.Output<string>;

  constructor(name: string, args: ActionGroupArgs, opts?: pulumi.CustomResourceOptions) {
    // azure-native's default for the type (enabled true); the same action group as the earlier
    // `azure-native:monitor:ActionGroup` (default API version): no replace.
    super(AZURE_NATIVE_TYPE, name, { enabled: true }, args, ['name', 'azureApiVersion'], opts);
  }
}
