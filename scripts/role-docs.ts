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
import { resourceName } from '../lib/naming';
import { StackConfig } from '../config/schema';
import { stackConfigFromPulumiConfig } from '../config/validate';
import { readStackConfig } from '../offline/stack-config';

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

/** The stacks CI deploys, one per environment (`Pulumi.<stack>.yaml`). */
export const CI_STACKS: readonly string[] = ['dev', 'prod'];

/** One region of an environment: its resource group and AKS cluster, named as the program names them. */
export interface StampScopes {
  /** Azure region. */
  location: string;
  /** The region's resource group (`rg-<prefix>-<env>-<region>`). */
  resourceGroup: string;
  /** The region's AKS cluster, in that resource group. */
  cluster: string;
}

/** An environment's scopes: every region its stack configures, the home region (the stack's `location`) first. */
export interface EnvironmentScopes {
  /** The environment (`dev`, `prod`): its state container and key, its deploying identity. */
  environment: string;
  /** Its regions' resource groups and clusters. */
  stamps: StampScopes[];
}

/**
 * The resource groups and clusters of a stack config: one per region of `regions` (or the one
 * `location`), named by lib/naming.ts `resourceName` as components/platform.ts and
 * components/regional-stamp.ts name them (the home region's group and every stamp's cluster).
 */
export function environmentScopes(config: StackConfig): EnvironmentScopes {
  const others = (config.regions ?? []).map((r) => r.location).filter((l) => l !== config.location);
  return {
    environment: config.environment,
    stamps: [config.location, ...others].map((location) => {
      const naming = { prefix: config.prefix, environment: config.environment, location, uniqueSuffix: '' };
      return { location, resourceGroup: resourceName(naming, 'resourceGroup'), cluster: resourceName(naming, 'kubernetesCluster') };
    }),
  };
}

/** The CI stacks' scopes, read from their `Pulumi.<stack>.yaml` through the program's config validation. */
export function ciStackScopes(): EnvironmentScopes[] {
  return CI_STACKS.map((stack) => environmentScopes(stackConfigFromPulumiConfig(readStackConfig(stack).values)));
}

const SCOPE_TEXT: Record<CiGrant['scope'], string> = {
  resourceGroup: 'resource group `rg-aksplat-<env>-<region>` of each region',
  cluster: 'cluster `aks-aksplat-<env>-<region>` of each region',
  nodeResourceGroup: "each cluster's node resource group `MC_…`",
  clusterNamespace: 'namespaces',
  stateContainer: 'state container `pulumi-state-<env>`',
  stateKey: 'state key `pulumi-<env>`',
};

