import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as compute from '@pulumi/azure-native/compute';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { AzureComponentArgs } from '../lib/component-args';
import { BUILT_IN_ROLES, roleDefinitionId } from '../lib/data-services';
import { resourceName } from '../lib/naming';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import { RUNNER_ADMIN_USER, RUNNER_TOKEN_SECRET, runnerBootProblems, runnerCloudInit, sshPublicKeyProblem } from '../lib/operations-runner';
import { VM_SIZES } from '../lib/vm-sizes';
import { vmSizeProblem } from '../lib/rules';

/** Arguments of {@link OperationsRunner}. */
export interface OperationsRunnerArgs extends AzureComponentArgs {
  /** ID of the `operations` subnet the instances join (it needs outbound access, e.g. the Network's NAT gateway). */
  subnetId: pulumi.Input<string>;
  /** Repository the runner registers with, `owner/name`. */
  githubRepository: string;
  /** Runner labels; the workflows select the runner with them (e.g. `aks-platform-prod`). */
  labels: string[];
  /** VM size of the instances. Default `Standard_D2ds_v5`. */
  vmSize?: string;
  /** Number of instances; each runs one job at a time. Default 1. */
  instances?: number;
  /**
   * SSH public key of the admin user (`ssh-ed25519` or `ssh-rsa` of 2048+ bits). Password
   * sign-in is off, so the state holds no admin credential; no inbound connection reaches
   * the instances anyway (break-glass: `az vmss run-command invoke`).
   */
  adminSshPublicKey: string;
  /** ARM ID of the Key Vault that holds the GitHub token secret. */
  keyVaultId: pulumi.Input<string>;
  /** Name of that Key Vault (reached through its private endpoint). */
  keyVaultName: pulumi.Input<string>;
  /**
   * Name of the Key Vault secret holding a GitHub token that may create runner
   * registration tokens. Default `github-runner-token`. The runner's identity
   * gets Key Vault Secrets User on this one secret only. An operator writes the
   * secret out of band (docs/setup.md); this component never sees its value.
   */
  tokenSecretName?: string;
}

/**
 * An in-VNet GitHub Actions runner: a small Linux VM scale set in the
 * `operations` subnet with a user-assigned managed identity. At each
 * registration an instance reads the GitHub token from Key Vault with that
 * identity, trades it for a registration token, and registers as an
 * ephemeral runner (one job, then a fresh registration). No token is in the
 * code, the boot script, the outputs or the state. The instances have no
 * public IP and the subnet's NSG denies every inbound connection from the
 * Internet; the admin user signs in with an SSH key only (no password, so no
 * admin credential in the state).
 *
 * From this runner the deploy and drift workflows reach the private API
 * server and the private registry (docs/setup.md, phase 2).
 */
export class OperationsRunner extends pulumi.ComponentResource {
  /** The scale set. */
  public readonly scaleSet: compute.VirtualMachineScaleSet;
  /** Client id of the runner's managed identity. */
  public readonly identityClientId: pulumi.Output<string>;
  /** Principal (object) id of the runner's managed identity. */
  public readonly identityPrincipalId: pulumi.Output<string>;
  /** Azure name of the scale set. */
  public readonly scaleSetName: pulumi.Output<string>;

  constructor(name: string, args: OperationsRunnerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:OperationsRunner', name, {}, opts);

    const vmSize = args.vmSize ?? 'Standard_D2ds_v5';
    const instances = args.instances ?? 1;
    const problems: ArgProblem[] = [];
    const sizeProblem = vmSizeProblem(vmSize);
    if (sizeProblem) problems.push({ path: 'vmSize', problem: sizeProblem });
    if (!Number.isInteger(instances) || instances < 1 || instances > 10) problems.push({ path: 'instances', problem: `${instances} is not allowed; use 1 to 10` });
    const keyProblem = sshPublicKeyProblem(args.adminSshPublicKey);
    if (keyProblem) problems.push({ path: 'adminSshPublicKey', problem: keyProblem });
    const placeholderVault = 'kv-check';
    const placeholderClient = '00000000-0000-0000-0000-000000000000';
    for (const problem of runnerBootProblems({ githubRepository: args.githubRepository, labels: args.labels, keyVaultName: placeholderVault, identityClientId: placeholderClient })) {
      const [path, ...rest] = problem.split(': ');
      problems.push({ path, problem: rest.join(': ') });
    }
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('OperationsRunner', name, problems), this);

