import * as pulumi from '@pulumi/pulumi';
import { installMocks, settle, resolveOutput, isSecretValue, unwrapSecrets, MOCK_TENANT_ID, MOCK_CLIENT_OBJECT_ID, MOCK_SUBSCRIPTION_ID } from '../offline/mocks';
import type { KeyVaultArgs } from '../components/key-vault';
import { leaveTestContext } from '../apps/common/test-support/async-storages';

const SUBNET = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe';
const ZONE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net';
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster/';
const TAGS = { environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1', 'managed-by': 'pulumi' };
const SECRETS_USER = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`;
const API_PRINCIPAL = '0a0a0a0a-0000-4000-8000-00000000a001';
const AGENT_PRINCIPAL = '0a0a0a0a-0000-4000-8000-00000000a002';
const SECRETS_OFFICER = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7`;

function prodArgs(): KeyVaultArgs {
  return {
    naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' },
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags: TAGS,
    tenantId: MOCK_TENANT_ID,
    softDeleteRetentionDays: 90,
    privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE },
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

async function build(args: KeyVaultArgs) {
  leaveTestContext();
  const recorder = installMocks();
  const { KeyVault } = await import('../components/key-vault');
  const kv = new KeyVault('kv', args);
  await settle();
  return { recorder, kv };
}

/**
 * The prod vault of prodArgs(), built once for the tests that only read it (each gets the same
 * recorder and component, which no test changes): a build under the mocks is ~0.1-0.2 CPU-s.
 */
let prodVault: ReturnType<typeof build> | undefined;
const buildProd = () => (prodVault ??= build(prodArgs()));

const VAULT = 'azure-native:keyvault:Vault';
const ROLE = 'azure-native:authorization:RoleAssignment';

describe('KeyVault', () => {
  it('registers exactly the vault, secrets, role assignments (per secret for readers) and private link', async () => {
    const { recorder } = await buildProd();
    const comp = recorder.one('aks-platform:index:KeyVault');
    expect(recorder.childrenOf(comp.urn).map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'aks-platform:index:PrivateLink kv-pl',
      'azure-native:authorization:RoleAssignment kv-api-reads-postgres-password',
      'azure-native:authorization:RoleAssignment kv-deployer-secrets-officer',
      'azure-native:keyvault:Secret kv-secret-postgres-password',
      'azure-native:keyvault:Secret kv-secret-redis-password',
      'azure-native:keyvault:Vault kv-vault',
      'time:index/sleep:Sleep kv-secret-readers-propagation',
    ]);
  });

  it('prod: RBAC, soft delete 90 days, purge protection, private only with firewall Deny, protected, tagged', async () => {
    const { recorder } = await buildProd();
    const vault = recorder.one(VAULT);
    expect(vault.inputs).toEqual({
      vaultName: 'kv-aksplat-prod-w-abc123',
      resourceGroupName: 'rg-aksplat-prod-weu',
      location: 'westeurope',
      properties: {
        tenantId: MOCK_TENANT_ID,
        sku: { family: 'A', name: 'standard' },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 90,
        enablePurgeProtection: true,
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [] },
      },
      tags: TAGS,
    });
    expect(vault.protect).toBe(true);
    expect(recorder.one('azure-native:network:PrivateEndpoint').inputs).toMatchObject({
      privateEndpointName: 'pe-aksplat-prod-weu-kv',
      subnet: { id: SUBNET },
      privateLinkServiceConnections: [{ privateLinkServiceId: vault.id, groupIds: ['vault'] }],
    });
    expect(recorder.one('azure-native:network:PrivateDnsZoneGroup').inputs.privateDnsZoneConfigs).toEqual([{ name: 'vault', privateDnsZoneId: ZONE }]);
  });

  it('dev without a private endpoint: public endpoint behind the firewall (Deny + allowed ranges), not protected, premium, 7 days', async () => {
    const { recorder } = await build({
      ...prodArgs(),
      privateEndpoint: undefined,
      allowedIpRanges: ['203.0.113.10', '198.51.100.0/24'],
      sku: 'premium',
      softDeleteRetentionDays: 7,
      protect: false,
    });
    const vault = recorder.one(VAULT);
    expect(vault.inputs.properties).toMatchObject({
      sku: { family: 'A', name: 'premium' },
      softDeleteRetentionInDays: 7,
      enablePurgeProtection: true,
      enableRbacAuthorization: true,
      publicNetworkAccess: 'Enabled',
      networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [{ value: '203.0.113.10' }, { value: '198.51.100.0/24' }] },
    });
    expect(vault.protect).toBe(false);
    expect(recorder.ofType('azure-native:network:PrivateEndpoint')).toHaveLength(0);
  });

  it('stores the secrets with content types; the values stay secret', async () => {
    const { recorder, kv } = await buildProd();
    const pg = recorder.one('azure-native:keyvault:Secret', 'kv-secret-postgres-password');
    const redis = recorder.one('azure-native:keyvault:Secret', 'kv-secret-redis-password');
    for (const secret of [pg, redis]) {
      expect(isSecretValue(secret.inputs.properties)).toBe(true);
      expect(secret.inputs).toMatchObject({ vaultName: 'kv-aksplat-prod-w-abc123', resourceGroupName: 'rg-aksplat-prod-weu', tags: TAGS });
      expect(secret.protect).toBe(false);
    }
    expect(unwrapSecrets(pg.inputs.properties)).toEqual({ value: 'mock-secret-pg', contentType: 'text/plain', attributes: { enabled: true } });
    expect(unwrapSecrets(redis.inputs.properties)).toMatchObject({ value: 'mock-secret-redis', contentType: 'redis-access-key' });
    expect(await resolveOutput(kv.secretNames)).toEqual({ value: ['postgres-password', 'redis-password'], secret: false });
    expect(await resolveOutput(kv.secretUris)).toEqual({
      value: {
        'postgres-password': 'https://kv-aksplat-prod-w-abc123.vault.azure.net/secrets/postgres-password',
        'redis-password': 'https://kv-aksplat-prod-w-abc123.vault.azure.net/secrets/redis-password',
      },
      secret: false,
    });
  });

  it('a plain (non-secret) value is still stored as a secret', async () => {
    const { recorder } = await build({ ...prodArgs(), secrets: [{ name: 'postgres-password', value: 'plain-text' }] });
    expect(isSecretValue(recorder.one('azure-native:keyvault:Secret').inputs.properties)).toBe(true);
  });

  it('grants Secrets Officer to the deployer before writing secrets, and Secrets User per secret to its readers, never on the vault', async () => {
    const { recorder, kv } = await buildProd();
    const vault = recorder.one(VAULT);
    const officer = recorder.one(ROLE, 'kv-deployer-secrets-officer');
    expect(officer.inputs).toMatchObject({ scope: vault.id, roleDefinitionId: SECRETS_OFFICER, principalId: MOCK_CLIENT_OBJECT_ID, principalType: 'ServicePrincipal' });
    for (const s of recorder.ofType('azure-native:keyvault:Secret')) expect(s.dependencies).toContain(officer.urn);
    const secret = recorder.one('azure-native:keyvault:Secret', 'kv-secret-postgres-password');
    const user = recorder.one(ROLE, 'kv-api-reads-postgres-password');
    expect(user.inputs).toMatchObject({ scope: secret.id, roleDefinitionId: SECRETS_USER, principalId: API_PRINCIPAL, principalType: 'ServicePrincipal' });
    expect(secret.id).toMatch(/\/providers\/Microsoft\.KeyVault\/vaults\/kv-aksplat-prod-w-abc123\/secrets\/postgres-password$/);
    // Nothing with Secrets User is scoped to the vault itself.
    expect(recorder.ofType(ROLE).filter((r) => r.inputs.roleDefinitionId === SECRETS_USER).map((r) => r.inputs.scope)).toEqual([secret.id]);
    // Workloads wait 10 minutes after the assignments exist.
    const wait = recorder.one('time:index/sleep:Sleep', 'kv-secret-readers-propagation');
    expect(wait.inputs).toEqual({ createDuration: '10m', triggers: { assignment0: user.id } });
    expect(wait.dependencies).toContain(user.urn);
    expect(kv.readyForWorkloads.length).toBe(1 + 2 + 2 + 1 + 1); // vault, secrets, zone group + endpoint, assignment, wait
  });

  it('without deployer or readers of a secret, creates no role assignment and no wait', async () => {
    const { recorder } = await build({ ...prodArgs(), deployerObjectId: undefined, secretReaders: [{ name: 'api', principalId: API_PRINCIPAL, secrets: [] }] });
    expect(recorder.ofType(ROLE)).toHaveLength(0);
    expect(recorder.ofType('time:index/sleep:Sleep')).toHaveLength(0);
  });

  it('outputs vault facts', async () => {
    const { recorder, kv } = await buildProd();
    expect((await resolveOutput(kv.vaultUri)).value).toBe('https://kv-aksplat-prod-w-abc123.vault.azure.net/');
    expect((await resolveOutput(kv.vaultName)).value).toBe('kv-aksplat-prod-w-abc123');
    expect((await resolveOutput(kv.vaultId)).value).toBe(recorder.one(VAULT).id);
    expect((await resolveOutput(kv.tenantId)).value).toBe(MOCK_TENANT_ID);
  });

  const bad: [string, Partial<KeyVaultArgs>, RegExp][] = [
    ['soft delete below 7 days', { softDeleteRetentionDays: 6 }, /args\.softDeleteRetentionDays: 6 .*from 7 to 90/],
    ['soft delete above 90 days', { softDeleteRetentionDays: 91 }, /args\.softDeleteRetentionDays: 91 .*from 7 to 90/],
    ['unknown SKU', { sku: 'basic' as never }, /args\.sku: SKU "basic" is not allowed; allowed: "standard", "premium"/],
    ['bad secret name', { secrets: [{ name: 'postgres_password', value: 'x' }] }, /args\.secrets\[0\]\.name: "postgres_password" is not a valid secret name/],
    ['duplicate secrets', { secrets: [{ name: 'a1', value: 'x' }, { name: 'a1', value: 'y' }] }, /args\.secrets: secret names must be unique; repeated: a1/],
    ['firewall ranges with a private endpoint', { allowedIpRanges: ['203.0.113.10'] }, /args\.allowedIpRanges: firewall ranges apply only without a private endpoint/],
    ['no private endpoint and no firewall range', { privateEndpoint: undefined }, /args\.allowedIpRanges: without a private endpoint the vault firewall denies everything/],
    ['open firewall', { privateEndpoint: undefined, allowedIpRanges: ['0.0.0.0/0'] }, /args\.allowedIpRanges\[0\]: "0\.0\.0\.0\/0" \(a \/0\) is too wide/],
    ['a reader of a secret the vault does not hold', { secretReaders: [{ name: 'api', principalId: API_PRINCIPAL, secrets: ['other'] }] }, /args\.secretReaders\[0\]\.secrets\[0\]: "other" is not a secret of this vault; secrets: postgres-password, redis-password/],
    ['two readers with one name', { secretReaders: [{ name: 'api', principalId: API_PRINCIPAL, secrets: [] }, { name: 'api', principalId: AGENT_PRINCIPAL, secrets: [] }] }, /args\.secretReaders: reader names must be unique/],
  ];

  it.each(bad)('rejects %s with a message naming the arg, and registers no Azure resource', async (_label, patch, message) => {
    const recorder = installMocks();
    const { KeyVault } = await import('../components/key-vault');
    expect(() => new KeyVault('kv', { ...prodArgs(), ...patch })).toThrow(message);
    await settle();
    expect(recorder.resources.filter((r) => r.type !== 'aks-platform:index:KeyVault')).toEqual([]);
  });
});

