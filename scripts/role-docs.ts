/**
 * Writes, in docs/setup.md, the CI identities' table and role grants from
 * lib/ci-identities.ts, and the deploying identities' role-assignment
 * condition from lib/role-ids.ts, the one list of roles the program assigns:
 *
 *   npm run docs:roles
 *
 * test/role-ids.test.ts fails when the document is stale, and checks that the
 * program assigns exactly the listed roles.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { AssignedRole, PROGRAM_ROLES, programRoleIds, roleAssignmentCondition } from '../lib/role-ids';
import { CI_CUSTOM_ROLES, CI_IDENTITIES, CiCustomRole, CiGrant, CiIdentity } from '../lib/ci-identities';

const ROOT = path.resolve(__dirname, '..');
export const SETUP_DOC = path.join(ROOT, 'docs', 'setup.md');
export const BEGIN = '# BEGIN GENERATED: role condition (npm run docs:roles)';
export const END = '# END GENERATED: role condition';

/** The shell lines between the markers: the allowed role ids (named) and the ABAC condition. */
export function roleConditionBlock(): string {
  const byId = new Map<string, AssignedRole>(Object.values(PROGRAM_ROLES).map((r) => [r.id, r]));
  return [
    BEGIN,
    '# The roles the program assigns (lib/role-ids.ts); the identity may assign these and no other:',
    ...programRoleIds().map((id) => {
      const role = byId.get(id)!;
      const grants = role.grants.map((g) => `${g.principal} on the ${g.scope}`).join(', ');
      return `#   ${id}  ${role.name} -> ${grants}${role.whenConfigured ? ` (only with ${role.whenConfigured})` : ''}`;
    }),
    `CONDITION="${roleAssignmentCondition()}"`,
    END,
  ].join('\n');
}

export const TABLE_BEGIN = '<!-- BEGIN GENERATED: CI identities (npm run docs:roles) -->';
export const TABLE_END = '<!-- END GENERATED: CI identities -->';
export const GRANTS_BEGIN = '# BEGIN GENERATED: CI identity grants (npm run docs:roles)';
export const GRANTS_END = '# END GENERATED: CI identity grants';

const SCOPE_TEXT: Record<CiGrant['scope'], string> = {
  resourceGroup: 'resource group `rg-aksplat-<env>-weu`',
  cluster: 'cluster `aks-aksplat-<env>-weu`',
  nodeResourceGroup: "the cluster's node resource group `MC_…`",
  clusterNamespace: 'namespaces',
  stateContainer: 'state container `pulumi-state-<env>`',
  stateKey: 'state key `pulumi-<env>`',
};

/** The markdown table of the CI identities: identity, subject, variable, used by, role, scope, why. */
export function identitiesTable(): string {
  const rows = (Object.values(CI_IDENTITIES) as CiIdentity[]).flatMap((identity) =>
    identity.grants.map((g, i) => {
      const scope = g.scope === 'clusterNamespace' ? `namespaces ${g.namespaces!.map((n) => `\`${n}\``).join(', ')} of the cluster` : SCOPE_TEXT[g.scope];
      const envs = identity.environments === 'own' ? 'its own environment' : 'dev and prod';
      const head = i === 0
        ? [`\`${identity.displayName}\``, `\`repo:<org>/aks-platform:${identity.subject}\``, `\`${identity.variable}\` (${identity.variableIn === 'repository' ? 'repository variable' : `variable of environment \`${identity.variableIn}\``})`, identity.usedBy]
        : ['', '', '', ''];
      return `| ${[...head, `${g.role}${g.condition ? ' **with the condition below**' : ''}${g.grantedBelow ? ' (granted below, with its definition)' : ''}`, `${scope} (${envs})`, g.why].join(' | ')} |`;
    }),
  );
  return [
    TABLE_BEGIN,
    '| identity | federated subject (only) | client id in | used by | role | scope | why |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    TABLE_END,
  ].join('\n');
}

function grantLine(variable: string, g: CiGrant): string[] {
  const custom = CI_CUSTOM_ROLES.find((r) => r.name === g.role);
  const role = g.id ?? (custom ? `"$${custom.variable}"` : `"${g.role}"`);
  const comment = `  # ${g.role}`;
  switch (g.scope) {
    case 'resourceGroup':
      return [`  grant "$${variable}" ${role} "$RG"${g.condition ? ' --condition-version 2.0 --condition "$CONDITION"' : ''}${comment}`];
    case 'cluster':
      return [`  grant "$${variable}" ${role} "$AKS"${comment}`];
    case 'nodeResourceGroup':
      return [`  grant "$${variable}" ${role} "$NODE_RG"${comment}`];
    case 'clusterNamespace':
      return [`  for ns in ${g.namespaces!.join(' ')}; do grant "$${variable}" ${role} "$AKS/namespaces/$ns"; done${comment}`];
    case 'stateContainer':
      return [`  grant "$${variable}" ${role} "$STATE/pulumi-state-$env"${comment}`];
    case 'stateKey':
      return [`  grant "$${variable}" ${role} "$KEYS/pulumi-$env"${comment}`];
  }
}

