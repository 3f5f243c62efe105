/**
 * Arguments every Azure component of the library takes: where its resources
 * go and what they are called and tagged.
 */
import * as pulumi from '@pulumi/pulumi';
import { NameParts } from './naming';

/** Placement, naming and tags, shared by the args of every Azure component. */
export interface AzureComponentArgs {
  /** Naming parts (prefix, environment, region, unique suffix); every child's Azure name is derived from them (lib/naming.ts). */
  naming: NameParts;
  /** Resource group of the component's resources. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region; default `naming.location`. */
  location?: pulumi.Input<string>;
  /** Tags for every taggable child: the five required tags (lib/tags.ts `standardTags`). */
  tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
