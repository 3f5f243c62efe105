import * as pulumi from '@pulumi/pulumi';
// Submodules, not the package root: its typings (every API group's) added ~580 files to the type-check;
// helm/v3/release, not helm/v3, whose Chart's typings import yaml's, which import every API group.
import * as corev1 from '@pulumi/kubernetes/core/v1';
import * as helm from '@pulumi/kubernetes/helm/v3/release';
import * as k8s from '@pulumi/kubernetes/provider';
import { APP_NAMES, AppName, AppProfiles, chartDirectory, loadAppProfiles } from '../lib/app-profiles';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import {
  APP_ENVIRONMENTS,
  MigrationFacts,
  QueueScalingFacts,
  AppEnvironment,
  AppGateway,
  AppSizing,
  AppSizingOverride,
  LocalFacts,
  PlatformFacts,
  appValues,
  defaultAppNamespaces,
  resolveAppSizing,
} from '../lib/app-values';

/** Arguments of {@link HelmApp}. */
export interface HelmAppArgs {
  /** The app to deploy: `api`, `agent` or `frontend`. */
  app: AppName;
  /** Sizing preset: `dev` (small) or `prod` (>= 3 replicas, HPA, PDB, zone spread). */
  environment: AppEnvironment;
  /** Per-app sizing overrides from stack config (`apps.<app>`). */
  sizing?: AppSizingOverride;
  /** Kubernetes provider of the AKS cluster. */
  provider: k8s.Provider;
  /** Digest-pinned image reference (AppImage.imageRef). */
  imageRef: pulumi.Input<string>;
  /** The platform registry's login server: the image must come from it. */
  registryLoginServer?: pulumi.Input<string>;
  /** Namespace of each app's release (default: the app's name); the frontend needs the api's. */
  namespaces?: Record<AppName, string>;
  /** Entra tenant id (api, agent). */
  tenantId?: pulumi.Input<string>;
  /** Client id of the workload identity federated with the app's service account (api, agent). */
  identityClientId?: pulumi.Input<string>;
  /** Key Vault the app's secret files come from (api, agent; only with a password-mode data service). */
  keyVaultName?: pulumi.Input<string>;
  /**
   * PostgreSQL connection facts, no password (api, agent); `sslMode` default `require`; `auth: entra`:
   * `user` is the app's Entra principal and its workload-identity token the password; `sslRootCert`: CA bundle path in the image.
   */
  postgres?: pulumi.Input<{
    host: pulumi.Input<string>;
    port?: pulumi.Input<number>;
    database: pulumi.Input<string>;
    user: pulumi.Input<string>;
    sslMode?: 'disable' | 'require' | 'verify-full';
    auth?: 'password' | 'entra';
    sslRootCert?: string;
  }>;
  /** Redis connection facts, no password (api, agent); `tls` default true; `auth: entra`: ACL user `username` (the identity's object id) with its token. */
  redis?: pulumi.Input<{ host: pulumi.Input<string>; port: pulumi.Input<number>; tls?: boolean; auth?: 'password' | 'entra'; username?: pulumi.Input<string> }>;
  /** api only: the schema migrations Job (pre-install/pre-upgrade) under the owner identity, creating the apps' Entra login roles. */
  migrations?: pulumi.Input<MigrationFacts>;
  /** agent only: KEDA scales it on queue lag (prometheus scaler against managed Prometheus, workload identity). */
  queueScaling?: pulumi.Input<QueueScalingFacts>;
  /** A local cluster instead of AKS: passwords from this Kubernetes Secret, data services in this namespace (no Key Vault, identity or data subnet). */
  local?: LocalFacts;
  /** CIDR of the subnet with the Postgres and Redis private endpoints (NetworkPolicy egress). */
  dataSubnetCidr?: pulumi.Input<string>;
  /** The platform's Gateway: the chart renders an HTTPRoute attached to it (frontend at `/`, api at `/api` and `/socket.io`) and admits its pods. */
  gateway?: AppGateway;
  /** Public origin of the apps, e.g. `https://<Front Door host>` (the api's CORS origin). */
  publicOrigin?: pulumi.Input<string>;
  /** A canary track: its digest-pinned image and its share of the route's traffic in percent (api, frontend). */
  canary?: { imageRef: pulumi.Input<string>; weight: number };
  /** Sign-in: the Entra tenant, the api and SPA registrations and the scope (api, frontend; required for both). */
  auth?: pulumi.Input<{ tenantId: pulumi.Input<string>; apiClientId: pulumi.Input<string>; spaClientId: pulumi.Input<string>; scope: pulumi.Input<string> }>;
  /**
   * Taints of the node pool the app is placed on (`sizing.nodePool`), e.g. the
   * spot taint; the pods get a toleration for each, so they can schedule there.
   */
  nodePoolTaints?: string[];
  /** Scrape the app's /metrics with a managed-Prometheus PodMonitor (api, agent; needs the cluster's metrics add-on). Default false. */
  podMonitor?: boolean;
  /**
   * The region is a standby: the chart's `readOnly: true` (the api refuses writes with 503
   * `read_only`, the agent consumes nothing; apps/CONTRACT.md). Default false.
   */
  readOnly?: boolean;
  /** Helm wait timeout in seconds (default 600); a release not ready by then is rolled back (atomic). */
  timeoutSeconds?: number;
  /** Path of the chart (default: the repository's apps/chart). */
  chartPath?: string;
}

