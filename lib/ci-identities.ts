/**
 * The CI identities as data: who each one is federated to, which workflow
 * variable holds its client id, and every role it gets, on what. docs/setup.md
 * step 3 is generated from this (`npm run docs:roles`, scripts/role-docs.ts),
 * test/workflow-identities.test.ts checks the workflows use the identities
 * exactly like this, and test/role-ids.test.ts checks that no grant is scoped
 * above one environment's resource group (or the state's container and key).
 *
 * Role definition ids: Microsoft Learn, "Azure built-in roles"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles),
 * checked 2026-12-01.
 */
import { GATEWAY_DEFAULTS } from './edge';
import { defaultAppNamespaces } from './app-values';

/** What a CI grant is scoped to: always inside one environment, never a subscription. */
export type CiScope =
  /** The environment's resource group, `rg-aksplat-<env>-<region>`. */
  | 'resourceGroup'
  /** The environment's AKS cluster. */
  | 'cluster'
  /** The cluster's node resource group (`MC_…`, AKS creates it): where the gateway's Private Link Service lives. */
  | 'nodeResourceGroup'
  /** One namespace of the environment's cluster (`<cluster id>/namespaces/<ns>`). */
  | 'clusterNamespace'
  /** The environment's state container, `pulumi-state-<env>`. */
  | 'stateContainer'
  /** The environment's state key, `pulumi-<env>` in the state vault. */
  | 'stateKey';

/** One role on one kind of scope. */
export interface CiGrant {
  /** Role name (built-in, or the custom role defined in docs/setup.md). */
  role: string;
  /** Built-in role definition GUID; undefined for the custom role. */
  id?: string;
  /** What it is scoped to. */
  scope: CiScope;
  /** For `clusterNamespace`: the namespaces. */
  namespaces?: readonly string[];
  /** The assignment carries the program-roles condition (lib/role-ids.ts). */
  condition?: boolean;
  /** Why the identity needs it. */
  why: string;
  /** Granted by its own block of docs/setup.md (next to its custom role's definition), not by the generated script. */
  grantedBelow?: boolean;
}

/** One CI identity (an app registration with one federated credential). */
export interface CiIdentity {
  /** Entra display name; `<env>` for one identity per environment. */
  displayName: string;
  /** The only GitHub OIDC subject it trusts, after `repo:<org>/<repo>:`. */
  subject: string;
  /** The workflow variable holding its client id. */
  variable: string;
  /** Where that variable is set: a repository variable, or a variable of this GitHub environment. */
  variableIn: 'repository' | string;
  /** The environments it gets roles in: `own` (one identity per environment) or both. */
  environments: 'own' | 'all';
  /** The workflow jobs that use it. */
  usedBy: string;
  /** Its roles. */
  grants: readonly CiGrant[];
}

const ROLE = {
  resourcePolicyContributor: '36243c78-bf99-498c-9df9-86d9f8d28608',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  blobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  blobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  aksRbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
  grafanaViewer: '60921a7e-fef1-4a43-9b16-a26c52ad4769',
} as const;

/** A custom role of the CI identities, defined by docs/setup.md step 3 (generated from here). */
export interface CiCustomRole {
  /** Shell variable the generated script keeps the role's id in. */
  variable: string;
  /** Role name. */
  name: string;
  /** Role description. */
  description: string;
  /** Control-plane actions. */
  actions: readonly string[];
  /** Actions taken out of `actions`. */
  notActions: readonly string[];
  /** Data-plane actions. */
  dataActions: readonly string[];
  /** Where it may be assigned: the environments' resource groups, or (for a scope AKS names) the subscription. */
  assignableScopes: 'environmentResourceGroups' | 'subscription';
}

/**
 * Contributor's NotActions (Microsoft Learn, "Azure built-in roles for General" § Contributor,
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/general, checked 2026-12-01).
 */
const CONTRIBUTOR_NOT_ACTIONS = [
  'Microsoft.Authorization/*/Delete',
  'Microsoft.Authorization/*/Write',
  'Microsoft.Authorization/elevateAccess/Action',
  'Microsoft.Blueprint/blueprintAssignments/write',
  'Microsoft.Blueprint/blueprintAssignments/delete',
  'Microsoft.Compute/galleries/share/action',
  'Microsoft.Purview/consents/write',
  'Microsoft.Purview/consents/delete',
] as const;

