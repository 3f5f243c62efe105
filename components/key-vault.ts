import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as keyvault from '@pulumi/azure-native/keyvault';
import * as time from '@pulumiverse/time';
import { WORKLOAD_IDENTITY_ROLE_PROPAGATION } from '../lib/create-order';
import { globalResourceName, resourceName } from '../lib/naming';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';
import {
  BUILT_IN_ROLES,
  KeyVaultSkuName,
  keyVaultIpRuleProblem,
  keyVaultSecretNameProblem,
  keyVaultSkuProblem,
  keyVaultSoftDeleteDaysProblem,
  roleDefinitionId,
  subscriptionOfResourceId,
} from '../lib/data-services';
import { PrivateEndpointPlacement, PrivateLink } from './private-link';
import { AzureComponentArgs } from '../lib/component-args';

/** One secret the vault stores. */
export interface KeyVaultSecretInput {
  /** Secret name (1–127 letters, digits, hyphens), e.g. `postgres-password`; the CSI driver mounts it at /mnt/secrets-store/<name>. */
  name: string;
  /** The value; stored and passed on as a Pulumi secret. */
  value: pulumi.Input<string>;
  /** Content type recorded on the secret (Checkov CKV_AZURE_114); default `text/plain`. */
  contentType?: string;
}

/** A workload identity that reads some of the vault's secrets: `Key Vault Secrets User` on each of those secrets only, never on the vault. */
export interface KeyVaultSecretReader {
  /** Short name of the reader (e.g. the app: `api`); names its role assignments. */
  name: string;
  /** Principal (object) id of the reader's managed identity. */
  principalId: pulumi.Input<string>;
  /** Names of the secrets it reads; each must be one of `secrets`. Empty: no assignment at all. */
  secrets: string[];
}

/** Arguments of {@link KeyVault}. */
export interface KeyVaultArgs extends AzureComponentArgs {
  /** Entra tenant of the vault (`authorization.getClientConfigOutput().tenantId`). */
  tenantId: pulumi.Input<string>;
  /** `standard` (default) or `premium` (HSM-backed keys). */
  sku?: pulumi.Input<KeyVaultSkuName>;
  /** Days a deleted vault or secret stays recoverable, 7..90; default 90. Fixed once the vault exists. */
  softDeleteRetentionDays?: pulumi.Input<number>;
  /**
   * Private endpoint (groupId `vault`, zone `privatelink.vaultcore.azure.net`). When given, public network
   * access is Disabled. When omitted, the public endpoint stays on behind the firewall (default Deny) and
   * only `allowedIpRanges` reach the data plane.
   */
  privateEndpoint?: PrivateEndpointPlacement;
  /** Without a private endpoint only: public IPv4 addresses/CIDRs allowed through the firewall (e.g. the cluster's egress IP). */
  allowedIpRanges?: string[];
  /** Secrets to store, e.g. the operations runner's `github-runner-token`. Plain list: one resource each. */
  secrets?: KeyVaultSecretInput[];
  /** Object ID of the principal that runs `pulumi up`; it gets `Key Vault Secrets Officer` on this vault. */
  deployerObjectId?: pulumi.Input<string>;
  /** Kind of the deploying principal (`ServicePrincipal` in CI, `User` on a workstation); ARM infers it when unset. */
  deployerPrincipalType?: pulumi.Input<'User' | 'ServicePrincipal' | 'Group'>;
  /** Workload identities that read secrets: one `Key Vault Secrets User` assignment per (reader, secret), scoped to the secret. */
  secretReaders?: KeyVaultSecretReader[];
  /** Protect the vault from deletion (`protect: true`); production: true. */
  protect?: boolean;
}

/**
 * A Key Vault for the platform's secrets: Azure RBAC (no access policies), soft
 * delete with purge protection, private endpoint with public access disabled,
 * the secrets given as arguments, and per-secret `Key Vault Secrets User`
 * assignments for the workload identities that read them (never vault-wide).
 */
