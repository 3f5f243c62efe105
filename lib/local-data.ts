/**
 * PostgreSQL and Redis for the `local` stack: one small StatefulSet each, from the official
 * images, inside the cluster. Pure: the Kubernetes objects as plain data, so the component
 * (components/local-data-store.ts) only registers them and the tests read them as tables.
 *
 * Pods meet the "restricted" Pod Security Standard like the apps: non-root numeric user (the
 * images' own postgres/redis users), no privilege escalation, no capabilities, RuntimeDefault
 * seccomp, read-only root filesystem with the data on a PersistentVolumeClaim.
 */

/** The two data services a local stack runs. */
export const LOCAL_DATA_KINDS = ['postgres', 'redis'] as const;
export type LocalDataKind = (typeof LOCAL_DATA_KINDS)[number];

/**
 * Default images: the official ones, at the versions the cloud stacks use (PostgreSQL 16 like
 * aks-platform:postgres.version; Redis 7.4, the version Azure Managed Redis runs) — the same
 * tags as compose.yaml (test/local-stack.test.ts checks they agree).
 */
export const LOCAL_DATA_IMAGES: Record<LocalDataKind, string> = { postgres: 'postgres:16-alpine', redis: 'redis:7.4-alpine' };

/** The numeric user of each official alpine image (`postgres` is 70, `redis` is 999 in both images' /etc/passwd). */
export const LOCAL_DATA_USERS: Record<LocalDataKind, number> = { postgres: 70, redis: 999 };

export const LOCAL_DATA_PORTS: Record<LocalDataKind, number> = { postgres: 5432, redis: 6379 };

/** Keys of the credentials Secret (the same names as the Key Vault secrets in Azure). */
export const LOCAL_SECRET_KEYS = { postgresPassword: 'postgres-password', redisPassword: 'redis-password' } as const;

export interface LocalDataStoreSpec {
  kind: LocalDataKind;
  /** Namespace of the StatefulSet, Service and NetworkPolicy. */
  namespace: string;
  /** Image reference (official image, tag or digest). */
  image: string;
  /** PersistentVolumeClaim size, e.g. 1Gi. */
  storageSize: string;
  /** Secret in `namespace` holding the password under {@link LOCAL_SECRET_KEYS}. */
  secretName: string;
  /** PostgreSQL only: database and user the apps use. */
  database?: string;
  user?: string;
  /** Namespaces whose pods may connect (the api and the agent). */
  clientNamespaces: string[];
  /** Labels for every object. */
  labels?: Record<string, string>;
}

type Obj = Record<string, unknown>;

const QUANTITY = /^\d+(Ki|Mi|Gi|Ti)$/;

