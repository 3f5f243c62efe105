import * as pulumi from '@pulumi/pulumi';
// Submodules, not the package root: its typings (every API group's) added ~580 files to the type-check.
import * as corev1 from '@pulumi/kubernetes/core/v1';
import * as k8s from '@pulumi/kubernetes/provider';
import * as random from '@pulumi/random';
import { AppName, APP_NAMES } from '../lib/app-profiles';
import { AppSizingOverride, defaultAppNamespaces } from '../lib/app-values';
import { GATEWAY_DEFAULTS } from '../lib/edge';
import { LOCAL_DATA_KINDS, LOCAL_SECRET_KEYS } from '../lib/local-data';
import { Gateway } from './gateway';
import { HelmApp } from './helm-app';
import { LocalDataStore } from './local-data-store';
import { LocalImage } from './local-image';

/** Arguments of {@link LocalPlatform}. */
export interface LocalPlatformArgs {
  /** kubeconfig context to deploy to (kind-*, k3d-*, minikube, docker-desktop); default: the current context. */
  kubeContext?: string;
  /** Local registry (host[:port]) the images are pushed to and the cluster pulls from, e.g. `localhost:5001`. */
  registry: string;
  /** Labels on every namespace and data object (the ownership tags as labels). */
  labels: Record<string, string>;
  /** Namespace of PostgreSQL and Redis (default `data`). */
  dataNamespace?: string;
  /** PostgreSQL: official image and volume size. */
  postgres: { image: string; storageSize: string };
  /** Redis: official image and volume size. */
  redis: { image: string; storageSize: string };
  /** The apps: image tag, build timestamp, sizing on top of the dev profile, build context. */
  apps: {
    /** Image tag (the git commit or `apps.imageTag`). */
    imageTag: string;
    /** Commit time for reproducible images (seconds since the epoch). */
    sourceDateEpoch?: number;
    /** Per-app sizing on top of the dev profile. */
    sizing?: Partial<Record<AppName, AppSizingOverride>>;
    /** Repository root that holds `apps/`. */
    contextDirectory?: string;
  };
  /**
   * The platform gateway ({@link Gateway}: Traefik, the Gateway API CRDs, the GatewayClass and
   * the Gateway the apps' HTTPRoutes attach to), without Azure load balancer settings.
   */
  gateway: {
    /** Service type: `NodePort` (every local cluster) or `LoadBalancer` (a cluster with a load balancer: k3d, Docker Desktop, minikube tunnel, cloud-provider-kind). */
    serviceType: 'NodePort' | 'LoadBalancer';
    /** Fixed node port of the http listener (kind maps it to the host). */
    nodePort: number;
    /** Traefik replicas. */
    replicas: number;
  };
  /** Helm wait timeout per release in seconds (default 300). */
  timeoutSeconds?: number;
}

/** Database and user the apps use in the local cluster. */
export const LOCAL_DATABASE = 'app';
/** Secret holding `postgres-password` and `redis-password`, in the data namespace and in the api's and agent's. */
export const LOCAL_CREDENTIALS_SECRET = 'app-credentials';

/**
 * The platform on a local Kubernetes cluster (the `local` stack): the same three images, built
 * locally and pushed to a local registry, deployed by the same chart through {@link HelmApp};
 * PostgreSQL and Redis as small StatefulSets of the official images ({@link LocalDataStore});
 * generated passwords in a Kubernetes Secret mounted where Key Vault mounts them in Azure.
 * It creates no Azure resource and needs no Azure credential.
 *
 * The public entry is the same platform {@link Gateway} as in Azure (Traefik + Gateway API,
 * without the `azure` block): the chart's HTTPRoutes (frontend at `/`, api at `/api` and
 * `/socket.io`) attach to it. Its Service is a NodePort or a LoadBalancer, as the cluster
 * supports (lib/local-target.ts LOCAL_CLUSTER_GATEWAY); `kubectl port-forward` to it works on
 * any cluster (the `portForward` output).
 */
export class LocalPlatform extends pulumi.ComponentResource {
  /** Kubernetes provider of the kubeconfig context. */
  public readonly provider: k8s.Provider;
  /** PostgreSQL and Redis. */
  public readonly dataStores: Record<(typeof LOCAL_DATA_KINDS)[number], LocalDataStore>;
  /** The app images, by app. */
  public readonly images: Partial<Record<AppName, LocalImage>> = {};
  /** The app releases, by app. */
  public readonly releases: Partial<Record<AppName, HelmApp>> = {};
  /** The platform gateway the apps' routes attach to. */
  public readonly gateway: Gateway;
  /** The command that makes the gateway reachable on http://127.0.0.1:8080 on any cluster. */
  public readonly portForward: string;

