/**
 * The KeyVault, WorkloadIdentity and data-service builds of test/key-vault.test.ts, made once per
 * jest run on the program-run server and cached with its runs (offline/run-stack.ts, `build`):
 * each build constructs components under the mocks (stack `test`) and returns the one whose outputs
 * the test reads. The arguments are exported for the test's refused-argument cases, which construct
 * in the test file.
 */
import * as pulumi from '@pulumi/pulumi';
import { MOCK_CLIENT_OBJECT_ID, MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from '../../../offline/recorded';
import type { KeyVaultArgs } from '../../../components/key-vault';
import { naming, PE_SUBNET, tags } from './common';

export { PE_SUBNET as SUBNET, tags as TAGS };
export const ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net';
export const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster/';
export const SECRETS_USER = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
export const API_PRINCIPAL = '0a0a0a0a-0000-4000-8000-00000000a001';
export const AGENT_PRINCIPAL = '0a0a0a0a-0000-4000-8000-00000000a002';
export const SECRETS_OFFICER = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7`;

export function prodArgs(): KeyVaultArgs {
  return {
    naming,
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags,
    tenantId: MOCK_TENANT_ID,
    softDeleteRetentionDays: 90,
    privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: ZONE },
    secrets: [
      { name: 'postgres-password', value: pulumi.secret('mock-secret-pg') },
      { name: 'redis-password', value: pulumi.secret('mock-secret-redis'), contentType: 'redis-access-key' },
    ],
    deployerObjectId: MOCK_CLIENT_OBJECT_ID,
    deployerPrincipalType: 'ServicePrincipal',
    // The api reads one secret, the agent none: one assignment, on that secret only.
    secretReaders: [
      { name: 'api', principalId: API_PRINCIPAL, secrets: ['postgres-password'] },
      { name: 'agent', principalId: AGENT_PRINCIPAL, secrets: [] },
    ],
    protect: true,
  };
}

/** Loaded when a build runs, after the mocks are installed. */
const vault = async (args: KeyVaultArgs) => new (await import('../../../components/key-vault')).KeyVault('kv', args);

/** The builds, by name (offline/run-stack.ts `ComponentBuilds`). */
export const builds = {
  prod: () => vault(prodArgs()),
  /** Without a private endpoint: the public endpoint behind the firewall. */
  dev: () =>
    vault({
      ...prodArgs(),
      privateEndpoint: undefined,
      allowedIpRanges: ['203.0.113.10', '198.51.100.0/24'],
      sku: 'premium',
      softDeleteRetentionDays: 7,
      protect: false,
    }),
  /** A plain (non-secret) secret value. */
  plain: () => vault({ ...prodArgs(), secrets: [{ name: 'postgres-password', value: 'plain-text' }] }),
  /** No deployer, and no reader of any secret. */
  noReaders: () => vault({ ...prodArgs(), deployerObjectId: undefined, secretReaders: [{ name: 'api', principalId: API_PRINCIPAL, secrets: [] }] }),
  workloadIdentity: async () => {
    const { WorkloadIdentity } = await import('../../../components/workload-identity');
    return new WorkloadIdentity('wi', {
      naming,
      resourceGroupName: 'rg-aksplat-prod-weu',
      tags,
      oidcIssuerUrl: ISSUER,
      serviceAccounts: [
        { namespace: 'api', name: 'api' },
        { namespace: 'agent', name: 'agent' },
        { namespace: 'jobs', name: 'worker' },
      ],
    });
  },
  /** The data services wired together as the Platform does; returns the PostgreSQL server. */
  dataServices: async () => {
    const { PostgresDatabase } = await import('../../../components/postgres-database');
    const { RedisCache } = await import('../../../components/redis-cache');
    const base = { naming: { ...naming, environment: 'dev', uniqueSuffix: 'def456' }, resourceGroupName: 'rg-aksplat-dev-weu', tags };
    const postgres = new PostgresDatabase('postgres', {
      ...base,
      tenantId: MOCK_TENANT_ID,
      skuName: 'Standard_B1ms',
      skuTier: 'Burstable',
      entraAdministrator: { objectId: API_PRINCIPAL, principalName: 'id-aksplat-dev-weu-migrate', principalType: 'ServicePrincipal' },
      privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: 'zone-pg' },
    });
    new RedisCache('redis', { ...base, highAvailability: false, accessPolicyAssignments: [{ name: 'api', objectId: API_PRINCIPAL }], privateEndpoint: { subnetId: PE_SUBNET, privateDnsZoneId: 'zone-redis' } });
    return postgres;
  },
};