/**
 * One app as a Helm release of the shared chart (apps/chart) in its own
 * namespace. The values come from the pure function lib/app-values.ts; the
 * release is atomic (a failed upgrade rolls back), cleans up on failure and
 * has an explicit timeout, so an interrupted deploy never leaves Helm locked.
 * Kubernetes resources depend only on the cluster provider and on the outputs
 * they read (image digest, data-service hosts, identity).
 */
export class HelmApp extends pulumi.ComponentResource {
  /** The app's namespace. */
  public readonly namespace: corev1.Namespace;
  /** The Helm release. */
  public readonly release: helm.Release;
  /** Namespace name. */
  public readonly namespaceName: pulumi.Output<string>;
  /** In-cluster URL of the app's Service, e.g. `http://api.api.svc.cluster.local:5000`. */
  public readonly serviceUrl: pulumi.Output<string>;
  /** Helm release status (`deployed` after a successful rollout). */
  public readonly status: pulumi.Output<string>;
  /** Helm revision, raised by every upgrade (roll back with `helm rollback <app> <revision> -n <ns>`). */
  public readonly revision: pulumi.Output<number>;

  constructor(name: string, args: HelmAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:HelmApp', name, {}, opts);

    const problems: ArgProblem[] = [];
    if (!(APP_NAMES as readonly string[]).includes(args.app)) {
      problems.push({ path: 'app', problem: `"${args.app}" is not one of ${APP_NAMES.join(', ')}` });
    }
    if (!(APP_ENVIRONMENTS as readonly string[]).includes(args.environment)) {
      problems.push({ path: 'environment', problem: `"${args.environment}" is not one of ${APP_ENVIRONMENTS.join(', ')} (see appEnvironmentFor)` });
    }
    const timeout = args.timeoutSeconds ?? 600;
    if (!Number.isInteger(timeout) || timeout < 60 || timeout > 3600) {
      problems.push({ path: 'timeoutSeconds', problem: `${timeout} must be an integer between 60 and 3600` });
    }
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('HelmApp', name, problems), this);
    const chartPath = args.chartPath ?? chartDirectory();
    const { sizing, profiles } = this.resolveStatic(args, chartPath);
    const namespaces = args.namespaces ?? defaultAppNamespaces();
    const nsName = namespaces[args.app];
    const childOpts = { parent: this, provider: args.provider };

    this.namespace = new corev1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: nsName,
          labels: {
            'app.kubernetes.io/part-of': 'aks-platform',
            'app.kubernetes.io/name': args.app,
            // The chart's pods meet the "restricted" Pod Security Standard; enforce it.
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
      childOpts,
    );
    this.namespaceName = this.namespace.metadata.name;

    const values = pulumi
      .all([
        pulumi.all([args.imageRef, args.tenantId ?? '', args.identityClientId ?? '', args.keyVaultName ?? '']),
        pulumi.all([args.postgres ?? { host: '', database: '', user: '' }, args.redis ?? { host: '', port: 0 }, args.dataSubnetCidr ?? '', args.registryLoginServer ?? '', args.auth]),
        pulumi.output({ publicOrigin: args.publicOrigin ?? '', canaryImageRef: args.canary?.imageRef ?? '' }),
        pulumi.all([args.migrations, args.queueScaling]),
      ])
      .apply(([[imageRef, tenantId, identityClientId, keyVaultName], [postgres, redis, dataSubnetCidr, registryLoginServer, auth], { publicOrigin, canaryImageRef }, [migrations, queueScaling]]) => {
        const facts: PlatformFacts = {
          imageRef,
          registryLoginServer: registryLoginServer || undefined,
          namespaces,
          tenantId,
          identityClientId,
          keyVaultName,
          postgres,
          redis,
          migrations,
          queueScaling,
          dataSubnetCidr,
          gateway: args.gateway,
          publicOrigin: publicOrigin || undefined,
          canary: args.canary ? { imageRef: canaryImageRef, weight: args.canary.weight } : undefined,
          nodePoolTaints: args.nodePoolTaints,
          podMonitor: args.podMonitor,
          auth,
          local: args.local,
        };
        try {
          const rendered = appValues({ app: args.app, environment: args.environment, sizing, profiles, facts });
          return args.readOnly ? { ...rendered, readOnly: true } : rendered;
        } catch (err) {
          throw new pulumi.ResourceError((err as Error).message, this);
        }
      });

    this.release = new helm.Release(
      `${name}-release`,
      {
        name: args.app,
        chart: chartPath,
        namespace: this.namespaceName,
        createNamespace: false,
        values,
        atomic: true,
        cleanupOnFail: true,
        timeout,
        maxHistory: 10,
        skipAwait: false,
      },
      childOpts,
    );

    const profile = profiles[args.app];
    this.serviceUrl = pulumi.interpolate`http://${profile.app.name}.${this.namespaceName}.svc.cluster.local:${profile.service.port}`;
    this.status = this.release.status.apply((s) => s.status);
    this.revision = this.release.status.apply((s) => s.revision);
    this.registerOutputs({ namespaceName: this.namespaceName, serviceUrl: this.serviceUrl, status: this.status, revision: this.revision });
  }

  /** Sizing and per-app profiles, known at construction; errors become ResourceErrors naming the field. */
  private resolveStatic(args: HelmAppArgs, chartPath: string): { sizing: AppSizing; profiles: AppProfiles } {
    try {
      return { sizing: resolveAppSizing(args.app, args.environment, args.sizing), profiles: loadAppProfiles(chartPath) };
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }
  }
}