/**
 * The deploying identity's main role: Contributor (actions `*`, its NotActions) without
 * `Microsoft.Resources/subscriptions/resourceGroups/delete`. Contributor assigned on a resource
 * group may delete that resource group, and with it the whole environment (cluster, database,
 * vault) in one call; the program never deletes its resource group (an operator creates it, step
 * 6, and tears an environment down), so the deploying identity may not either.
 */
export const DEPLOYER_ROLE: CiCustomRole = {
  variable: 'DEPLOYER_ROLE',
  name: 'aks-platform deployer',
  description: 'Contributor on the environment, except deleting its resource group: creates, changes and deletes the resources in it.',
  actions: ['*'],
  notActions: [...CONTRIBUTOR_NOT_ACTIONS, 'Microsoft.Resources/subscriptions/resourceGroups/delete'],
  dataActions: [],
  assignableScopes: 'environmentResourceGroups',
};

/**
 * What the Private Link approval (components/private-link-approval.ts) needs on the gateway's
 * Private Link Service, which AKS's cloud provider creates in the cluster's node resource group,
 * where the deploying identity has no other role: read the service and its connections, approve
 * one (Microsoft Learn, "Azure permissions for Networking", Microsoft.Network/privateLinkServices,
 * checked 2026-12-01).
 */
export const PRIVATE_LINK_APPROVER_ROLE: CiCustomRole = {
  variable: 'PLS_APPROVER',
  name: 'aks-platform Private Link approver',
  description: 'Reads Private Link Services and approves their private endpoint connections (Front Door to the gateway).',
  actions: ['Microsoft.Network/privateLinkServices/read', 'Microsoft.Network/privateLinkServices/privateEndpointConnections/read', 'Microsoft.Network/privateLinkServices/privateEndpointConnections/write'],
  notActions: [],
  dataActions: [],
  assignableScopes: 'subscription',
};

/** The namespaces whose Helm release records (Secrets `sh.helm.release.v1.*`) the drift check reads. */
export const RELEASE_NAMESPACES: readonly string[] = [...Object.values(defaultAppNamespaces()), GATEWAY_DEFAULTS.namespace];

/** The custom role that reads Kubernetes Secrets in the release namespaces only (Helm keeps its release records there). */
export const HELM_RELEASE_READER_ROLE: CiCustomRole = {
  variable: 'HELM_READER',
  name: 'aks-platform Helm release reader',
  description: 'Reads the Secrets of the namespaces it is assigned on: the Helm release records (the charts render no other Secret).',
  actions: [],
  notActions: [],
  dataActions: ['Microsoft.ContainerService/managedClusters/secrets/read'],
  assignableScopes: 'environmentResourceGroups',
};

/** The CI identities' custom roles, in the order docs/setup.md defines them. */
export const CI_CUSTOM_ROLES: readonly CiCustomRole[] = [DEPLOYER_ROLE, PRIVATE_LINK_APPROVER_ROLE, HELM_RELEASE_READER_ROLE];

const STATE_READ: readonly CiGrant[] = [
  { role: 'Storage Blob Data Reader', id: ROLE.blobDataReader, scope: 'stateContainer', why: 'reads the stack state' },
  { role: 'Key Vault Crypto User', id: ROLE.keyVaultCryptoUser, scope: 'stateKey', why: "decrypts the state's secrets (no token among them: test/state-secrets.test.ts)" },
];

