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
