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
 * checked 2026-12-01.
 */

/** Who receives a role the program assigns. */
export type RolePrincipal = 'kubelet' | 'controlPlane' | 'apps' | 'deployer';

/** What a role the program assigns is scoped to (always one resource inside the stack's resource group). */
export type RoleScope = 'registry' | 'nodesSubnet' | 'cluster' | 'keyVault';

/** One role assignment the program creates. */
export interface AssignedRole {
  /** Built-in role definition GUID. */
  id: string;
  /** The role's display name. */
  name: string;
  /** The principal that receives it. */
  principal: RolePrincipal;
  /** The resource it is scoped to. */
  scope: RoleScope;
  /** Why the program assigns it. */
  why: string;
}

/** Every role the program assigns, by key. */
export const PROGRAM_ROLES = {
  acrPull: {
    id: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    name: 'AcrPull',
    principal: 'kubelet',
    scope: 'registry',
    why: 'the kubelet pulls the app images from the registry (no admin user)',
  },
  networkContributor: {
    id: '4d97b98b-1d4f-4787-a291-c67834d212e7',
    name: 'Network Contributor',
    principal: 'controlPlane',
    scope: 'nodesSubnet',
    why: 'the AKS control plane joins nodes and load balancers to the bring-your-own nodes subnet',
  },
  aksRbacClusterAdmin: {
    id: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
    name: 'Azure Kubernetes Service RBAC Cluster Admin',
    principal: 'deployer',
    scope: 'cluster',
    why: 'the deploying identity installs the Helm releases through the Entra-only API server',
  },
  keyVaultSecretsUser: {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    name: 'Key Vault Secrets User',
    principal: 'apps',
    scope: 'keyVault',
    why: 'the apps read their secrets through the Key Vault CSI driver with workload identity',
  },
  keyVaultSecretsOfficer: {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    name: 'Key Vault Secrets Officer',
    principal: 'deployer',
    scope: 'keyVault',
    why: 'the deploying identity writes postgres-password and redis-password into the vault',
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
