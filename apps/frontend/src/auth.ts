/**
 * Sign-in with MSAL (authorization code flow with PKCE, redirect). This module is
 * loaded with a dynamic `import()` after the first paint, so MSAL is not part of the
 * initial JavaScript (see test/bundle.test.ts for the budget).
 */
import { InteractionRequiredAuthError, createStandardPublicClientApplication, type AccountInfo } from '@azure/msal-browser';
import type { AuthSettings } from './runtimeConfig';

export interface AuthSession {
  /** The signed-in account's display name (or username), for the header. */
  readonly userName: string;
  /** An access token for the api, refreshed silently by MSAL; redirects to sign in again when it must. */
  getToken(): Promise<string>;
  signOut(): Promise<void>;
}

export interface Auth {
  /** The current session, or undefined when nobody is signed in. */
  session: AuthSession | undefined;
  /** Starts the redirect to the sign-in page. */
  signIn(): Promise<void>;
}

/**
 * The sign-in service could not be reached from this page. For the local issuer of `npm start`
 * that is nearly always its self-signed certificate: the browser refuses it until accepted once.
 */
export class AuthorityUnreachableError extends Error {
  constructor(public readonly authority: string) {
    super(
      `Could not reach the sign-in service at ${authority}. If it is the local issuer of npm start, ` +
        'open it once in this browser and accept its self-signed certificate (or trust the certificate in .local/oidc/cert.pem), then sign in again.',
    );
    this.name = 'AuthorityUnreachableError';
  }
}

/** Before the redirect: a plain OIDC issuer's discovery document must load, or the user gets a message that says why. */
async function checkReachable(authority: string): Promise<void> {
  try {
    await fetch(`${authority}/.well-known/openid-configuration`, { cache: 'no-store' });
  } catch {
    throw new AuthorityUnreachableError(authority);
  }
}

function displayName(account: AccountInfo): string {
  return account.name || account.username || 'signed in';
}

/**
 * Creates the MSAL client, completes a redirect that brought the user back here, and
 * returns the current session. Tokens live in sessionStorage (gone with the tab).
 */
export async function createAuth(settings: AuthSettings): Promise<Auth> {
  const origin = window.location.origin;
  const authorityHost = new URL(settings.authority).host;
  const msal = await createStandardPublicClientApplication({
    auth: {
      clientId: settings.clientId,
      authority: settings.authority,
      redirectUri: `${origin}/`,
      postLogoutRedirectUri: `${origin}/`,
      // A non-Entra issuer (the local one) is trusted by name and spoken to as plain OIDC.
      ...(settings.protocol === 'oidc' ? { knownAuthorities: [authorityHost] } : {}),
    },
    cache: { cacheLocation: 'sessionStorage' },
    system: settings.protocol === 'oidc' ? { protocolMode: 'OIDC' } : {},
  });
  const result = await msal.handleRedirectPromise();
  const account = result?.account ?? msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  if (account) msal.setActiveAccount(account);
  const request = { scopes: settings.scopes };

  const session: AuthSession | undefined = account && {
    userName: displayName(account),
    async getToken() {
      try {
        return (await msal.acquireTokenSilent({ ...request, account })).accessToken;
      } catch (err) {
        if (err instanceof InteractionRequiredAuthError) {
          await msal.acquireTokenRedirect(request);
          // The page navigates away; this promise never settles.
          return new Promise<string>(() => undefined);
        }
        throw err;
      }
    },
    signOut: () => msal.logoutRedirect({ account }),
  };
  return {
    session,
    signIn: async () => {
      if (settings.protocol === 'oidc') await checkReachable(settings.authority);
      await msal.loginRedirect(request);
    },
  };
}
