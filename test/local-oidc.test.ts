/**
 * The local OIDC issuer's login rules (apps/common/test-support/oidc-provider/login-page.ts):
 * who may sign in, the password check and the page. The issuer itself runs in the launcher's
 * and the frontend's browser tests (test/launcher.test.ts, apps/frontend/test/e2e.test.ts).
 */
import { checkUser, landingPage, loginPage, parseUsers } from '../apps/common/test-support/oidc-provider/login-page';

describe('OIDC_USERS', () => {
  test('name:password pairs, comma-separated; a password may hold a colon', () => {
    expect(parseUsers('developer:s3cret, alice@example.test:a:b')).toEqual([
      { name: 'developer', password: 's3cret' },
      { name: 'alice@example.test', password: 'a:b' },
    ]);
  });

  test.each([
    ['developer', 'OIDC_USERS: "developer" must be name:password'],
    ['developer:', 'OIDC_USERS: "developer:…" must be name:password'],
    [':pw', 'OIDC_USERS: ":pw" must be name:password'],
    ['bad name:pw', 'OIDC_USERS: "bad name:…" must be name:password'],
    [' , ', 'OIDC_USERS: no user; give name:password'],
  ])('%j is refused without echoing the password', (raw, message) => {
    expect(() => parseUsers(raw)).toThrow(message);
  });
});

describe('checkUser', () => {
  const users = parseUsers('developer:s3cret');
  test.each<[string, string, string | undefined]>([
    ['developer', 's3cret', 'developer'],
    [' developer ', 's3cret', 'developer'],
    ['developer', 's3cret ', undefined],
    ['developer', 'S3cret', undefined],
    ['developer', '', undefined],
    ['alice', 's3cret', undefined],
    ['<script>', 's3cret', undefined],
  ])('with users: %j / %j → %j', (login, password, expected) => {
    expect(checkUser(users, login, password)).toBe(expected);
  });

  test('without users (browser tests) any well-formed name signs in, with any password', () => {
    expect(checkUser(undefined, 'alice', 'anything')).toBe('alice');
    expect(checkUser(undefined, 'a b', 'x')).toBeUndefined();
  });
});

describe('the pages', () => {
  test('the login form posts login and password to the interaction, escapes what it echoes, loads nothing external', () => {
    const html = loginPage({ action: '/interaction/abc', anyUser: false, error: 'Wrong user name or password.', login: '"><script>x</script>' });
    expect(html).toContain('<form method="post" action="/interaction/abc"');
    expect(html).toContain('name="login"');
    expect(html).toContain('name="password" type="password"');
    expect(html).toContain('<p class="error" role="alert">Wrong user name or password.</p>');
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(html).toContain('the user and password that <code>npm start</code> printed');
    expect(loginPage({ action: '/i/x', anyUser: true })).toContain('any user name and password');
  });

  test('the landing page leads back to the app', () => {
    expect(landingPage('http://127.0.0.1:5173')).toContain('<a href="http://127.0.0.1:5173/">Back to the app</a>');
  });
});