export class KeyVault extends pulumi.ComponentResource {
  /** The vault. */
  public readonly vault: keyvault.Vault;
  /** `https://<name>.vault.azure.net/`. */
  public readonly vaultUri: pulumi.Output<string>;
  /** Azure name of the vault (the CSI SecretProviderClass `keyvaultName`). */
  public readonly vaultName: pulumi.Output<string>;
  /** ARM ID of the vault. */
  public readonly vaultId: pulumi.Output<string>;
  /** Tenant of the vault. */
  public readonly tenantId: pulumi.Output<string>;
  /** Names of the stored secrets. */
  public readonly secretNames: pulumi.Output<string[]>;
  /** Versionless URI of each stored secret, by name. */
  public readonly secretUris: pulumi.Output<Record<string, string>>;
  /** ARM ID of the private endpoint, when created. */
  public readonly privateEndpointId?: pulumi.Output<string>;
  /** The private endpoint and its DNS zone group, when the vault is private. */
  public readonly privateLink?: PrivateLink;
  /** The stored secrets, in the order given. */
  public readonly secrets: keyvault.Secret[];
  /** The readers' `Key Vault Secrets User` assignments, one per (reader, secret), each scoped to the secret. */
  public readonly secretReadAccess: authorization.RoleAssignment[];
  /**
   * The wait for those assignments to propagate (with at least one): a `@pulumiverse/time` Sleep of
   * {@link WORKLOAD_IDENTITY_ROLE_PROPAGATION}.
   */
  public readonly secretReadAccessReady?: pulumi.Resource;
  /**
   * What a workload that mounts this vault's secrets must wait for: the secrets,
   * the private endpoint's DNS zone group and the readers' propagated per-secret
   * roles (lib/create-order.ts).
   */
  public readonly readyForWorkloads: pulumi.Resource[];

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:KeyVault', name, {}, opts);
    const problems = keyVaultArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('KeyVault', name, problems), this);

    const location = args.location ?? args.naming.location;
    const isPrivate = args.privateEndpoint !== undefined;

    this.vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: globalResourceName(args.naming, 'keyVault'),
        resourceGroupName: args.resourceGroupName,
        location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: 'A', name: pulumi.output(args.sku ?? 'standard').apply((s) => (s === 'premium' ? keyvault.SkuName.Premium : keyvault.SkuName.Standard)) },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: args.softDeleteRetentionDays ?? 90,
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess: isPrivate ? 'Disabled' : 'Enabled',
          networkAcls: {
            defaultAction: 'Deny',
            bypass: 'None',
            ipRules: isPrivate ? [] : (args.allowedIpRanges ?? []).map((value) => ({ value })),
          },
        },
        tags: args.tags,
      },
      { parent: this, protect: args.protect ?? false },
    );

    const subscriptionId = this.vault.id.apply(subscriptionOfResourceId);
    const roleId = (guid: string) => subscriptionId.apply((sub) => roleDefinitionId(sub, guid));

    // The deployer manages secrets on the data plane (read back, rotate, recover) — an RBAC
    // vault grants no data-plane access to Owner/Contributor by themselves.
    let officer: authorization.RoleAssignment | undefined;
    if (args.deployerObjectId !== undefined) {
      officer = new authorization.RoleAssignment(
        `${name}-deployer-secrets-officer`,
        {
          scope: this.vault.id,
          roleDefinitionId: roleId(BUILT_IN_ROLES.keyVaultSecretsOfficer),
          principalId: args.deployerObjectId,
          principalType: args.deployerPrincipalType,
          description: 'Deploying principal manages the platform secrets (aks-platform)',
        },
        { parent: this },
      );
    }

    const secrets = (this.secrets = (args.secrets ?? []).map(
      (s) =>
        new keyvault.Secret(
          `${name}-secret-${s.name}`,
          {
            secretName: s.name,
            vaultName: this.vault.name,
            resourceGroupName: args.resourceGroupName,
            properties: { value: pulumi.secret(s.value), contentType: s.contentType ?? 'text/plain', attributes: { enabled: true } },
            tags: args.tags,
          },
          { parent: this, dependsOn: officer ? [officer] : [] },
        ),
    ));

    const secretByName = new Map(secrets.map((secret, i) => [args.secrets![i].name, secret]));
    this.secretReadAccess = (args.secretReaders ?? []).flatMap((reader) =>
      reader.secrets.map(
        (secretName) =>
          new authorization.RoleAssignment(
            `${name}-${reader.name}-reads-${secretName}`,
            {
              scope: secretByName.get(secretName)!.id,
              roleDefinitionId: roleId(BUILT_IN_ROLES.keyVaultSecretsUser),
              principalId: reader.principalId,
              // Set explicitly so ARM does not look the new principal up in Entra before it has replicated.
              principalType: 'ServicePrincipal',
              description: `${reader.name} reads the secret ${secretName} through the Key Vault CSI driver (aks-platform)`,
            },
            { parent: this },
          ),
      ),
    );
    if (this.secretReadAccess.length > 0) {
      // Created is not yet honoured: a workload identity's role can take 10 minutes to reach Key Vault.
      this.secretReadAccessReady = new time.Sleep(
        `${name}-secret-readers-propagation`,
        { createDuration: WORKLOAD_IDENTITY_ROLE_PROPAGATION.duration, triggers: Object.fromEntries(this.secretReadAccess.map((a, i) => [`assignment${i}`, a.id])) },
        { parent: this, dependsOn: this.secretReadAccess },
      );
    }

    if (args.privateEndpoint) {
      const endpoint = (this.privateLink = new PrivateLink(
        `${name}-pl`,
        {
          resourceGroupName: args.resourceGroupName,
          location,
          ...args.privateEndpoint,
          targetResourceId: this.vault.id,
          groupId: 'vault',
          endpointName: resourceName(args.naming, 'privateEndpoint', 'kv'),
          tags: args.tags,
        },
        { parent: this },
      ));
      this.privateEndpointId = endpoint.endpointId;
    }

    this.readyForWorkloads = [
      this.vault,
      ...secrets,
      ...(this.privateLink?.ready ?? []),
      ...this.secretReadAccess,
      ...(this.secretReadAccessReady ? [this.secretReadAccessReady] : []),
    ];

    this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? '');
    this.vaultName = this.vault.name;
    this.vaultId = this.vault.id;
    this.tenantId = pulumi.output(args.tenantId);
    this.secretNames = pulumi.output((args.secrets ?? []).map((s) => s.name));
    // Built from the vault URI: the secrets' own `properties` output is secret (it carries the value).
    this.secretUris = pulumi
      .all([this.vaultUri, ...secrets.map((s) => s.name)])
      .apply(([uri, ...names]) => Object.fromEntries(names.map((n) => [n, `${uri.replace(/\/$/, '')}/secrets/${n}`])));

    this.registerOutputs({
      vaultUri: this.vaultUri,
      vaultName: this.vaultName,
      vaultId: this.vaultId,
      tenantId: this.tenantId,
      secretNames: this.secretNames,
      secretUris: this.secretUris,
      privateEndpointId: this.privateEndpointId,
    });
  }
}

