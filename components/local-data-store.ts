import * as pulumi from '@pulumi/pulumi';
// Submodules, not the package root: its typings (every API group's) added ~580 files to the type-check.
import * as appsv1 from '@pulumi/kubernetes/apps/v1';
import * as corev1 from '@pulumi/kubernetes/core/v1';
import * as networkingv1 from '@pulumi/kubernetes/networking/v1';
import * as k8s from '@pulumi/kubernetes/provider';
import { LocalDataKind, localDataHost, localDataStoreObjects, LOCAL_DATA_PORTS } from '../lib/local-data';

/** Arguments of {@link LocalDataStore}. */
export interface LocalDataStoreArgs {
  /** `postgres` or `redis`. */
  kind: LocalDataKind;
  /** Kubernetes provider of the local cluster. */
  provider: k8s.Provider;
  /** Namespace of the StatefulSet (it must exist, with the credentials Secret). */
  namespace: pulumi.Input<string>;
  /** Official image, pinned to a version, e.g. `postgres:16-alpine` (lib/local-data.ts LOCAL_DATA_IMAGES). */
  image: string;
  /** Size of the data volume, e.g. `1Gi`. */
  storageSize: string;
  /** Secret in `namespace` with `postgres-password` / `redis-password`. */
  secretName: pulumi.Input<string>;
  /** PostgreSQL: database and user the apps use (default `app`, `app`). */
  database?: string;
  /** PostgreSQL: the apps' user (default `app`). */
  user?: string;
  /** Namespaces whose pods may connect (NetworkPolicy). */
  clientNamespaces: string[];
  /** Labels for every object. */
  labels?: Record<string, string>;
}

/**
 * PostgreSQL or Redis inside a local cluster (the `local` stack): a one-replica StatefulSet of
 * the official image with a PersistentVolumeClaim, a headless Service and a NetworkPolicy that
 * admits only the apps. The objects come from the pure lib/local-data.ts.
 */
export class LocalDataStore extends pulumi.ComponentResource {
  /** The StatefulSet. */
  public readonly statefulSet: appsv1.StatefulSet;
  /** In-cluster host name (`<kind>.<namespace>.svc.cluster.local`). */
  public readonly host: pulumi.Output<string>;
  /** TCP port. */
  public readonly port: number;

  constructor(name: string, args: LocalDataStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:LocalDataStore', name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const objects = pulumi.all([args.namespace, args.secretName]).apply(([namespace, secretName]) => {
      try {
        return localDataStoreObjects({ ...args, namespace, secretName });
      } catch (err) {
        throw new pulumi.ResourceError((err as Error).message, this);
      }
    });
    const part = <K extends 'statefulSet' | 'service' | 'networkPolicy'>(key: K, field: 'metadata' | 'spec') =>
      objects.apply((o) => (o[key] as Record<string, unknown>)[field]) as pulumi.Output<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    this.statefulSet = new appsv1.StatefulSet(`${name}-sts`, { metadata: part('statefulSet', 'metadata'), spec: part('statefulSet', 'spec') }, childOpts);
    new corev1.Service(`${name}-svc`, { metadata: part('service', 'metadata'), spec: part('service', 'spec') }, childOpts);
    new networkingv1.NetworkPolicy(`${name}-netpol`, { metadata: part('networkPolicy', 'metadata'), spec: part('networkPolicy', 'spec') }, childOpts);
    this.host = pulumi.output(args.namespace).apply((ns) => localDataHost(args.kind, ns));
    this.port = LOCAL_DATA_PORTS[args.kind];
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