/** The markdown table of the CI identities: identity, subject, variable, used by, role, scope, why. */
export function identitiesTable(): string {
  const rows = (Object.values(CI_IDENTITIES) as CiIdentity[]).flatMap((identity) =>
    identity.grants.map((g, i) => {
      // A grant of its own block (the restore drill's) names its scope there: the home region's group only.
      const scope = g.grantedBelow ? 'resource group `rg-aksplat-<env>-weu` only, as its block below grants it' : g.scope === 'clusterNamespace' ? `namespaces ${g.namespaces!.map((n) => `\`${n}\``).join(', ')} of each cluster` : SCOPE_TEXT[g.scope];
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

/** Grants scoped inside one region (its resource group, cluster, node resource group, namespaces); the others are the environment's state. */
const REGIONAL_SCOPES: readonly CiGrant['scope'][] = ['resourceGroup', 'cluster', 'nodeResourceGroup', 'clusterNamespace'];

function grantLine(variable: string, g: CiGrant, indent: string): string {
  return indent + grantCommand(variable, g);
}

function grantCommand(variable: string, g: CiGrant): string {
  const custom = CI_CUSTOM_ROLES.find((r) => r.name === g.role);
  const role = g.id ?? (custom ? `"$${custom.variable}"` : `"${g.role}"`);
  const comment = `  # ${g.role}`;
  switch (g.scope) {
    case 'resourceGroup':
      return `grant "$${variable}" ${role} "$RG"${g.condition ? ' --condition-version 2.0 --condition "$CONDITION"' : ''}${comment}`;
    case 'cluster':
      return `grant "$${variable}" ${role} "$AKS"${comment}`;
    case 'nodeResourceGroup':
      return `grant "$${variable}" ${role} "$NODE_RG"${comment}`;
    case 'clusterNamespace':
      return `for ns in ${g.namespaces!.join(' ')}; do grant "$${variable}" ${role} "$AKS/namespaces/$ns"; done${comment}`;
    case 'stateContainer':
      return `grant "$${variable}" ${role} "$STATE/pulumi-state-$env"${comment}`;
    case 'stateKey':
      return `grant "$${variable}" ${role} "$KEYS/pulumi-$env"${comment}`;
  }
}

/** A custom role's definition, as the jq object `az role definition create` reads. */
function customRoleDefinition(role: CiCustomRole, environments: readonly EnvironmentScopes[]): string {
  const groups = environments.flatMap((e) => e.stamps.map((s) => `$s + "/resourceGroups/${s.resourceGroup}"`));
  const scopes = role.assignableScopes === 'subscription' ? '[$s]' : `[${groups.join(', ')}]`;
  return [
    `Name: ${JSON.stringify(role.name)}`,
    `Description: ${JSON.stringify(role.description)}`,
    `Actions: ${JSON.stringify(role.actions)}`,
    `NotActions: ${JSON.stringify(role.notActions)}`,
    `DataActions: ${JSON.stringify(role.dataActions)}`,
    `AssignableScopes: ${scopes}`,
  ].join(', ');
}

/**
 * The shell block that creates the identities (one per environment where so designed) and grants
 * their roles: the regional ones on every region of each environment (`environments`, by default
 * the CI stacks' configs), the state's once per environment.
 */
export function grantsBlock(environments: readonly EnvironmentScopes[] = ciStackScopes()): string {
  const lines: string[] = [GRANTS_BEGIN, '# lib/ci-identities.ts: every role of every CI identity, nothing above one environment.'];
  lines.push("# The custom roles (assigned below, each on one environment's scopes only):");
  for (const role of CI_CUSTOM_ROLES) lines.push(`${role.variable}=$(az role definition create --query name -o tsv --role-definition "$(jq -n --arg s "$S" '{${customRoleDefinition(role, environments)}}')")`);
  const scripted = (identity: CiIdentity) => identity.grants.some((g) => !g.grantedBelow);
  const identities = (Object.entries(CI_IDENTITIES) as [string, CiIdentity][]).filter(([, i]) => scripted(i)).map(([key, i]) => [`${key.toUpperCase()}_OID`, i] as const);
  for (const [variable, identity] of identities.filter(([, i]) => i.environments === 'all')) lines.push(`${variable}=$(identity ${identity.displayName})`);
  const grantsOf = (identity: CiIdentity, regional: boolean) => identity.grants.filter((g) => !g.grantedBelow && REGIONAL_SCOPES.includes(g.scope) === regional);
  lines.push(`for env in ${environments.map((e) => e.environment).join(' ')}; do`);
  for (const [variable, identity] of identities.filter(([, i]) => i.environments === 'own')) lines.push(`  ${variable}=$(identity "${identity.displayName.replace('<env>', '$env')}")`);
  lines.push("  # Each region's resource group/cluster: the regions of Pulumi.<env>.yaml, named by lib/naming.ts.");
  lines.push('  case $env in');
  for (const e of environments) lines.push(`    ${e.environment}) STAMPS="${e.stamps.map((s) => `${s.resourceGroup}/${s.cluster}`).join(' ')}" ;;`);
  lines.push('  esac');
  lines.push('  for stamp in $STAMPS; do');
  lines.push('    RG=$S/resourceGroups/${stamp%/*}');
  lines.push('    AKS=$RG/providers/Microsoft.ContainerService/managedClusters/${stamp#*/}');
  lines.push('    NODE_RG=$S/resourceGroups/$(az aks show -g "${stamp%/*}" -n "${stamp#*/}" --query nodeResourceGroup -o tsv)');
  for (const [variable, identity] of identities) for (const g of grantsOf(identity, true)) lines.push(grantLine(variable, g, '    '));
  lines.push('  done');
  for (const [variable, identity] of identities) for (const g of grantsOf(identity, false)) lines.push(grantLine(variable, g, '  '));
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
