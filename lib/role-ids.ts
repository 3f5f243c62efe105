/**
 * The Azure built-in roles the program assigns, as data: which role, to which
 * principal, on which scope. The components take their role ids from here, and
 * `npm run docs:roles` (scripts/role-docs.ts) writes the deploying identity's
 * role-assignment condition in docs/setup.md from the same list, so the
 * documented identity can create exactly these assignments and no other.
 * test/role-ids.test.ts checks that the program assigns exactly these roles
 * and that docs/setup.md holds the generated condition.
 *
 * Role definition ids: Microsoft Learn, "Azure built-in roles"
 * (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles),
 * checked 2026-12-01 (the monitoring roles as recorded in lib/monitoring.ts).
 */

/** Who receives a role the program assigns. */
export type RolePrincipal = 'kubelet' | 'controlPlane' | 'apps' | 'deployer' | 'runner' | 'grafana' | 'keda' | 'platformTeam';

/** What a role the program assigns is scoped to (always one resource inside the stack's resource group). */
export type RoleScope = 'registry' | 'nodesSubnet' | 'cluster' | 'keyVault' | 'keyVaultSecret' | 'monitorWorkspace' | 'grafana';

/** One principal getting the role on one kind of resource. */
export interface RoleGrant {
  /** The principal that receives it. */
  principal: RolePrincipal;
  /** The resource it is scoped to. */
  scope: RoleScope;
}

/** One role the program assigns. */
export interface AssignedRole {
  /** Built-in role definition GUID. */
  id: string;
  /** The role's display name. */
  name: string;
  /** Who gets it, on what (most roles have one grant). */
  grants: readonly RoleGrant[];
  /** Why the program assigns it. */
  why: string;
  /** Assigned only when the stack config asks for it (e.g. one of the Grafana roles for the platform team); the others are in every stack. */
  whenConfigured?: string;
}

/** Every role the program assigns, by key. */
export const PROGRAM_ROLES = {
  acrPull: {
    id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    name: 'AcrPull',
    grants: [{ principal: 'kubelet', scope: 'registry' }],
    why: 'the kubelet pulls the app images from the registry (no admin user)',
  },
  networkContributor: {
    id: '4d97b98b-1d4f-4787-a291-c67834d212e7',
    name: 'Network Contributor',
    grants: [{ principal: 'controlPlane', scope: 'nodesSubnet' }],
    why: 'the AKS control plane joins nodes and load balancers to the bring-your-own nodes subnet',
  },
  aksRbacClusterAdmin: {
    id: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    name: 'Azure Kubernetes Service RBAC Cluster Admin',
    grants: [{ principal: 'deployer', scope: 'cluster' }],
    why: 'the deploying identity installs the Helm releases through the Entra-only API server',
  },
  keyVaultSecretsUser: {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    name: 'Key Vault Secrets User',
    grants: [{ principal: 'apps', scope: 'keyVaultSecret' }, { principal: 'runner', scope: 'keyVaultSecret' }],
    why: 'each app identity reads only the secrets it mounts (one assignment per secret; none while PostgreSQL and Redis use Entra); the operations runner reads its one GitHub token secret',
    whenConfigured: 'an app secret in lib/app-identities.ts APP_KEY_VAULT_SECRETS, or operationsRunner',
  },
  keyVaultSecretsOfficer: {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    name: 'Key Vault Secrets Officer',
    grants: [{ principal: 'deployer', scope: 'keyVault' }],
    why: 'the deploying identity writes the vault\'s secrets (the operations runner\'s GitHub token; the data services hold no password or key)',
  },
  monitoringDataReader: {
    id: 'b0d8363b-8ddd-447d-831f-62ca05bff136',
    name: 'Monitoring Data Reader',
    grants: [{ principal: 'grafana', scope: 'monitorWorkspace' }, { principal: 'keda', scope: 'monitorWorkspace' }],
    why: 'Managed Grafana\'s identity queries the Azure Monitor workspace (managed Prometheus); the KEDA add-on\'s identity reads the queue lag the agent scales on',
  },
  grafanaAdmin: {
    id: '22926164-76b3-42b3-bc55-97df8dab3e41',
    name: 'Grafana Admin',
    grants: [{ principal: 'deployer', scope: 'grafana' }, { principal: 'platformTeam', scope: 'grafana' }],
    why: 'the deploying identity manages the dashboards as code; the platform team when monitoring.grafanaRole is Admin',
  },
  grafanaEditor: {
    id: 'a79a5197-3a5c-4973-a920-486035ffd60f',
    name: 'Grafana Editor',
    grants: [{ principal: 'platformTeam', scope: 'grafana' }],
    why: 'the platform team edits dashboards (monitoring.grafanaRole Editor, the default)',
    whenConfigured: 'monitoring.platformTeamGroupObjectIds with grafanaRole Editor',
  },
  grafanaViewer: {
    id: '60921a7e-fef1-4a43-9b16-a26c52ad4769',
    name: 'Grafana Viewer',
    grants: [{ principal: 'platformTeam', scope: 'grafana' }],
    why: 'the platform team views dashboards (monitoring.grafanaRole Viewer)',
    whenConfigured: 'monitoring.platformTeamGroupObjectIds with grafanaRole Viewer',
  },
} as const satisfies Record<string, AssignedRole>;

export type ProgramRoleKey = keyof typeof PROGRAM_ROLES;

/** The role definition GUIDs the program assigns, sorted. */
export function programRoleIds(): string[] {
  return Object.values(PROGRAM_ROLES).map((r) => r.id).sort();
}

/**
 * The ABAC condition of the deploying identity's "Role Based Access Control
 * Administrator" assignment: it may create and delete role assignments of the
 * given role definitions only (the portal's "Constrain roles" condition).
 */
export function roleAssignmentCondition(roleIds: readonly string[] = programRoleIds()): string {
  const list = roleIds.join(', ');
  return (
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR ` +
    `(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}})) AND ` +
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR ` +
    `(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${list}}))`
  );
}

/** The GUID at the end of a role definition id (`/subscriptions/.../roleDefinitions/<guid>`), lower case. */
export function roleGuidOf(roleDefinitionId: string): string {
  return roleDefinitionId.replace(/^.*\//, '').toLowerCase();
}
