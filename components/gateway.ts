import * as pulumi from '@pulumi/pulumi';
// Submodules, not the package root: its typings (every API group's) added ~580 files to the type-check;
// helm/v3/release, not helm/v3, whose Chart's typings import yaml's, which import every API group.
import * as corev1 from '@pulumi/kubernetes/core/v1';
import * as helm from '@pulumi/kubernetes/helm/v3/release';
import * as yamlv2 from '@pulumi/kubernetes/yaml/v2';
import * as k8s from '@pulumi/kubernetes/provider';
import { AppGateway, platformGateway } from '../lib/app-values';
import { GATEWAY_API, GATEWAY_DEFAULTS, NODE_PORT_RANGE, GATEWAY_SIZING, GatewaySizing, TRAEFIK_CHART, gatewayServiceAnnotations, gatewaySizingProblems, traefikValues } from '../lib/edge';
import { ArgProblem, argProblemsMessage } from '../lib/problems';

/** Azure-only settings of the gateway's Service: internal load balancer, published through a Private Link Service. */
export interface GatewayAzureServiceArgs {
  /** Internal load balancer (no public IP). */
  internalLoadBalancer: boolean;
  /** Let the AKS cloud controller create a Private Link Service for the internal load balancer (Front Door's origin). */
  privateLinkService?: {
    /** Name of the Private Link Service (created in the cluster's node resource group). */
    name: string;
    /** Name of the subnet (in the cluster's VNet) for the load balancer frontend and the PLS NAT IP. */
    subnetName: string;
  };
}

/** Arguments of {@link Gateway}. */
export interface GatewayArgs {
  /** Kubernetes provider of the cluster (any conformant cluster: AKS, kind, k3d...). */
  provider: k8s.Provider;
  /** Sizing preset: `dev` (2 replicas, best-effort zone spread) or `prod` (3 replicas, hard zone spread). */
  environment: 'dev' | 'prod';
  /** Overrides of the preset (lib/edge.ts GATEWAY_SIZING). */
  sizing?: Partial<GatewaySizing>;
  /** Service type of the gateway: `LoadBalancer` (default), `NodePort` or `ClusterIP` (e.g. a local cluster with port-forward). */
  serviceType?: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  /** Fixed node port of the web entrypoint (NodePort or LoadBalancer), e.g. the one a kind cluster maps to the host; default: one the cluster picks. */
  nodePort?: number;
  /** Azure load balancer settings; leave out on other clouds and local clusters. */
  azure?: GatewayAzureServiceArgs;
  /** Install the Gateway API standard-channel CRDs (default true); false when the cluster already manages them. */
  installGatewayApiCrds?: boolean;
  /** Node labels the gateway pods must match (e.g. a user pool). */
  nodeSelector?: Record<string, string>;
  /** CIDRs whose X-Forwarded-* headers the gateway trusts (the load balancer / Private Link NAT subnet). */
  trustedForwarderCidrs?: string[];
  /** Helm wait timeout in seconds (default 600). */
  timeoutSeconds?: number;
}

/**
 * The platform's Gateway API implementation: Traefik as a pinned Helm release in
 * its own namespace (restricted Pod Security), the Gateway API CRDs, a
 * GatewayClass and the platform-owned Gateway the apps' HTTPRoutes attach to.
 * Replicas spread across zones, a PDB and resource limits; the Service is a
 * load balancer, on Azure optionally internal with a Private Link Service.
 * Nothing in it is Azure-specific unless `azure` is given.
 */
export class Gateway extends pulumi.ComponentResource {
  /** The gateway's namespace. */
  public readonly namespace: corev1.Namespace;
  /** The Traefik Helm release. */
  public readonly release: helm.Release;
  /** What the apps' chart needs to attach routes and admit the gateway's pods. */
  public readonly appGateway: AppGateway;
  /** Name of the gateway's Service in its namespace. */
  public readonly serviceName: string;
  /** Helm release status (`deployed` once Traefik is ready and, for a load balancer, has its address). */
  public readonly status: pulumi.Output<string>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:Gateway', name, {}, opts);
    const sizing: GatewaySizing = { ...GATEWAY_SIZING[args.environment], ...(args.sizing ?? {}) };
    const problems: ArgProblem[] = gatewaySizingProblems(sizing, args.environment, 'sizing').map((p) => {
      const [path, ...rest] = p.split(': ');
      return { path, problem: rest.join(': ') };
    });
    const serviceType = args.serviceType ?? 'LoadBalancer';
    if (args.azure && serviceType !== 'LoadBalancer') problems.push({ path: 'azure', problem: `Azure load balancer settings need serviceType LoadBalancer, got ${serviceType}` });
    if (args.nodePort !== undefined && serviceType === 'ClusterIP') problems.push({ path: 'nodePort', problem: `a node port needs serviceType NodePort or LoadBalancer, got ${serviceType}` });
    if (args.nodePort !== undefined && !(Number.isInteger(args.nodePort) && args.nodePort >= NODE_PORT_RANGE.min && args.nodePort <= NODE_PORT_RANGE.max)) {
      problems.push({ path: 'nodePort', problem: `${args.nodePort} is outside the default node port range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}` });
    }
    if (args.azure?.privateLinkService && !args.azure.internalLoadBalancer) {
      problems.push({ path: 'azure.privateLinkService', problem: 'a Private Link Service needs an internal load balancer (internalLoadBalancer: true)' });
    }
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('Gateway', name, problems), this);

    const ns = GATEWAY_DEFAULTS.namespace;
    const childOpts = { parent: this, provider: args.provider };
    this.namespace = new corev1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: ns,
          labels: {
            'app.kubernetes.io/part-of': 'aks-platform-edge',
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
          },
        },
      },
      childOpts,
    );

    const crds =
      args.installGatewayApiCrds === false
        ? []
        : [new yamlv2.ConfigFile(`${name}-gateway-api-crds`, { file: GATEWAY_API.standardInstallUrl }, childOpts)];

    const values = traefikValues({
      sizing,
      serviceType,
      serviceAnnotations: args.azure ? gatewayServiceAnnotations({ internal: args.azure.internalLoadBalancer, privateLink: args.azure.privateLinkService }) : {},
      nodeSelector: args.nodeSelector,
      trustedForwarderCidrs: args.trustedForwarderCidrs,
      nodePort: args.nodePort,
    });

    this.release = new helm.Release(
      `${name}-release`,
      {
        name: GATEWAY_DEFAULTS.releaseName,
        chart: TRAEFIK_CHART.chart,
        version: TRAEFIK_CHART.version,
        repositoryOpts: { repo: TRAEFIK_CHART.repo },
        namespace: this.namespace.metadata.name,
        createNamespace: false,
        values,
        atomic: true,
        cleanupOnFail: true,
        timeout: args.timeoutSeconds ?? 600,
        maxHistory: 10,
        skipAwait: false,
      },
      { ...childOpts, dependsOn: crds },
    );

    this.serviceName = GATEWAY_DEFAULTS.releaseName;
    this.appGateway = platformGateway();
    this.status = this.release.status.apply((s) => s.status);
    this.registerOutputs({ status: this.status, serviceName: this.serviceName });
  }
}