describe('WorkloadIdentity', () => {
  it('creates one federated credential per service account, one after another', async () => {
    leaveTestContext();
    const recorder = installMocks();
    const { WorkloadIdentity } = await import('../components/workload-identity');
    const wi = new WorkloadIdentity('wi', {
      naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' },
      resourceGroupName: 'rg-aksplat-prod-weu',
      tags: TAGS,
      oidcIssuerUrl: ISSUER,
      serviceAccounts: [
        { namespace: 'api', name: 'api' },
        { namespace: 'agent', name: 'agent' },
        { namespace: 'jobs', name: 'worker' },
      ],
    });
    await settle();
    const identity = recorder.one('azure-native:managedidentity:UserAssignedIdentity');
    expect(identity.inputs).toEqual({ resourceName: 'id-aksplat-prod-weu-apps', resourceGroupName: 'rg-aksplat-prod-weu', location: 'westeurope', tags: TAGS });
    const fics = recorder.ofType('azure-native:managedidentity:FederatedIdentityCredential');
    expect(fics.map((f) => f.inputs)).toEqual([
      { federatedIdentityCredentialResourceName: 'api-api', resourceGroupName: 'rg-aksplat-prod-weu', resourceName: 'id-aksplat-prod-weu-apps', issuer: ISSUER, subject: 'system:serviceaccount:api:api', audiences: ['api://AzureADTokenExchange'] },
      { federatedIdentityCredentialResourceName: 'agent-agent', resourceGroupName: 'rg-aksplat-prod-weu', resourceName: 'id-aksplat-prod-weu-apps', issuer: ISSUER, subject: 'system:serviceaccount:agent:agent', audiences: ['api://AzureADTokenExchange'] },
      { federatedIdentityCredentialResourceName: 'jobs-worker', resourceGroupName: 'rg-aksplat-prod-weu', resourceName: 'id-aksplat-prod-weu-apps', issuer: ISSUER, subject: 'system:serviceaccount:jobs:worker', audiences: ['api://AzureADTokenExchange'] },
    ]);
    // Sequential: each credential depends on the one before it (Azure rejects concurrent writes on one identity).
    expect(fics[0].dependencies.filter((d) => fics.some((f) => f.urn === d))).toEqual([]);
    expect(fics[1].dependencies).toContain(fics[0].urn);
    expect(fics[2].dependencies).toContain(fics[1].urn);
    expect((await resolveOutput(wi.clientId)).value).toBe(identity.state.clientId);
  });

  it('rejects duplicate service accounts', async () => {
    installMocks();
    const { WorkloadIdentity } = await import('../components/workload-identity');
    expect(
      () =>
        new WorkloadIdentity('wi', {
          naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' },
          resourceGroupName: 'rg',
          tags: TAGS,
          oidcIssuerUrl: ISSUER,
          serviceAccounts: [{ namespace: 'api', name: 'api' }, { namespace: 'api', name: 'api' }],
        }),
    ).toThrow(/args\.serviceAccounts: service account api\/api is listed twice/);
    await settle();
  });
});

