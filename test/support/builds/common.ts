/**
 * What the component builds of this folder share: a prod deployment's name parts and tags, and the
 * private-endpoint subnet the data services attach to. Frozen: every build and test reads the same
 * objects, so a change would leak into the others.
 */
import type { NameParts } from '../../../lib/naming';

export const naming: NameParts = Object.freeze({ prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' });
export const tags = Object.freeze({ environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1', 'managed-by': 'pulumi' });
/** The subnet of the data services' private endpoints. */
export const PE_SUBNET = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe';