/** Problems with a spec, each naming the field; empty when fine. */
export function localDataStoreProblems(spec: LocalDataStoreSpec): string[] {
  const p: string[] = [];
  if (!(LOCAL_DATA_KINDS as readonly string[]).includes(spec.kind)) p.push(`kind: "${spec.kind}" is not one of ${LOCAL_DATA_KINDS.join(', ')}`);
  if (!QUANTITY.test(spec.storageSize)) p.push(`storageSize: "${spec.storageSize}" must be a quantity such as 1Gi or 512Mi`);
  if (!/^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(spec.image)) p.push(`image: "${spec.image}" is not an image reference such as ${LOCAL_DATA_IMAGES[spec.kind] ?? 'postgres:16-alpine'}`);
  if (/:latest$/.test(spec.image) || !/[:@]/.test(spec.image.replace(/^[^/]+:\d+\//, ''))) p.push(`image: "${spec.image}" must name a version (a tag other than latest, or a digest)`);
  if (spec.clientNamespaces.length === 0) p.push('clientNamespaces: at least one namespace must be allowed to connect');
  return p;
}

const restrictedContainer = (user: number): Obj => ({
  runAsNonRoot: true,
  runAsUser: user,
  runAsGroup: user,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
});

/** The StatefulSet, its (headless) Service and the NetworkPolicy that admits only the clients. Throws listing every problem. */
export function localDataStoreObjects(spec: LocalDataStoreSpec): { statefulSet: Obj; service: Obj; networkPolicy: Obj } {
  const problems = localDataStoreProblems(spec);
  if (problems.length > 0) throw new Error(`invalid local ${spec.kind}:\n  - ${problems.join('\n  - ')}`);
  const { kind, namespace } = spec;
  const port = LOCAL_DATA_PORTS[kind];
  const user = LOCAL_DATA_USERS[kind];
  const selector = { 'app.kubernetes.io/name': kind, 'app.kubernetes.io/component': 'data' };
  const labels = { ...(spec.labels ?? {}), ...selector };
  const password = (key: string) => ({ secretKeyRef: { name: spec.secretName, key } });
  const database = spec.database ?? 'app';
  const dbUser = spec.user ?? 'app';

  const container: Obj =
    kind === 'postgres'
      ? {
          name: kind,
          image: spec.image,
          ports: [{ name: 'tcp', containerPort: port }],
          env: [
            { name: 'POSTGRES_DB', value: database },
            { name: 'POSTGRES_USER', value: dbUser },
            { name: 'POSTGRES_PASSWORD', valueFrom: password(LOCAL_SECRET_KEYS.postgresPassword) },
            // A subdirectory: a fresh volume's root may hold lost+found, which initdb refuses.
            { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
          ],
          readinessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', dbUser, '-d', database] }, periodSeconds: 5, timeoutSeconds: 3 },
          livenessProbe: { exec: { command: ['pg_isready', '-h', '127.0.0.1', '-U', dbUser, '-d', database] }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
          volumeMounts: [
            { name: 'data', mountPath: '/var/lib/postgresql/data' },
            { name: 'run', mountPath: '/var/run/postgresql' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        }
      : {
          name: kind,
          image: spec.image,
          ports: [{ name: 'tcp', containerPort: port }],
          env: [{ name: 'REDIS_PASSWORD', valueFrom: password(LOCAL_SECRET_KEYS.redisPassword) }],
          command: ['redis-server'],
          // Append-only file on the volume: queued jobs survive a restart, as in the cloud.
          args: ['--appendonly', 'yes', '--dir', '/data', '--requirepass', '$(REDIS_PASSWORD)'],
          readinessProbe: { exec: { command: ['sh', '-c', 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG'] }, periodSeconds: 5, timeoutSeconds: 3 },
          livenessProbe: { tcpSocket: { port }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
          volumeMounts: [
            { name: 'data', mountPath: '/data' },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        };
  Object.assign(container, {
    securityContext: restrictedContainer(user),
    resources: kind === 'postgres'
      ? { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }
      : { requests: { cpu: '20m', memory: '32Mi' }, limits: { cpu: '250m', memory: '128Mi' } },
  });
  const emptyDirs = kind === 'postgres' ? ['run', 'tmp'] : ['tmp'];

  const statefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: kind, namespace, labels },
    spec: {
      serviceName: kind,
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { runAsNonRoot: true, runAsUser: user, runAsGroup: user, fsGroup: user, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [container],
          volumes: emptyDirs.map((name) => ({ name, emptyDir: { sizeLimit: '64Mi' } })),
        },
      },
      volumeClaimTemplates: [
        { metadata: { name: 'data', labels }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: spec.storageSize } } } },
      ],
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: kind, namespace, labels },
    spec: { clusterIP: 'None', selector, ports: [{ name: 'tcp', port, targetPort: 'tcp' }] },
  };
  const networkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: kind, namespace, labels },
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: spec.clientNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
          ports: [{ protocol: 'TCP', port }],
        },
      ],
    },
  };
  return { statefulSet, service, networkPolicy };
}

/** In-cluster DNS name of a data service. */
export function localDataHost(kind: LocalDataKind, namespace: string): string {
  return `${kind}.${namespace}.svc.cluster.local`;
}
