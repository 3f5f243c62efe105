import { apiAuthEnv, appAuthConfigSchema, appRegistrationNames, entraIssuer, frontendAuthEnv } from '../lib/app-auth';
import { FIXTURE_AUTH } from '../scripts/chart-fixtures';

test('the api validates v2.0 Entra tokens for its client id (or identifier URI) and the scope', () => {
  expect(apiAuthEnv(FIXTURE_AUTH)).toEqual({
    AUTH_MODE: 'entra',
    AUTH_ISSUER: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000002/v2.0',
    AUTH_AUDIENCE: '3a9c0f1e-5b2d-4e8a-9c7f-1d2e3f4a5b6c,api://3a9c0f1e-5b2d-4e8a-9c7f-1d2e3f4a5b6c',
    AUTH_REQUIRED_SCOPE: 'Jobs.ReadWrite',
  });
});

test('the frontend signs in at the tenant and requests the api scope by its full name', () => {
  expect(frontendAuthEnv(FIXTURE_AUTH)).toEqual({
    AUTH_CLIENT_ID: '8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0',
    AUTH_AUTHORITY: 'https://login.microsoftonline.com/00000000-0000-4000-8000-000000000002',
    AUTH_SCOPE: 'api://3a9c0f1e-5b2d-4e8a-9c7f-1d2e3f4a5b6c/Jobs.ReadWrite',
    AUTH_PROTOCOL: 'entra',
  });
  expect(entraIssuer('t')).toBe('https://login.microsoftonline.com/t/v2.0');
});

test('registration names follow the resource names', () => {
  expect(appRegistrationNames('aksplat', 'prod')).toEqual({ api: 'aksplat-prod-api', spa: 'aksplat-prod-spa' });
});

test.each([
  [{ apiClientId: FIXTURE_AUTH.apiClientId, spaClientId: FIXTURE_AUTH.spaClientId }, undefined],
  [{ apiClientId: 'my-api', spaClientId: FIXTURE_AUTH.spaClientId }, 'apiClientId: must be a GUID (an application (client) id)'],
  [{ apiClientId: FIXTURE_AUTH.apiClientId }, 'spaClientId: Invalid input: expected string, received undefined'],
  [{ apiClientId: FIXTURE_AUTH.apiClientId, spaClientId: FIXTURE_AUTH.spaClientId, scope: 'jobs write' }, 'scope: must be a scope name such as Jobs.ReadWrite'],
  [{ apiClientId: FIXTURE_AUTH.apiClientId, spaClientId: FIXTURE_AUTH.spaClientId, enabled: false }, ': Unrecognized key: "enabled"'],
])('apps.auth %j: %s', (value, problem) => {
  const parsed = appAuthConfigSchema.safeParse(value);
  if (problem === undefined) {
    expect(parsed.success).toBe(true);
    expect(parsed.data?.scope).toBe('Jobs.ReadWrite');
  } else {
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([problem]);
  }
});
