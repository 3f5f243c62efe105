/**
 * Representative inputs for the chart checks (`npm run lint:chart` and
 * test/chart*.test.ts): every app in every environment, with values produced by
 * the real values function (lib/app-values.ts) from platform facts shaped like
 * the program's outputs. Both route through the platform's Gateway (prod with a
 * custom domain on Front Door); {@link canaryCase} adds a canary track.
 */
import { APP_NAMES, AppName, loadAppProfiles } from '../lib/app-profiles';
import { APP_ENVIRONMENTS, AppEnvironment, PlatformFacts, appValues, defaultAppNamespaces, platformGateway, resolveAppSizing } from '../lib/app-values';
import { AZURE_POSTGRES_ROOTS_PATH, agentQueueLagQuery } from '../lib/app-identities';

/** A made-up digest per app, so each release has a distinct, valid digest-pinned reference. */
export function fixtureImageRef(app: AppName): string {
  const hex = Buffer.from(`${app}-digest`).toString('hex').padEnd(64, '0').slice(0, 64);
  return `craksplatprodweu1a2b3c.azurecr.io/aks-platform/${app}@sha256:${hex}`;
}

/** App registrations as the program would create them (made-up GUIDs). */
export const FIXTURE_AUTH = {
  tenantId: '00000000-0000-4000-8000-000000000002',
  apiClientId: '3a9c0f1e-5b2d-4e8a-9c7f-1d2e3f4a5b6c',
  spaClientId: '8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0',
  scope: 'Jobs.ReadWrite',
};

/** Made-up ids of the workload identities (client id, object id) as the program creates them. */
export const FIXTURE_IDENTITIES = {
  api: { clientId: '7f3c1a52-2b4e-4c1d-9a8f-0e6b5d4c3b2a', objectId: '1b2c3d4e-0000-4000-8000-00000000a001' },
  agent: { clientId: '5e6f7a8b-2b4e-4c1d-9a8f-0e6b5d4c3b2b', objectId: '1b2c3d4e-0000-4000-8000-00000000a002' },
  migrate: { clientId: '9a8b7c6d-2b4e-4c1d-9a8f-0e6b5d4c3b2c', objectId: '1b2c3d4e-0000-4000-8000-00000000a003' },
  keda: { clientId: '2c3d4e5f-2b4e-4c1d-9a8f-0e6b5d4c3b2d', objectId: '1b2c3d4e-0000-4000-8000-00000000a004' },
} as const;

/** The Entra principal name of an identity in an environment (its managed identity's name). */
export function fixturePrincipal(role: keyof typeof FIXTURE_IDENTITIES, environment: AppEnvironment): string {
  return `id-aksplat-${environment}-weu-${role}`;
}

/** Platform facts as the program would pass them in an environment: Entra for PostgreSQL and Redis, the api's migration Job, the agent's KEDA scaling. */
export function fixtureFacts(app: AppName, environment: AppEnvironment): PlatformFacts {
  const identity = app === 'frontend' ? FIXTURE_IDENTITIES.api : FIXTURE_IDENTITIES[app];
  const role = app === 'frontend' ? 'api' : app;
  const login = (r: 'api' | 'agent') => [{ name: fixturePrincipal(r, environment), objectId: FIXTURE_IDENTITIES[r].objectId }];
  return {
    imageRef: fixtureImageRef(app),
    namespaces: defaultAppNamespaces(),
    tenantId: '00000000-0000-4000-8000-000000000002',
    identityClientId: identity.clientId,
    keyVaultName: `kv-aksplat-${environment}-1a2b3c`,
    postgres: {
      host: `psql-aksplat-${environment}-weu-1a2b3c.postgres.database.azure.com`,
      database: 'jobs',
      user: fixturePrincipal(role, environment),
      sslMode: 'verify-full',
      auth: 'entra',
      sslRootCert: AZURE_POSTGRES_ROOTS_PATH,
    },
    redis: { host: `redis-aksplat-${environment}-weu-1a2b3c.westeurope.redis.azure.net`, port: 10000, tls: true, auth: 'entra', username: identity.objectId },
    migrations:
      app === 'api'
        ? { user: fixturePrincipal('migrate', environment), identityClientId: FIXTURE_IDENTITIES.migrate.clientId, apiLogins: login('api'), agentLogins: login('agent') }
        : undefined,
    queueScaling:
      app === 'agent'
        ? {
            serverAddress: `https://amw-aksplat-${environment}-weu-abcd.westeurope.prometheus.monitor.azure.com`,
            identityClientId: FIXTURE_IDENTITIES.keda.clientId,
            query: agentQueueLagQuery(`aks-aksplat-${environment}-weu`, 'api'),
          }
        : undefined,
    dataSubnetCidr: '10.20.3.0/24',
    auth: FIXTURE_AUTH,
    // Both stacks route through the platform's Gateway; prod has a custom domain on Front Door.
    gateway: platformGateway(),
    publicOrigin: environment === 'prod' ? 'https://jobs.contoso.com' : 'https://fde-aksplat-dev-1a2b3c-abcdefgh.z01.azurefd.net',
  };
}

/** The same app with password authentication to both data services (the secrets come from Key Vault through the CSI driver). */
export function passwordFacts(app: AppName, environment: AppEnvironment): PlatformFacts {
  const facts = fixtureFacts(app, environment);
  return {
    ...facts,
    postgres: { host: facts.postgres.host, database: facts.postgres.database, user: 'jobs_app', sslMode: 'require' },
    redis: { host: facts.redis.host, port: facts.redis.port, tls: true },
    migrations: undefined,
  };
}

/** One app in one environment from the given facts. */
export function factsCase(app: AppName, environment: AppEnvironment, facts: PlatformFacts): ChartCase {
  const values = appValues({ app, environment, sizing: resolveAppSizing(app, environment), profiles: loadAppProfiles(), facts });
  return { app, environment, namespace: facts.namespaces[app], values };
}

/** One app/environment case with its computed Helm values. */
export interface ChartCase {
  app: AppName;
  environment: AppEnvironment;
  namespace: string;
  values: Record<string, unknown>;
}

/** Every app in every environment. */
export function chartCases(): ChartCase[] {
  const profiles = loadAppProfiles();
  return APP_ENVIRONMENTS.flatMap((environment) =>
    APP_NAMES.map((app) => {
      const facts = fixtureFacts(app, environment);
      const values = appValues({ app, environment, sizing: resolveAppSizing(app, environment), profiles, facts });
      return { app, environment, namespace: facts.namespaces[app], values };
    }),
  );
}

/** A made-up canary image (another digest of the same repository). */
export function fixtureCanaryImageRef(app: AppName): string {
  const hex = Buffer.from(`${app}-canary`).toString('hex').padEnd(64, '0').slice(0, 64);
  return `craksplatprodweu1a2b3c.azurecr.io/aks-platform/${app}@sha256:${hex}`;
}

/** One app in one environment with a canary track of `weight` percent. */
export function canaryCase(app: AppName, environment: AppEnvironment, weight: number): ChartCase {
  const facts = { ...fixtureFacts(app, environment), canary: { imageRef: fixtureCanaryImageRef(app), weight } };
  const values = appValues({ app, environment, sizing: resolveAppSizing(app, environment), profiles: loadAppProfiles(), facts });
  return { app, environment, namespace: facts.namespaces[app], values };
}