describe('data services wired together (as the Platform does)', () => {
  it('hold no password or key: no RandomPassword, no key listing, nothing secret in any input', async () => {
    leaveTestContext();
    const recorder = installMocks();
    const { PostgresDatabase } = await import('../components/postgres-database');
    const { RedisCache } = await import('../components/redis-cache');
    const naming = { prefix: 'aksplat', environment: 'dev', location: 'westeurope', uniqueSuffix: 'def456' };
    const base = { naming, resourceGroupName: 'rg-aksplat-dev-weu', tags: TAGS };
    new PostgresDatabase('postgres', {
      ...base,
      tenantId: MOCK_TENANT_ID,
      skuName: 'Standard_B1ms',
      skuTier: 'Burstable',
      entraAdministrator: { objectId: API_PRINCIPAL, principalName: 'id-aksplat-dev-weu-migrate', principalType: 'ServicePrincipal' },
      privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: 'zone-pg' },
    });
    new RedisCache('redis', { ...base, highAvailability: false, accessPolicyAssignments: [{ name: 'api', objectId: API_PRINCIPAL }], privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: 'zone-redis' } });
    await settle();
    expect(recorder.ofType('random:index/randomPassword:RandomPassword')).toHaveLength(0);
    expect(recorder.calls.map((i) => i.token).filter((t) => /listDatabaseKeys|listRedisKeys/.test(t))).toEqual([]);
    expect(recorder.resources.filter((r) => Object.values(r.inputs).some(isSecretValue)).map((r) => r.name)).toEqual([]);
    expect(JSON.stringify(recorder.resources.map((r) => r.inputs))).not.toContain('mock-secret-');
  });
});
