/**
 * The local OIDC provider's login: who may sign in (OIDC_USERS), the password check, and the
 * page itself (self-contained HTML: no script, no external font or style, so it works offline
 * and under a strict CSP). Pure functions; tested in test/local-oidc.test.ts.
 */
import { timingSafeEqual } from 'node:crypto';

export interface LocalUser {
  name: string;
  password: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Parses `name:password[,name:password...]`; throws naming the bad entry. */
export function parseUsers(raw: string): LocalUser[] {
  const users = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      const name = colon > 0 ? entry.slice(0, colon) : '';
      const password = colon > 0 ? entry.slice(colon + 1) : '';
      if (!NAME.test(name) || password === '') {
        throw new Error(`OIDC_USERS: "${colon > 0 ? `${name}:…` : entry}" must be name:password (a name of letters, digits, . _ @ -; a non-empty password)`);
      }
      return { name, password };
    });
  if (users.length === 0) throw new Error('OIDC_USERS: no user; give name:password');
  return users;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The account id for a login attempt, or undefined when it is refused. `users` undefined
 * (browser tests) lets any well-formed name in with any password.
 */
export function checkUser(users: readonly LocalUser[] | undefined, login: string, password: string): string | undefined {
  const name = login.trim();
  if (!NAME.test(name)) return undefined;
  if (users === undefined) return name;
  const user = users.find((u) => u.name === name);
  // Compare against something even for an unknown name, so both answers take the same time.
  return sameSecret(user?.password ?? '\u0000'.repeat(password.length + 1), password) && user ? user.name : undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The login form: posts `login` and `password` to `action`. */
export function loginPage(opts: { action: string; anyUser: boolean; error?: string; login?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · local issuer</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f9; color: #1d2433; margin: 0; }
  main { max-width: 360px; margin: 10vh auto; background: #fff; border: 1px solid #d9dce5; border-radius: 10px; padding: 24px; }
  h1 { font-size: 1.25rem; margin: 0 0 4px; }
  p.note { color: #5b6478; font-size: .9rem; margin: 0 0 16px; }
  label { display: block; font-weight: 600; margin: 12px 0 4px; }
  input { box-sizing: border-box; width: 100%; padding: 8px 10px; border: 1px solid #b8bfce; border-radius: 6px; font: inherit; }
  button { margin-top: 18px; width: 100%; padding: 10px; border: 0; border-radius: 6px; background: #2f5be7; color: #fff; font: inherit; font-weight: 700; cursor: pointer; }
  p.error { color: #b42318; font-weight: 600; }
</style>
</head>
<body>
<main>
  <h1>Sign in</h1>
  <p class="note">Local OpenID Connect issuer for development (${opts.anyUser ? 'any user name and password' : 'the user and password that <code>npm start</code> printed'}).</p>
  ${opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : ''}
  <form method="post" action="${escapeHtml(opts.action)}" autocomplete="off">
    <label for="login">User name</label>
    <input id="login" name="login" autocomplete="username" required autofocus value="${escapeHtml(opts.login ?? '')}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required>
    <button type="submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}

/** The issuer's root page: where a person lands to accept its certificate, with the way back to the app. */
export function landingPage(spaOrigin: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Local issuer</title>
<style>body { font-family: system-ui, sans-serif; max-width: 480px; margin: 10vh auto; color: #1d2433; }</style>
</head>
<body>
<h1>Local sign-in issuer</h1>
<p>This browser now reaches the local OpenID Connect issuer of <code>npm start</code>.</p>
<p><a href="${escapeHtml(spaOrigin)}/">Back to the app</a> and sign in again.</p>
</body>
</html>
`;
}
