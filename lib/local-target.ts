/**
 * Rules of the `local` stack target (aks-platform:target: local): the platform on the current
 * kubeconfig context — kind, k3d, minikube or Docker Desktop — instead of Azure. Pure; tested
 * with tables in test/local-stack.test.ts.
 */

/** Where a stack deploys. `azure` (the default): AKS and the Azure data services; `local`: the current kubeconfig context. */
export const STACK_TARGETS = ['azure', 'local'] as const;
export type StackTarget = (typeof STACK_TARGETS)[number];

/**
 * The default local registry: `localhost:5001`, the address of kind's documented local registry
 * (kind.sigs.k8s.io/docs/user/local-registry, checked 2026-12-01) and the one the README's k3d,
 * minikube and Docker Desktop recipes publish.
 */
export const DEFAULT_LOCAL_REGISTRY = 'localhost:5001';

/** Why `registry` is not a `host[:port]` both Docker and the cluster can use, or undefined. */
export function localRegistryProblem(registry: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(registry)) return `"${registry}" must be host[:port] without a scheme, e.g. ${DEFAULT_LOCAL_REGISTRY}`;
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(registry)) return `"${registry}" must be host[:port] (lowercase, no path), e.g. ${DEFAULT_LOCAL_REGISTRY}`;
  const port = registry.split(':')[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `"${registry}": port ${port} is not a TCP port`;
  const host = registry.split(':')[0];
  if (/\.azurecr\.io$/.test(host)) return `"${registry}" is an Azure Container Registry; the local target pushes to a local registry (${DEFAULT_LOCAL_REGISTRY})`;
  // The chart accepts only the platform's ACR or a local host name (apps/chart/values.schema.json image.ref).
  if (!/^(localhost|127\.0\.0\.1|[a-z0-9-]+\.localhost|[a-z0-9-]+\.local)$/.test(host)) return `"${registry}" is not a local registry; use localhost, 127.0.0.1, <name>.localhost or <name>.local (port-forward a registry there), e.g. ${DEFAULT_LOCAL_REGISTRY}`;
  return undefined;
}

/** The target a stack's raw config names (`aks-platform:target`), or a problem naming the allowed values. */
export function stackTargetOf(raw: unknown): { target: StackTarget } | { problem: string } {
  if (raw === undefined) return { target: 'azure' };
  if (typeof raw === 'string' && (STACK_TARGETS as readonly string[]).includes(raw)) return { target: raw as StackTarget };
  return { problem: `got ${JSON.stringify(raw)}; allowed: ${STACK_TARGETS.map((t) => JSON.stringify(t)).join(', ')}` };
}

/** Service types the `local` stack's gateway may use (`local.gateway.serviceType`). */
export const LOCAL_GATEWAY_SERVICE_TYPES = ['NodePort', 'LoadBalancer'] as const;
export type LocalGatewayServiceType = (typeof LOCAL_GATEWAY_SERVICE_TYPES)[number];

/**
 * The `local` stack's gateway defaults: a NodePort Service on a fixed node port (it works on
 * every local cluster without a load balancer controller; a kind cluster maps it to the host),
 * one Traefik replica (one node).
 */
export const LOCAL_GATEWAY_DEFAULTS = { serviceType: 'NodePort' as LocalGatewayServiceType, nodePort: 30080, replicas: 1 };

/** The local clusters the `local` stack is documented for. */
export const LOCAL_CLUSTERS = ['kind', 'k3d', 'minikube', 'docker-desktop'] as const;
export type LocalCluster = (typeof LOCAL_CLUSTERS)[number];

/**
 * Which gateway Service type each local cluster supports, and how the host reaches it. The
 * README's "Run it locally" table is this data. Sources, checked 2026-12-01:
 *   kind      kind.sigs.k8s.io/docs/user/configuration (extraPortMappings) and /docs/user/loadbalancer
 *             (no LoadBalancer without cloud-provider-kind: the Service stays <pending>)
 *   k3d       k3d.io/stable/usage/exposing_services (ports on the loadbalancer or a node) and
 *             docs.k3s.io/networking/networking-services (ServiceLB; k3s's own Traefik takes :80/:443)
 *   minikube  minikube.sigs.k8s.io/docs/handbook/accessing (NodePort: minikube service --url;
 *             LoadBalancer: minikube tunnel)
 *   docker-desktop  docs.docker.com/desktop/features/kubernetes (LoadBalancer and NodePort
 *             Services are published on localhost)
 */
export const LOCAL_CLUSTER_GATEWAY: Record<LocalCluster, { supports: readonly LocalGatewayServiceType[]; recommended: LocalGatewayServiceType; reach: string }> = {
  kind: {
    supports: ['NodePort'],
    recommended: 'NodePort',
    reach: 'create the cluster with extraPortMappings containerPort 30080 -> hostPort 8080, then http://localhost:8080 (LoadBalancer only with cloud-provider-kind running)',
  },
  k3d: {
    supports: ['NodePort', 'LoadBalancer'],
    recommended: 'LoadBalancer',
    reach: 'k3d cluster create -p "8080:80@loadbalancer" --k3s-arg "--disable=traefik@server:*" (k3s ships its own Traefik on :80), then http://localhost:8080; NodePort: -p "8080:30080@server:0"',
  },
  minikube: {
    supports: ['NodePort', 'LoadBalancer'],
    recommended: 'NodePort',
    reach: 'minikube service -n gateway traefik --url prints the URL; LoadBalancer needs minikube tunnel running',
  },
  'docker-desktop': {
    supports: ['NodePort', 'LoadBalancer'],
    recommended: 'LoadBalancer',
    reach: 'LoadBalancer: http://localhost (port 80); NodePort: http://localhost:30080',
  },
};