/** Every problem with the plain (non-Output) arguments, each naming its path; empty when fine. */
export function keyVaultArgProblems(args: KeyVaultArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const check = (path: string, problem: string | undefined) => {
    if (problem) problems.push({ path, problem });
  };
  const sku = knownValue(args.sku);
  if (sku !== undefined) check('sku', keyVaultSkuProblem(sku));
  const days = knownValue(args.softDeleteRetentionDays);
  if (days !== undefined) check('softDeleteRetentionDays', keyVaultSoftDeleteDaysProblem(days));
  if (args.privateEndpoint && args.allowedIpRanges !== undefined && args.allowedIpRanges.length > 0) {
    check('allowedIpRanges', 'firewall ranges apply only without a private endpoint (public network access is Disabled with one)');
  }
  if (!args.privateEndpoint && (args.allowedIpRanges ?? []).length === 0) {
    check(
      'allowedIpRanges',
      'without a private endpoint the vault firewall denies everything; give privateEndpoint (recommended) or list the public egress addresses that read the vault (e.g. the cluster egress IP)',
    );
  }
  (args.allowedIpRanges ?? []).forEach((range, i) => check(`allowedIpRanges[${i}]`, keyVaultIpRuleProblem(range)));
  const names = (args.secrets ?? []).map((s) => s.name);
  names.forEach((n, i) => check(`secrets[${i}].name`, keyVaultSecretNameProblem(n)));
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) check('secrets', `secret names must be unique; repeated: ${[...new Set(duplicates)].join(', ')}`);
  const readers = args.secretReaders ?? [];
  readers.forEach((reader, i) => {
    if (!/^[a-z0-9]{1,20}$/.test(reader.name)) check(`secretReaders[${i}].name`, `"${reader.name}" is not allowed; use 1–20 lowercase letters and digits`);
    reader.secrets.forEach((secret, j) => {
      if (!names.includes(secret)) check(`secretReaders[${i}].secrets[${j}]`, `"${secret}" is not a secret of this vault; secrets: ${names.join(', ') || '(none)'}`);
    });
  });
  const readerNames = readers.map((r) => r.name);
  if (new Set(readerNames).size !== readerNames.length) check('secretReaders', `reader names must be unique; got ${readerNames.join(', ')}`);
  return problems;
}