/** Every CI identity, by key. */
export const CI_IDENTITIES = {
  deploy: {
    displayName: 'aks-platform-deploy-<env>',
    subject: 'environment:<env>',
    variable: 'AZURE_CLIENT_ID',
    variableIn: '<env>',
    environments: 'own',
    usedBy: 'deploy.yml (main.yml deploy-dev, deploy-prod), inside the GitHub environment dev / prod',
    grants: [
      {
        role: DEPLOYER_ROLE.name,
        scope: 'resourceGroup',
        why: 'creates, changes and deletes the stack resources: Contributor without deleting the resource group itself (custom role defined in the script below)',
      },
      { role: 'Resource Policy Contributor', id: ROLE.resourcePolicyContributor, scope: 'resourceGroup', why: 'the pod-security policy assignment (the deployer role, like Contributor, cannot write Microsoft.Authorization/*)' },
      { role: 'Role Based Access Control Administrator', id: ROLE.rbacAdministrator, scope: 'resourceGroup', condition: true, why: 'assigns exactly the roles the program assigns (the condition below)' },
      { role: 'Storage Blob Data Contributor', id: ROLE.blobDataContributor, scope: 'stateContainer', why: 'reads and writes the stack state' },
      { role: 'Key Vault Crypto User', id: ROLE.keyVaultCryptoUser, scope: 'stateKey', why: "encrypts and decrypts the state's secrets" },
      {
        role: PRIVATE_LINK_APPROVER_ROLE.name,
        scope: 'nodeResourceGroup',
        why: "approves Front Door's private endpoint connection on the gateway's Private Link Service, which AKS creates in the node resource group (custom role defined in the script below)",
      },
    ],
  },
  pr: {
    displayName: 'aks-platform-pr',
    subject: 'environment:pr-preview',
    variable: 'AZURE_PR_CLIENT_ID',
    variableIn: 'pr-preview',
    environments: 'all',
    usedBy: 'pr.yml preview, inside the GitHub environment pr-preview (a maintainer approves each run)',
    grants: [
      { role: 'Reader', id: ROLE.reader, scope: 'resourceGroup', why: 'reads the Azure resources for the preview (no list-keys or list-credentials action)' },
      {
        role: 'Azure Kubernetes Service Cluster User Role',
        id: ROLE.aksClusterUser,
        scope: 'cluster',
        why: 'the program reads the cluster user kubeconfig: an exec-plugin config with no credential (Entra-only cluster, local accounts off); no Kubernetes role',
      },
      ...STATE_READ,
    ],
  },
  drift: {
    displayName: 'aks-platform-drift',
    subject: 'ref:refs/heads/main',
    variable: 'AZURE_DRIFT_CLIENT_ID',
    variableIn: 'repository',
    environments: 'all',
    usedBy: 'drift.yml (scheduled, code from main)',
    grants: [
      { role: 'Reader', id: ROLE.reader, scope: 'resourceGroup', why: 'refreshes the Azure resources' },
      { role: 'Azure Kubernetes Service Cluster User Role', id: ROLE.aksClusterUser, scope: 'cluster', why: 'reads the cluster user kubeconfig (no credential in it)' },
      { role: 'Azure Kubernetes Service RBAC Reader', id: ROLE.aksRbacReader, scope: 'cluster', why: 'refreshes the Kubernetes objects (no Secrets, roles or bindings)' },
      {
        role: 'Grafana Viewer',
        id: ROLE.grafanaViewer,
        scope: 'resourceGroup',
        why: "refreshes the dashboards and their folder through the Grafana API, read only (its token reaches only that command: scripts/with-grafana-token.sh)",
      },
      {
        role: HELM_RELEASE_READER_ROLE.name,
        scope: 'clusterNamespace',
        namespaces: RELEASE_NAMESPACES,
        why: 'refreshes the Helm releases: Helm keeps each release record in a Secret of its namespace, which RBAC Reader may not read',
      },
      ...STATE_READ,
    ],
  },
  restoreDrill: {
    displayName: 'aks-platform-restore-drill',
    subject: 'ref:refs/heads/main',
    variable: 'AZURE_RESTORE_DRILL_CLIENT_ID',
    variableIn: 'repository',
    environments: 'all',
    usedBy: 'restore-drill.yml (scheduled, code from main)',
    grants: [
      {
        role: 'aks-platform restore drill',
        scope: 'resourceGroup',
        grantedBelow: true,
        why: 'restores a throwaway PostgreSQL server, gives it a private endpoint and an Entra admin, verifies and deletes it (custom role defined in step 3); no state, no vault',
      },
    ],
  },
} as const satisfies Record<string, CiIdentity>;

/** A CI identity, by key. */
export type CiIdentityKey = keyof typeof CI_IDENTITIES;

/** The scopes a CI grant may have: nothing above one environment's resource group. */
export const CI_SCOPES: readonly CiScope[] = ['resourceGroup', 'cluster', 'nodeResourceGroup', 'clusterNamespace', 'stateContainer', 'stateKey'];
