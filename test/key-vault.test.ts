import { installMocks, settle, isSecretValue, unwrapSecrets, MOCK_TENANT_ID, MOCK_CLIENT_OBJECT_ID } from '../offline/mocks';
import type { KeyVaultArgs } from '../components/key-vault';
import { AGENT_PRINCIPAL, API_PRINCIPAL, builds, ISSUER, prodArgs, SECRETS_OFFICER, SECRETS_USER, SUBNET, TAGS, ZONE } from './support/builds/key-vault';
import { buildRuns } from './support/build-runs';

/** The runs of ./support/builds/key-vault.ts's builds, by name (./support/build-runs.ts). */
const build = buildRuns('test', 'test/support/builds/key-vault.ts', builds);
const buildProd = () => build('prod');

const VAULT = 'azure-native:keyvault:Vault';
const ROLE = 'azure-native:authorization:RoleAssignment';

describe('KeyVault', () => {
  it('registers exactly the vault, secrets, role assignments (per secret for readers) and private link', async () => {
    const { recorder } = buildProd();
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
    const { recorder } = buildProd();
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
    // privateEndpoint: undefined, allowedIpRanges: ['203.0.113.10', '198.51.100.0/24'], sku: 'premium', softDeleteRetentionDays: 7, protect: false
    const { recorder } = build('dev');
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
    const { recorder, outputs: kv } = buildProd();
    const pg = recorder.one('azure-native:keyvault:Secret', 'kv-secret-postgres-password');
    const redis = recorder.one('azure-native:keyvault:Secret', 'kv-secret-redis-password');
    for (const secret of [pg, redis]) {
      expect(isSecretValue(secret.inputs.properties)).toBe(true);
      expect(secret.inputs).toMatchObject({ vaultName: 'kv-aksplat-prod-w-abc123', resourceGroupName: 'rg-aksplat-prod-weu', tags: TAGS });
      expect(secret.protect).toBe(false);
    }
    expect(unwrapSecrets(pg.inputs.properties)).toEqual({ value: 'mock-secret-pg', contentType: 'text/plain', attributes: { enabled: true } });
    expect(unwrapSecrets(redis.inputs.properties)).toMatchObject({ value: 'mock-secret-redis', contentType: 'redis-access-key' });
    expect(kv.secretNames).toEqual({ value: ['postgres-password', 'redis-password'], secret: false });
    expect(kv.secretUris).toEqual({
      value: {
        'postgres-password': 'https://kv-aksplat-prod-w-abc123.vault.azure.net/secrets/postgres-password',
        'redis-password': 'https://kv-aksplat-prod-w-abc123.vault.azure.net/secrets/redis-password',
      },
      secret: false,
    });
  });

  it('a plain (non-secret) value is still stored as a secret', async () => {
    // secrets: [{ name: 'postgres-password', value: 'plain-text' }]
    const { recorder } = build('plain');
    expect(isSecretValue(recorder.one('azure-native:keyvault:Secret').inputs.properties)).toBe(true);
  });

  it('grants Secrets Officer to the deployer before writing secrets, and Secrets User per secret to its readers, never on the vault', async () => {
    const { recorder, outputs: kv } = buildProd();
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
    // readyForWorkloads, recorded as its resources' URNs (offline/run-stack.ts outputsOf).
    expect((kv.readyForWorkloads.value as string[]).length).toBe(1 + 2 + 2 + 1 + 1); // vault, secrets, zone group + endpoint, assignment, wait
  });

  it('without deployer or readers of a secret, creates no role assignment and no wait', async () => {
    // deployerObjectId: undefined, secretReaders: [{ name: 'api', principalId: API_PRINCIPAL, secrets: [] }]
    const { recorder } = build('noReaders');
    expect(recorder.ofType(ROLE)).toHaveLength(0);
    expect(recorder.ofType('time:index/sleep:Sleep')).toHaveLength(0);
  });

  it('outputs vault facts', async () => {
    const { recorder, outputs: kv } = buildProd();
    expect(kv.vaultUri.value).toBe('https://kv-aksplat-prod-w-abc123.vault.azure.net/');
    expect(kv.vaultName.value).toBe('kv-aksplat-prod-w-abc123');
    expect(kv.vaultId.value).toBe(recorder.one(VAULT).id);
    expect(kv.tenantId.value).toBe(MOCK_TENANT_ID);
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
  it('creates one federated credential per service account, one after another', () => {
    // Service accounts api/api, agent/agent, jobs/worker.
    const { recorder, outputs: wi } = build('workloadIdentity');
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
    expect(wi.clientId.value).toBe(identity.state.clientId);
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
  it('hold no password or key: no RandomPassword, no key listing, nothing secret in any input', () => {
    // A PostgresDatabase and a RedisCache with the Platform's kind of arguments.
    const { recorder } = build('dataServices');
    expect(recorder.ofType('random:index/randomPassword:RandomPassword')).toHaveLength(0);
    expect(recorder.calls.map((i) => i.token).filter((t) => /listDatabaseKeys|listRedisKeys/.test(t))).toEqual([]);
    expect(recorder.resources.filter((r) => Object.values(r.inputs).some(isSecretValue)).map((r) => r.name)).toEqual([]);
    expect(JSON.stringify(recorder.resources.map((r) => r.inputs))).not.toContain('mock-secret-');
  });
});
