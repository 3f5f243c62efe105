/**
 * Passwordless data access: the identities and their federated subjects (AppIdentities under
 * mocks), the rules and facts of lib/app-identities.ts, and the Azure PostgreSQL root bundle path
 * shared by the program, the apps and the images.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { installMocks, settle, resolveOutput, MOCK_SUBSCRIPTION_ID } from '../offline/mocks';
import {
  AZURE_POSTGRES_ROOTS_PATH,
  DATA_ACCESS_FACTS,
  KEDA_OPERATOR_SERVICE_ACCOUNT,
  agentQueueLagQuery,
  appServiceAccounts,
  queueLagPerReplicaProblem,
} from '../lib/app-identities';
import { defaultAppNamespaces } from '../lib/app-values';
import type { AppIdentitiesArgs } from '../components/app-identities';

const ROOT = path.resolve(__dirname, '..');
const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/00000000-0000-4000-8000-000000000002/11111111-0000-4000-8000-000000000000/';
const WORKSPACE = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-aksplat-prod-weu/providers/Microsoft.Monitor/accounts/amw-aksplat-prod-weu`;
const TAGS = { environment: 'prod', team: 'platform', service: 'aks-platform', 'cost-center': 'cc-1', 'managed-by': 'pulumi' };

function args(keda = true): AppIdentitiesArgs {
  return {
    naming: { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: 'abc123' },
    resourceGroupName: 'rg-aksplat-prod-weu',
    tags: TAGS,
    oidcIssuerUrl: ISSUER,
    serviceAccounts: appServiceAccounts(defaultAppNamespaces()),
    keda: keda ? { monitorWorkspaceId: WORKSPACE } : undefined,
  };
}

describe('AppIdentities', () => {
  it('one identity per workload, each federated with exactly its own service account; KEDA reads only the workspace', async () => {
    const recorder = installMocks();
    const { AppIdentities } = await import('../components/app-identities');
    const ids = new AppIdentities('ids', args());
    await settle();
    const identities = recorder.ofType('azure-native:managedidentity:UserAssignedIdentity').map((i) => i.inputs.resourceName).sort();
    expect(identities).toEqual(['id-aksplat-prod-weu-agent', 'id-aksplat-prod-weu-api', 'id-aksplat-prod-weu-keda', 'id-aksplat-prod-weu-migrate']);
    const fics = recorder.ofType('azure-native:managedidentity:FederatedIdentityCredential').map((f) => [f.inputs.resourceName, f.inputs.subject, f.inputs.issuer, f.inputs.audiences]);
    expect(fics.sort()).toEqual([
      ['id-aksplat-prod-weu-agent', 'system:serviceaccount:agent:agent', ISSUER, ['api://AzureADTokenExchange']],
      ['id-aksplat-prod-weu-api', 'system:serviceaccount:api:api', ISSUER, ['api://AzureADTokenExchange']],
      ['id-aksplat-prod-weu-keda', 'system:serviceaccount:kube-system:keda-operator', ISSUER, ['api://AzureADTokenExchange']],
      ['id-aksplat-prod-weu-migrate', 'system:serviceaccount:api:api-migrate', ISSUER, ['api://AzureADTokenExchange']],
    ]);
    // The only Azure role: Monitoring Data Reader for KEDA, on the workspace.
    const roles = recorder.ofType('azure-native:authorization:RoleAssignment');
    expect(roles.map((r) => r.inputs)).toEqual([
      expect.objectContaining({
        scope: WORKSPACE,
        roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/b0d8363b-8ddd-447d-831f-62ca05bff136`,
        principalId: recorder.one('azure-native:managedidentity:UserAssignedIdentity', 'ids-keda-identity').state.principalId,
        principalType: 'ServicePrincipal',
      }),
    ]);
    expect(ids.federatedCredentials).toHaveLength(4);
    const clientIds = (await resolveOutput(ids.clientIds)).value;
    expect(Object.keys(clientIds).sort()).toEqual(['agent', 'api', 'migrate']);
    expect(clientIds.api).toBe(recorder.one('azure-native:managedidentity:UserAssignedIdentity', 'ids-api-identity').state.clientId);
  });

  it('without monitoring: no KEDA identity and no role at all', async () => {
    const recorder = installMocks();
    const { AppIdentities } = await import('../components/app-identities');
    new AppIdentities('ids', args(false));
    await settle();
    expect(recorder.ofType('azure-native:managedidentity:UserAssignedIdentity')).toHaveLength(3);
    expect(recorder.ofType('azure-native:authorization:RoleAssignment')).toHaveLength(0);
  });

  it('refuses two identities on one service account', async () => {
    installMocks();
    const { AppIdentities } = await import('../components/app-identities');
    const bad = args();
    bad.serviceAccounts = { ...bad.serviceAccounts, migrate: bad.serviceAccounts.api };
    expect(() => new AppIdentities('ids', bad)).toThrow(/args\.serviceAccounts: service account api\/api is listed twice/);
    await settle();
  });
});

describe('lib/app-identities', () => {
  it('names the service accounts the chart renders: <app>, and <app>-migrate for the api release\'s Job', () => {
    expect(appServiceAccounts({ api: 'jobs-api', agent: 'jobs-agent', frontend: 'web' })).toEqual({
      api: { namespace: 'jobs-api', name: 'api' },
      agent: { namespace: 'jobs-agent', name: 'agent' },
      migrate: { namespace: 'jobs-api', name: 'api-migrate' },
    });
    const job = readFileSync(path.join(ROOT, 'apps/chart/templates/migration-job.yaml'), 'utf8');
    expect(job).toContain('{{- $name := printf "%s-migrate" (include "aks-app.name" .) }}');
    expect(KEDA_OPERATOR_SERVICE_ACCOUNT).toEqual({ namespace: 'kube-system', name: 'keda-operator' });
  });

  it.each([
    ['aks-aksplat-prod-weu', 'api', 'max(jobs_queue_lag{cluster="aks-aksplat-prod-weu",namespace="api"}) or vector(0)'],
    ['aks-x', 'jobs-api', 'max(jobs_queue_lag{cluster="aks-x",namespace="jobs-api"}) or vector(0)'],
  ])('the lag query for cluster %s, api namespace %s', (cluster, ns, query) => {
    expect(agentQueueLagQuery(cluster, ns)).toBe(query);
  });

  it('refuses a label value that would break out of the PromQL matcher', () => {
    expect(() => agentQueueLagQuery('aks"} or vector(1000', 'api')).toThrow('clusterName: "aks"} or vector(1000" cannot go into a PromQL label matcher');
  });

  it.each([
    [1, undefined],
    [10000, undefined],
    [0, '0 is not allowed; queue lag per replica must be a whole number from 1 to 10000'],
    [2.5, '2.5 is not allowed; queue lag per replica must be a whole number from 1 to 10000'],
    [10001, '10001 is not allowed; queue lag per replica must be a whole number from 1 to 10000'],
  ])('queueLagPerReplica %p: %p', (value, problem) => {
    expect(queueLagPerReplicaProblem(value)).toBe(problem);
  });

  it('the lag gauge is the one the api exports', () => {
    expect(readFileSync(path.join(ROOT, 'apps/api/src/queue-metrics.ts'), 'utf8')).toMatch(/'jobs_queue_lag'/);
  });

  it('every fact is dated and sourced', () => {
    for (const [key, fact] of Object.entries(DATA_ACCESS_FACTS)) {
      expect({ key, checked: fact.checked }).toEqual({ key, checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
      expect(fact.source).toMatch(/https:\/\/(learn\.microsoft\.com|keda\.sh)\//);
    }
  });

  it('the root bundle path is the one the apps\' images write and the apps\' library names', () => {
    for (const app of ['api', 'agent']) {
      expect(readFileSync(path.join(ROOT, `apps/${app}/Dockerfile`), 'utf8')).toContain(`node apps/common/dist/azure-roots.js ${AZURE_POSTGRES_ROOTS_PATH}`);
    }
    expect(readFileSync(path.join(ROOT, 'apps/common/src/azure-roots.ts'), 'utf8')).toContain(`AZURE_POSTGRES_ROOTS_PATH = '${AZURE_POSTGRES_ROOTS_PATH}'`);
  });
});