/** A custom role's definition, as the jq object `az role definition create` reads. */
function customRoleDefinition(role: CiCustomRole): string {
  const scopes =
    role.assignableScopes === 'subscription' ? '[$s]' : '[$s + "/resourceGroups/rg-aksplat-dev-weu", $s + "/resourceGroups/rg-aksplat-prod-weu"]';
  return [
    `Name: ${JSON.stringify(role.name)}`,
    `Description: ${JSON.stringify(role.description)}`,
    `Actions: ${JSON.stringify(role.actions)}`,
    `NotActions: ${JSON.stringify(role.notActions)}`,
    `DataActions: ${JSON.stringify(role.dataActions)}`,
    `AssignableScopes: ${scopes}`,
  ].join(', ');
}

/** The shell block that creates the identities (one per environment where so designed) and grants their roles. */
export function grantsBlock(): string {
  const lines: string[] = [GRANTS_BEGIN, '# lib/ci-identities.ts: every role of every CI identity, nothing above one environment.'];
  lines.push('# The custom roles (assigned below, each on one environment\'s scopes only):');
  for (const role of CI_CUSTOM_ROLES) lines.push(`${role.variable}=$(az role definition create --query name -o tsv --role-definition "$(jq -n --arg s "$S" '{${customRoleDefinition(role)}}')")`);
  const scripted = (identity: CiIdentity) => identity.grants.some((g) => !g.grantedBelow);
  const shared = (Object.entries(CI_IDENTITIES) as [string, CiIdentity][]).filter(([, i]) => i.environments === 'all' && scripted(i));
  for (const [key, identity] of shared) lines.push(`${key.toUpperCase()}_OID=$(identity ${identity.displayName})`);
  lines.push('for env in dev prod; do');
  lines.push('  RG=$S/resourceGroups/rg-aksplat-$env-weu');
  lines.push('  AKS=$RG/providers/Microsoft.ContainerService/managedClusters/aks-aksplat-$env-weu');
  lines.push('  NODE_RG=$S/resourceGroups/$(az aks show -g rg-aksplat-$env-weu -n aks-aksplat-$env-weu --query nodeResourceGroup -o tsv)');
  for (const [key, identity] of Object.entries(CI_IDENTITIES) as [string, CiIdentity][]) {
    const variable = `${key.toUpperCase()}_OID`;
    if (!scripted(identity)) continue;
    if (identity.environments === 'own') lines.push(`  ${variable}=$(identity "${identity.displayName.replace('<env>', '$env')}")`);
    for (const g of identity.grants.filter((grant) => !grant.grantedBelow)) lines.push(...grantLine(variable, g));
  }
  lines.push('done');
  lines.push(GRANTS_END);
  return lines.join('\n');
}

function replaceBetween(doc: string, begin: string, end: string, block: string): string {
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`docs/setup.md lacks the markers "${begin}" … "${end}"`);
  return doc.slice(0, start) + block + doc.slice(stop + end.length);
}

/** The document with the generated blocks replaced; throws when the markers are missing. */
export function withRoleCondition(doc: string): string {
  const withCondition = replaceBetween(doc, BEGIN, END, roleConditionBlock());
  return replaceBetween(replaceBetween(withCondition, TABLE_BEGIN, TABLE_END, identitiesTable()), GRANTS_BEGIN, GRANTS_END, grantsBlock());
}

if (require.main === module) {
  writeFileSync(SETUP_DOC, withRoleCondition(readFileSync(SETUP_DOC, 'utf8')));
  process.stdout.write('docs/setup.md: CI identities, grants and role condition updated\n');
}
