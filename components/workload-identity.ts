import * as pulumi from '@pulumi/pulumi';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { resourceName } from '../lib/naming';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import {
  DEFAULT_APP_SERVICE_ACCOUNTS,
  ServiceAccountRef,
  WORKLOAD_IDENTITY_AUDIENCE,
  federatedCredentialName,
  serviceAccountSubject,
  serviceAccountsProblem,
} from '../lib/data-services';
import { AzureComponentArgs } from '../lib/component-args';

/** Arguments of {@link WorkloadIdentity}. */
export interface WorkloadIdentityArgs extends AzureComponentArgs {
  /** Name qualifier; default `apps`. */
  qualifier?: string;
  /** The AKS cluster's OIDC issuer URL (`oidcIssuerProfile.issuerURL`). */
  oidcIssuerUrl: pulumi.Input<string>;
  /** Kubernetes service accounts that may act as this identity; default api/api and agent/agent. Plain values: one federated credential each. */
  serviceAccounts?: ServiceAccountRef[];
}

/**
 * A user-assigned managed identity that Kubernetes service accounts use through
 * Entra workload identity: one federated credential per service account
 * (`system:serviceaccount:<namespace>:<name>`, audience `api://AzureADTokenExchange`).
 * Pods annotate their service account with {@link clientId}.
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
  /** The identity. */
  public readonly identity: managedidentity.UserAssignedIdentity;
  /** ARM ID of the identity. */
  public readonly identityId: pulumi.Output<string>;
  /** Azure name of the identity. */
  public readonly identityName: pulumi.Output<string>;
  /** Client (application) ID: the `azure.workload.identity/client-id` service-account annotation. */
  public readonly clientId: pulumi.Output<string>;
  /** Object ID of the identity's service principal (for role assignments). */
  public readonly principalId: pulumi.Output<string>;
  /** Tenant of the identity. */
  public readonly tenantId: pulumi.Output<string>;
  /** The federated credentials, in creation order. */
  public readonly federatedCredentials: managedidentity.FederatedIdentityCredential[];

  constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:WorkloadIdentity', name, {}, opts);
    const accounts = args.serviceAccounts ?? [...DEFAULT_APP_SERVICE_ACCOUNTS];
    const problems: ArgProblem[] = [];
    const saProblem = serviceAccountsProblem(accounts);
    if (saProblem) problems.push({ path: 'serviceAccounts', problem: saProblem });
    const qualifier = args.qualifier ?? 'apps';
    if (!/^[a-z0-9]{1,20}$/.test(qualifier)) problems.push({ path: 'qualifier', problem: `"${qualifier}" is not allowed; use 1–20 lowercase letters and digits` });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('WorkloadIdentity', name, problems), this);

    this.identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        resourceName: resourceName(args.naming, 'managedIdentity', qualifier),
        resourceGroupName: args.resourceGroupName,
        location: args.location ?? args.naming.location,
        tags: args.tags,
      },
      { parent: this },
    );

    // Azure rejects concurrent writes of federated credentials on one identity
    // ("Too many Federated Identity Credentials are written concurrently"), so each waits for the previous one.
    this.federatedCredentials = [];
    let previous: pulumi.Resource | undefined;
    for (const sa of accounts) {
      const credentialName = federatedCredentialName(sa);
      const credential: managedidentity.FederatedIdentityCredential = new managedidentity.FederatedIdentityCredential(
        `${name}-fic-${credentialName}`,
        {
          federatedIdentityCredentialResourceName: credentialName,
          resourceGroupName: args.resourceGroupName,
          resourceName: this.identity.name,
          issuer: args.oidcIssuerUrl,
          subject: serviceAccountSubject(sa),
          audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      this.federatedCredentials.push(credential);
      previous = credential;
    }

    this.identityId = this.identity.id;
    this.identityName = this.identity.name;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
    this.tenantId = this.identity.tenantId;
    this.registerOutputs({
      identityId: this.identityId,
      identityName: this.identityName,
      clientId: this.clientId,
      principalId: this.principalId,
      tenantId: this.tenantId,
    });
  }
}