    const location = args.location ?? args.naming.location;
    const secretName = args.tokenSecretName ?? RUNNER_TOKEN_SECRET;
    const subscriptionId = authorization.getClientConfigOutput({ parent: this }).subscriptionId;

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-id`,
      { resourceName: resourceName(args.naming, 'managedIdentity', 'runner'), resourceGroupName: args.resourceGroupName, location, tags: args.tags },
      { parent: this },
    );

    // Read access to the one secret the runner needs, nothing else in the vault.
    const secretReader = new authorization.RoleAssignment(
      `${name}-token-reader`,
      {
        principalId: identity.principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionId: subscriptionId.apply((sub) => roleDefinitionId(sub, BUILT_IN_ROLES.keyVaultSecretsUser)),
        scope: pulumi.interpolate`${args.keyVaultId}/secrets/${secretName}`,
        description: 'Operations runner reads its GitHub token (aks-platform)',
      },
      { parent: this },
    );

    const customData = pulumi
      .all([args.keyVaultName, identity.clientId])
      .apply(([keyVaultName, identityClientId]) =>
        Buffer.from(runnerCloudInit({ githubRepository: args.githubRepository, labels: args.labels, keyVaultName, identityClientId, tokenSecretName: secretName })).toString('base64'),
      );

    // An ephemeral OS disk on the temp disk where the size has one: stateless, faster, free.
    const ephemeral = VM_SIZES[vmSize]?.ephemeralOsDisk === true;
    const scaleSetName = `vmss-${args.naming.prefix}-${args.naming.environment}-runner`;
    this.scaleSet = new compute.VirtualMachineScaleSet(
      `${name}-vmss`,
      {
        vmScaleSetName: scaleSetName,
        resourceGroupName: args.resourceGroupName,
        location,
        sku: { name: vmSize, tier: 'Standard', capacity: instances },
        identity: { type: compute.ResourceIdentityType.UserAssigned, userAssignedIdentities: [identity.id] },
        orchestrationMode: 'Uniform',
        overprovision: false,
        upgradePolicy: { mode: 'Manual' },
        virtualMachineProfile: {
          osProfile: {
            computerNamePrefix: 'runner',
            adminUsername: RUNNER_ADMIN_USER,
            customData,
            // SSH key only: no password exists, so none is in the state.
            linuxConfiguration: {
              disablePasswordAuthentication: true,
              provisionVMAgent: true,
              ssh: { publicKeys: [{ path: `/home/${RUNNER_ADMIN_USER}/.ssh/authorized_keys`, keyData: args.adminSshPublicKey.trim() }] },
            },
          },
          storageProfile: {
            imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
            osDisk: ephemeral
              ? { createOption: 'FromImage', caching: 'ReadOnly', diffDiskSettings: { option: 'Local', placement: 'ResourceDisk' }, diskSizeGB: 30 }
              : { createOption: 'FromImage', caching: 'ReadWrite', managedDisk: { storageAccountType: 'StandardSSD_LRS' }, diskSizeGB: 64 },
          },
          networkProfile: {
            networkInterfaceConfigurations: [
              {
                name: 'nic',
                primary: true,
                ipConfigurations: [{ name: 'ipconfig', primary: true, subnet: { id: args.subnetId } }],
              },
            ],
          },
          securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } },
        },
        tags: args.tags,
      },
      // The instances read the token at boot: the role must exist first.
      { parent: this, dependsOn: [secretReader] },
    );

    this.identityClientId = identity.clientId;
    this.identityPrincipalId = identity.principalId;
    this.scaleSetName = this.scaleSet.name;
    this.registerOutputs({ identityClientId: this.identityClientId, identityPrincipalId: this.identityPrincipalId, scaleSetName: this.scaleSetName });
  }
}
