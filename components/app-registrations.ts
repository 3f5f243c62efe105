import * as pulumi from '@pulumi/pulumi';
import * as azuread from '@pulumi/azuread';
import * as random from '@pulumi/random';
import { DEFAULT_API_SCOPE, apiIdentifierUri } from '../lib/app-auth';

/** Arguments of {@link AppRegistrations}. */
export interface AppRegistrationsArgs {
  /** Display names of the api and the single-page app registrations (lib/app-auth.ts `appRegistrationNames`). */
  displayNames: { api: string; spa: string };
  /** The delegated scope the api exposes and the SPA requests; default `Jobs.ReadWrite`. */
  scope?: string;
  /** Public origins the SPA is served from (e.g. the Front Door URL); each becomes a `Spa` redirect URI `<origin>/`. */
  spaOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /** Object ids of the registrations' owners (the deploying principal, so it can manage them: Application.ReadWrite.OwnedBy). */
  owners: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The workload's Entra ID app registrations: the **api** (identifier URI
 * `api://<client-id>`, v2.0 access tokens, one delegated scope) and the **SPA** (a
 * public client with `Spa` redirect URIs, auth code + PKCE, allowed to request that
 * scope), each with its service principal. The deploying principal owns both, which
 * is all Microsoft Graph's `Application.ReadWrite.OwnedBy` lets it change.
 */
export class AppRegistrations extends pulumi.ComponentResource {
  /** Application (client) id of the api: the access tokens' audience. */
  public readonly apiClientId: pulumi.Output<string>;
  /** Application (client) id of the SPA. */
  public readonly spaClientId: pulumi.Output<string>;
  /** The scope name. */
  public readonly scope: string;

  constructor(name: string, args: AppRegistrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:AppRegistrations', name, {}, opts);
    const parent = { parent: this };
    const scope = args.scope ?? DEFAULT_API_SCOPE;
    if (!/^[A-Za-z][A-Za-z0-9._-]{0,119}$/.test(scope)) {
      throw new pulumi.ResourceError(`AppRegistrations ${name}: args.scope "${scope}" must be a scope name such as ${DEFAULT_API_SCOPE}`, this);
    }

    const api = new azuread.ApplicationRegistration(
      `${name}-api`,
      { displayName: args.displayNames.api, signInAudience: 'AzureADMyOrg', requestedAccessTokenVersion: 2 },
      parent,
    );
    new azuread.ApplicationIdentifierUri(
      `${name}-api-uri`,
      { applicationId: api.id, identifierUri: api.clientId.apply(apiIdentifierUri) },
      parent,
    );
    // A scope id is a GUID chosen once and kept (Graph refuses to change it while the scope is enabled).
    const scopeId = new random.RandomUuid(`${name}-scope-id`, {}, parent);
    const permission = new azuread.ApplicationPermissionScope(
      `${name}-api-scope`,
      {
        applicationId: api.id,
        scopeId: scopeId.result,
        value: scope,
        type: 'User',
        adminConsentDisplayName: 'Submit and read your jobs',
        adminConsentDescription: 'Lets the job runner submit jobs and read their status for the signed-in user.',
        userConsentDisplayName: 'Submit and read your jobs',
        userConsentDescription: 'Lets the job runner submit jobs and read their status for you.',
      },
      parent,
    );
    new azuread.ServicePrincipal(`${name}-api-sp`, { clientId: api.clientId, owners: args.owners, appRoleAssignmentRequired: false }, parent);

    const spa = new azuread.ApplicationRegistration(`${name}-spa`, { displayName: args.displayNames.spa, signInAudience: 'AzureADMyOrg' }, parent);
    new azuread.ApplicationRedirectUris(
      `${name}-spa-redirects`,
      {
        applicationId: spa.id,
        type: 'SPA',
        redirectUris: pulumi.output(args.spaOrigins).apply((origins) => origins.map((o) => `${o.replace(/\/+$/, '')}/`)),
      },
      parent,
    );
    new azuread.ApplicationApiAccess(
      `${name}-spa-api-access`,
      { applicationId: spa.id, apiClientId: api.clientId, scopeIds: [scopeId.result] },
      { parent: this, dependsOn: [permission] },
    );
    new azuread.ServicePrincipal(`${name}-spa-sp`, { clientId: spa.clientId, owners: args.owners }, parent);

    this.apiClientId = api.clientId;
    this.spaClientId = spa.clientId;
    this.scope = scope;
    this.registerOutputs({ apiClientId: this.apiClientId, spaClientId: this.spaClientId, scope });
  }
}