  constructor(name: string, args: LocalPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:LocalPlatform', name, {}, opts);
    const parent = { parent: this };
    this.provider = new k8s.Provider(`${name}-k8s`, { context: args.kubeContext, enableServerSideApply: true }, parent);
    const childOpts = { parent: this, provider: this.provider };
    const namespaces = defaultAppNamespaces();
    const dataNamespace = args.dataNamespace ?? 'data';
    const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' };

    // Alphanumeric: nothing a URL or a shell would need to escape.
    const password = (which: string) =>
      new random.RandomPassword(`${name}-${which}-password`, { length: 32, special: false, minUpper: 2, minLower: 2, minNumeric: 2 }, parent).result;
    const credentials = { [LOCAL_SECRET_KEYS.postgresPassword]: password('postgres'), [LOCAL_SECRET_KEYS.redisPassword]: password('redis') };
    const secretIn = (resourceName: string, namespace: pulumi.Input<string>, dependsOn: pulumi.Resource[]) =>
      new corev1.Secret(
        resourceName,
        { metadata: { name: LOCAL_CREDENTIALS_SECRET, namespace, labels: args.labels }, type: 'Opaque', stringData: credentials },
        { ...childOpts, dependsOn },
      );

    const dataNs = new corev1.Namespace(`${name}-data-ns`, { metadata: { name: dataNamespace, labels: { ...args.labels, ...restricted } } }, childOpts);
    const dataSecret = secretIn(`${name}-data-credentials`, dataNs.metadata.name, [dataNs]);
    const store = (kind: 'postgres' | 'redis') =>
      new LocalDataStore(
        `${name}-${kind}`,
        {
          kind,
          provider: this.provider,
          namespace: dataNs.metadata.name,
          image: args[kind].image,
          storageSize: args[kind].storageSize,
          secretName: dataSecret.metadata.name,
          database: LOCAL_DATABASE,
          user: LOCAL_DATABASE,
          clientNamespaces: [namespaces.api, namespaces.agent],
          labels: args.labels,
        },
        { parent: this, dependsOn: [dataSecret] },
      );
    this.dataStores = { postgres: store('postgres'), redis: store('redis') };

    this.gateway = new Gateway(
      `${name}-gateway`,
      {
        provider: this.provider,
        environment: 'dev',
        sizing: { replicas: args.gateway.replicas },
        serviceType: args.gateway.serviceType,
        nodePort: args.gateway.nodePort,
        timeoutSeconds: args.timeoutSeconds ?? 300,
      },
      { parent: this },
    );

    for (const app of APP_NAMES) {
      this.images[app] = new LocalImage(
        `${name}-${app}-image`,
        { app, registry: args.registry, tag: args.apps.imageTag, sourceDateEpoch: args.apps.sourceDateEpoch, contextDirectory: args.apps.contextDirectory },
        parent,
      );
    }
    // The api first: the frontend's nginx resolves the api's Service when it starts.
    for (const app of ['api', 'agent', 'frontend'] as const) {
      const usesData = app !== 'frontend';
      this.releases[app] = new HelmApp(
        `${name}-${app}`,
        {
          app,
          environment: 'dev',
          sizing: args.apps.sizing?.[app],
          provider: this.provider,
          imageRef: this.images[app]!.imageRef,
          namespaces,
          postgres: { host: this.dataStores.postgres.host, port: this.dataStores.postgres.port, database: LOCAL_DATABASE, user: LOCAL_DATABASE, sslMode: 'disable' },
          redis: { host: this.dataStores.redis.host, port: this.dataStores.redis.port, tls: false },
          local: { secretName: LOCAL_CREDENTIALS_SECRET, dataNamespace },
          gateway: this.gateway.appGateway,
          timeoutSeconds: args.timeoutSeconds ?? 300,
        },
        // The routes need the Gateway API CRDs and the Gateway: the api and the frontend wait for the gateway.
        { parent: this, dependsOn: app === 'frontend' ? [this.releases.api!, this.gateway] : app === 'api' ? [this.dataStores.postgres, this.dataStores.redis, this.gateway] : [this.dataStores.postgres, this.dataStores.redis] },
      );
      // The pods mount this Secret; the kubelet retries the mount until it exists.
      if (usesData) secretIn(`${name}-${app}-credentials`, this.releases[app]!.namespaceName, [this.releases[app]!.namespace]);
    }
    this.portForward = `kubectl${args.kubeContext ? ` --context ${args.kubeContext}` : ''} port-forward -n ${GATEWAY_DEFAULTS.namespace} svc/${this.gateway.serviceName} 8080:${GATEWAY_DEFAULTS.servicePort}`;

    this.registerOutputs({
      postgresHost: this.dataStores.postgres.host,
      redisHost: this.dataStores.redis.host,
      gatewayStatus: this.gateway.status,
      portForward: this.portForward,
    });
  }
}
