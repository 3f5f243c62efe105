/**
 * Create order: the Azure facts behind the waits the components build in.
 *
 * ARM answers "created" before everything that depends on a resource can use
 * it: role assignments take minutes to reach the services that enforce them,
 * and some parents refuse concurrent writes of their children. Each fact below
 * names the wait it justifies, with its source and the date it was checked.
 * The waits themselves are asserted over both stacks' graphs in
 * test/create-order.test.ts (invariants in offline/create-order.ts).
 */

/** A dated Azure fact with its source. */
export interface TimingFact {
  /** What Azure does. */
  fact: string;
  /** What the components do about it. */
  consequence: string;
  /** Where the fact is stated. */
  source: string;
  /** When the source was read (ISO date). */
  checked: string;
}

/**
 * How long the components wait after a role assignment is created before the
 * resources that need it go ahead, as a Go duration (`@pulumiverse/time` Sleep
 * `createDuration`).
 */
export interface PropagationWait extends TimingFact {
  /** Go duration string, e.g. `5m`. */
  duration: string;
}

/**
 * Azure RBAC for Kubernetes authorization: a new role assignment on the
 * cluster can take up to five minutes to be honoured by the API server.
 */
export const CLUSTER_RBAC_PROPAGATION: PropagationWait = {
  duration: '5m',
  fact: 'An Azure RBAC role assignment for Kubernetes authorization (e.g. Azure Kubernetes Service RBAC Cluster Admin) can take up to 5 minutes to propagate to the AKS API server.',
  consequence: 'The Kubernetes provider waits 5 minutes after the deployer\'s cluster-admin assignment is created (AksCluster.deployerAccessReady).',
  source: 'Microsoft Learn, "Use Microsoft Entra ID authorization for the Kubernetes API in AKS" (https://learn.microsoft.com/azure/aks/entra-id-authorization)',
  checked: '2026-12-01',
};

/**
 * Workload identity: the identity's Key Vault role can take up to ten minutes
 * to propagate; a pod that mounts secrets before then fails its CSI mount.
 */
export const WORKLOAD_IDENTITY_ROLE_PROPAGATION: PropagationWait = {
  duration: '10m',
  fact: 'A role assignment for a workload identity (here Key Vault Secrets User) can take up to 10 minutes to propagate; until then the Key Vault CSI mount of a pod using the identity is refused (403).',
  consequence: 'An app that mounts a Key Vault secret waits 10 minutes after its per-secret role assignments are created (KeyVault.secretReadAccessReady); none does while both data services use Entra.',
  source: 'Microsoft Learn, "Deploy and configure workload identity on an AKS cluster" (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster)',
  checked: '2026-12-01',
};

/** The other ordering facts the components model (no wait duration: a plain dependency is enough). */
export const CREATE_ORDER_FACTS: Record<string, TimingFact> = {
  agentPoolsOneAtATime: {
    fact: 'Creating two node pools on the same VNet at the same time fails: the second pool finds the VNet "in Updating state" (SetVNetOwnershipFailed / VirtualNetworkNotInSucceededState).',
    consequence: 'AksCluster creates its user pools one after another: each AgentPool depends on the previous one (the first on the cluster).',
    source: 'Azure/AKS issue #4522 "Create multiple node pool with same vnet subnet ID, it throws SetVNetOwnershipFailed" (https://github.com/Azure/AKS/issues/4522); same race in hashicorp/terraform-provider-azurerm PR #25888',
    checked: '2026-12-01',
  },
  clusterAfterEverySubnet: {
    fact: 'AKS sets ownership on the VNet of its node subnet; while a sibling subnet of that VNet is still being written the VNet is not in Succeeded state and the cluster create fails the same way.',
    consequence: 'The cluster waits for every subnet of its VNet (AksClusterArgs.networkReady), not only the node subnet.',
    source: 'Azure/AKS issue #4522 (https://github.com/Azure/AKS/issues/4522)',
    checked: '2026-12-01',
  },
  privateDnsBeforeClients: {
    fact: 'A private endpoint serves its service only once its DNS zone group has written the A record into the linked privatelink.* zone; before that the public name resolves to the (disabled) public endpoint.',
    consequence: 'Image pushes wait for the registry\'s DNS zone group; releases wait for the zone groups of the registry, vault, PostgreSQL and Redis.',
    source: 'Microsoft Learn, "Azure Private Endpoint DNS integration" (https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration)',
    checked: '2026-12-01',
  },
  acrPullBeforePods: {
    fact: 'AKS pulls from ACR with the kubelet identity\'s AcrPull role; without it pods end in ImagePullBackOff and an atomic Helm release rolls back.',
    consequence: 'Releases wait for the kubelet AcrPull assignment (AksCluster.acrPullAssignment).',
    source: 'Microsoft Learn, "Authenticate with Azure Container Registry from Azure Kubernetes Service" (https://learn.microsoft.com/azure/aks/cluster-container-registry-integration)',
    checked: '2026-12-01',
  },
  entraAdminBeforeLogins: {
    fact: 'With password authentication off, a flexible server has no login until its Microsoft Entra administrator exists; the administrator (the migration identity) then creates the apps\' Entra login roles with pgaadauth_create_principal_with_oid.',
    consequence: 'The api and agent releases wait for the Entra administrator (the api\'s migration Job logs in as it); the agent\'s release waits for the api\'s, whose migration Job creates the agent\'s login role.',
    source: 'Microsoft Learn, "Manage Microsoft Entra roles in Azure Database for PostgreSQL" (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-manage-azure-ad-users)',
    checked: '2026-12-01',
  },
  accessPolicyBeforeRedisClients: {
    fact: 'With access keys disabled, Azure Managed Redis accepts a client only when an access policy assignment for its Entra object id exists; AUTH fails (WRONGPASS) before.',
    consequence: 'The api and agent releases wait for their Redis access policy assignments (RedisCache.readyForClients).',
    source: 'Microsoft Learn, "Use Microsoft Entra ID for cache authentication with Azure Managed Redis" (https://learn.microsoft.com/azure/redis/entra-for-authentication)',
    checked: '2026-12-01',
  },
  federatedCredentialBeforePods: {
    fact: 'A pod exchanges its service-account token for an Entra token only when a federated identity credential for its subject exists (AADSTS70021 otherwise); the credential takes a few seconds to propagate after it is added.',
    consequence: 'Each release waits for its own identity\'s federated credential (the api\'s also for the migration identity\'s); a per-secret Key Vault role wait, when an app mounts a secret, comes on top.',
    source: 'Microsoft Learn, "Deploy and configure workload identity on an AKS cluster" (https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster)',
    checked: '2026-12-01',
  },
  nodePoolBeforePinnedPods: {
    fact: 'Pods pinned to a node pool (nodeSelector agentpool=<pool>) stay Pending until that pool exists; the Helm wait then times out and the atomic release rolls back.',
    consequence: 'Each release waits for the node pool its pods are pinned to (AksCluster.nodePools).',
    source: 'Microsoft Learn, "Create node pools for a cluster in AKS" (https://learn.microsoft.com/azure/aks/create-node-pools)',
    checked: '2026-12-01',
  },
};
