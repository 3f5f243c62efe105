import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { AzureComponentArgs } from '../lib/component-args';
import { APP_IDENTITY_ROLES, AppIdentityRole, KEDA_OPERATOR_SERVICE_ACCOUNT } from '../lib/app-identities';
import { ServiceAccountRef, roleDefinitionId, serviceAccountsProblem, subscriptionOfResourceId } from '../lib/data-services';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import { PROGRAM_ROLES } from '../lib/role-ids';
import { WorkloadIdentity } from './workload-identity';

/** Arguments of {@link AppIdentities}. */
export interface AppIdentitiesArgs extends AzureComponentArgs {
  /** The AKS cluster's OIDC issuer URL (`oidcIssuerProfile.issuerURL`); every federated credential trusts only it. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** The service account of each identity: api, agent and the migration Job (lib/app-identities.ts `appServiceAccounts`). */
  serviceAccounts: Record<AppIdentityRole, ServiceAccountRef>;
  /**
   * The KEDA add-on's identity (federated with kube-system/keda-operator) and its `Monitoring Data
   * Reader` assignment on this Azure Monitor workspace; leave out for none (no queue-lag scaling).
   */
  keda?: { monitorWorkspaceId: pulumi.Input<string> };
}

/**
 * One user-assigned managed identity per workload that reaches data, each federated with exactly
 * one Kubernetes service account: the api, the agent, the migration Job (the PostgreSQL Entra
 * administrator) and, with `keda`, the KEDA operator (reads the queue lag from managed
 * Prometheus). No identity gets a vault-wide or subscription role here: their data-plane access is
 * granted by the data services themselves (PostgreSQL roles, Redis access policy assignments,
 * per-secret Key Vault roles).
 */
export class AppIdentities extends pulumi.ComponentResource {
  /** The identities by role. */
  public readonly identities: Record<AppIdentityRole, WorkloadIdentity>;
  /** The KEDA operator's identity (with `keda`). */
  public readonly keda?: WorkloadIdentity;
  /** Its `Monitoring Data Reader` assignment on the workspace (with `keda`). */
  public readonly kedaMetricsReader?: authorization.RoleAssignment;
  /** Every federated credential (what a pod using one of the identities waits for). */
  public readonly federatedCredentials: pulumi.Resource[];
  /** Client id of each identity (service-account annotation `azure.workload.identity/client-id`). */
  public readonly clientIds: pulumi.Output<Record<AppIdentityRole, string>>;

  constructor(name: string, args: AppIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:AppIdentities', name, {}, opts);
    const problems: ArgProblem[] = [];
    const accounts = APP_IDENTITY_ROLES.map((role) => args.serviceAccounts[role]);
    if (accounts.some((a) => a === undefined)) {
      problems.push({ path: 'serviceAccounts', problem: `one service account each for ${APP_IDENTITY_ROLES.join(', ')} is required` });
    } else {
      const problem = serviceAccountsProblem(accounts);
      if (problem) problems.push({ path: 'serviceAccounts', problem });
    }
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('AppIdentities', name, problems), this);

    const common = { naming: args.naming, resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags, oidcIssuerUrl: args.oidcIssuerUrl };
    const entries = APP_IDENTITY_ROLES.map(
      (role) => [role, new WorkloadIdentity(`${name}-${role}`, { ...common, qualifier: role, serviceAccounts: [args.serviceAccounts[role]] }, { parent: this })] as const,
    );
    this.identities = Object.fromEntries(entries) as Record<AppIdentityRole, WorkloadIdentity>;

    if (args.keda) {
      this.keda = new WorkloadIdentity(`${name}-keda`, { ...common, qualifier: 'keda', serviceAccounts: [KEDA_OPERATOR_SERVICE_ACCOUNT] }, { parent: this });
      const subscriptionId = pulumi.output(args.keda.monitorWorkspaceId).apply(subscriptionOfResourceId);
      this.kedaMetricsReader = new authorization.RoleAssignment(
        `${name}-keda-metrics-reader`,
        {
          scope: args.keda.monitorWorkspaceId,
          roleDefinitionId: subscriptionId.apply((sub) => roleDefinitionId(sub, PROGRAM_ROLES.monitoringDataReader.id)),
          principalId: this.keda.principalId,
          // Set explicitly so ARM does not look the new principal up in Entra before it has replicated.
          principalType: 'ServicePrincipal',
          description: 'KEDA add-on reads the job queue lag from managed Prometheus to scale the agent (aks-platform)',
        },
        { parent: this },
      );
    }

    this.federatedCredentials = [...entries.flatMap(([, identity]) => identity.federatedCredentials), ...(this.keda?.federatedCredentials ?? [])];
    this.clientIds = pulumi
      .all(entries.map(([, identity]) => identity.clientId))
      .apply((ids) => Object.fromEntries(APP_IDENTITY_ROLES.map((role, i) => [role, ids[i]])) as Record<AppIdentityRole, string>);
    this.registerOutputs({ clientIds: this.clientIds, kedaClientId: this.keda?.clientId });
  }
}
