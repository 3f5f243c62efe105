/**
 * The Pulumi program: read and validate this stack's config, stand up the
 * platform, return the stack outputs. `index.ts` runs it; the tests and the
 * offline plan call {@link createStack} after installing mocks.
 */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigValidationError, targetConfigFromPulumiConfig, type TargetConfig } from './config/validate';
import type { LocalStackConfig, StackConfig } from './config/schema';
import { localPlatformArgsFromConfig, platformArgsFromConfig } from './config/platform-args';
import { Platform } from './components/platform';
import { LocalPlatform } from './components/local-platform';
import { readGitSource, resolveImageTag, type GitSource } from './lib/image-source';
import { uniqueSuffixFor } from './lib/naming';
import { Clock, systemClock } from './lib/aks-versions';
import { checkDeployRules } from './config/deploy-rules';

/** Options of {@link createStack}. */
export interface CreateStackOptions {
  /** The clock the AKS version calendar is read with; default the system clock (tests inject a date). */
  clock?: Clock;
  /**
   * The checkout's git facts (the image tag's commit, the builds' timestamp) when the caller has
   * read them already, `null` when it found no checkout; default: read from the checkout. The
   * offline runs read them once per test file, for a run's cache key, and pass them on.
   */
  gitSource?: GitSource | null;
}

/**
 * Validates the stack config (either target), then, for Azure, Azure's date-dependent rules
 * (the AKS version calendar); a bad value stops the program before any resource exists.
 */
function loadConfig(clock: Clock): TargetConfig {
  try {
    const loaded = targetConfigFromPulumiConfig(pulumi.runtime.allConfig());
    // Warnings (a version near end of life, a VM size the table does not know) are logged by AksCluster.
    if (loaded.target === 'azure') checkDeployRules(loaded.config, clock);
    return loaded;
  } catch (err) {
    // RunError prints the message alone, without a stack trace: it is the user's to fix.
    if (err instanceof ConfigValidationError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

/** Builds the whole environment and returns the stack outputs. */
export function createStack(options: CreateStackOptions = {}) {
  const clock = options.clock ?? systemClock;
  const loaded = loadConfig(clock);
  const repoRoot = __dirname.endsWith(`${path.sep}dist`) ? path.dirname(__dirname) : __dirname;
  const git = options.gitSource === undefined ? readGitSource(repoRoot) : (options.gitSource ?? undefined);
  let imageTag: string;
  try {
    imageTag = resolveImageTag({ configuredTag: loaded.config.apps.imageTag, git });
  } catch (err) {
    throw new pulumi.RunError(`aks-platform:apps.imageTag: ${(err as Error).message}`);
  }
  if (loaded.target === 'local') return createLocalStack(loaded.config, { imageTag, sourceDateEpoch: git?.commitTime, contextDirectory: repoRoot });
  const cfg = loaded.config;

  const platform = new Platform(
    `${cfg.prefix}-${cfg.environment}`,
    platformArgsFromConfig(cfg, {
      uniqueSuffix: uniqueSuffixFor(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`),
      imageTag,
      sourceDateEpoch: git?.commitTime,
      contextDirectory: repoRoot,
      clock,
    }),
  );

  return stackOutputs(cfg, platform, imageTag);
}

/**
 * The stack outputs of one platform: what an operator needs next. The program
 * exports them; the `PlatformStack` facade (provider/) exposes the same set.
 */
export function stackOutputs(cfg: StackConfig, platform: Platform, imageTag: string) {
  const images = Object.fromEntries(Object.entries(platform.images).map(([app, image]) => [app, image.imageRef]));
  const releases = Object.fromEntries(
    Object.entries(platform.releases).map(([app, release]) => [app, { namespace: release.namespaceName, status: release.status, revision: release.revision }]),
  );
  return {
    environment: cfg.environment,
    location: cfg.location,
    resourceGroupName: platform.resourceGroup.name,
    vnetId: platform.network.vnetId,
    registryName: platform.registry.name,
    registryLoginServer: platform.registry.loginServer,
    clusterName: platform.cluster.clusterName,
    clusterPrivateFqdn: platform.cluster.privateFqdn,
    oidcIssuerUrl: platform.cluster.oidcIssuerUrl,
    nodeResourceGroup: platform.cluster.nodeResourceGroup,
    kubeconfig: pulumi.secret(platform.cluster.kubeconfig),
    postgresFqdn: platform.postgres.fqdn,
    postgresDatabase: platform.postgres.databaseNames.apply((names) => names[0]),
    /** The PostgreSQL Entra administrator (the migration identity's name); there is no password login. */
    postgresEntraAdmin: platform.postgres.entraAdministratorName,
    redisHost: platform.redis.hostName,
    redisPort: platform.redis.port,
    keyVaultUri: platform.keyVault.vaultUri,
    keyVaultName: platform.keyVault.vaultName,
    /** Client id of each workload identity: api, agent, migrate. */
    appIdentityClientIds: platform.appIdentityClientIds,
    imageTag,
    images,
    releases,
    /** The public URL: `https://<Front Door endpoint host>`, or the custom domain `apps.host`. */
    publicUrl: platform.publicUrl,
    /** Front Door's endpoint host (`*.azurefd.net`): point a CNAME for `apps.host` here. */
    frontDoorEndpointHost: platform.frontDoor?.endpointHostName,
    /** TXT record that validates `apps.host` for Front Door's managed certificate. */
    customDomainValidation: platform.frontDoor?.customDomainValidation,
    /** Where the apps answer (the smoke test's host): `apps.host` when set, else the Front Door endpoint host. */
    ingressHost: cfg.apps.host ?? platform.frontDoor?.endpointHostName,
    /** URL of Azure Managed Grafana (with `monitoring`; sign in with Entra ID). */
    grafanaEndpoint: platform.grafana?.endpoint,
    /** ARM ID of the Azure Monitor workspace holding the Prometheus metrics (with `monitoring`). */
    monitorWorkspaceId: platform.prometheus?.workspaceId,
  };
}

/**
 * The `local` target (Pulumi.local.yaml): the same chart and images on the current kubeconfig
 * context, PostgreSQL and Redis in-cluster; no Azure resource, no Azure credential.
 */
export function createLocalStack(cfg: LocalStackConfig, context: { imageTag: string; sourceDateEpoch?: number; contextDirectory: string }) {
  const platform = new LocalPlatform(`${cfg.prefix}-${cfg.environment}`, localPlatformArgsFromConfig(cfg, context));
  return {
    target: 'local' as const,
    environment: cfg.environment,
    kubeContext: cfg.local.kubeContext ?? '(current context)',
    registry: cfg.local.registry,
    imageTag: context.imageTag,
    images: Object.fromEntries(Object.entries(platform.images).map(([app, image]) => [app, image.imageRef])),
    releases: Object.fromEntries(
      Object.entries(platform.releases).map(([app, release]) => [app, { namespace: release.namespaceName, status: release.status, revision: release.revision }]),
    ),
    postgresHost: platform.dataStores.postgres.host,
    redisHost: platform.dataStores.redis.host,
    /** The gateway the apps' routes attach to: its Service type and node port (README "Run it locally" says how each cluster reaches it). */
    gateway: { serviceType: cfg.local.gateway.serviceType, nodePort: cfg.local.gateway.nodePort, status: platform.gateway.status },
    /** Works on any cluster: run this, then open http://127.0.0.1:8080. */
    portForward: platform.portForward,
  };
}
