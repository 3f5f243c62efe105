/**
 * The edge of the platform: the facts that decided it, the Gateway API
 * implementation (Traefik) and the Azure Front Door Premium profile in front of
 * it. Pure data and functions: names, defaults, WAF rule sets, the Front Door
 * rules, the Private Link Service annotations and the canary weight rules, each
 * tested with tables (test/edge.test.ts).
 */
import { NameParts, regionShortName } from './naming';

/** A fact with where it comes from and when it was checked. */
export interface SourcedFact {
  fact: string;
  source: string;
  checked: string;
}

/** Why the platform left the app-routing NGINX Ingress (checked 2026-12-01). */
export const INGRESS_FACTS: readonly SourcedFact[] = [
  {
    fact: 'The community ingress-nginx project was retired in March 2026.',
    source: 'AKS blog, 2026-03-18, "Announcing Gateway API support for App Routing"',
    checked: '2026-12-01',
  },
  {
    fact: "Azure supported the application routing add-on's NGINX only through November 2026.",
    source: 'Microsoft Learn, "Configure ingress with the Kubernetes Gateway API via the application routing add-on"',
    checked: '2026-12-01',
  },
  {
    fact: 'Microsoft recommends the Kubernetes Gateway API: the app-routing Gateway API mode (Istio, preview), Application Gateway for Containers, or another conformant implementation.',
    source: 'Microsoft Learn, "Configure ingress with the Kubernetes Gateway API via the application routing add-on"',
    checked: '2026-12-01',
  },
];

/** Ingress classes whose controllers are retired or unsupported: an Ingress on one of them is refused by the policy pack. */
export const RETIRED_INGRESS_CLASSES = ['webapprouting.kubernetes.azure.com', 'nginx', 'nginx-internal'] as const;

/**
 * The Gateway API implementation: the Traefik Helm chart, pinned.
 * Source: github.com/traefik/traefik-helm-chart `traefik/Chart.yaml` (version 41.3.0, appVersion v3.7.11), checked 2026-12-01.
 * The chart no longer ships the Gateway API CRDs (its README, "Gateway API CRDs"): they are installed from the
 * Gateway API release below, the version the chart's README names.
 */
export const TRAEFIK_CHART = {
  repo: 'https://traefik.github.io/charts',
  chart: 'traefik',
  version: '41.3.0',
  appVersion: 'v3.7.11',
  source: 'github.com/traefik/traefik-helm-chart traefik/Chart.yaml',
  /**
   * The image, pinned by digest (the chart's `image.digest` + `versionOverride`): the
   * multi-arch index of docker.io/traefik:v3.7.11, as pinned by several public
   * repositories (checked 2026-12-01; re-check with
   * `docker buildx imagetools inspect docker.io/traefik:v3.7.11` when bumping).
   */
  image: { registry: 'docker.io', repository: 'traefik', digest: 'sha256:5203c3f39ca70de6790d964624e042463ffbd57715bc82be155cf224c0dd5144' },
  checked: '2026-12-01',
} as const;

/** Gateway API standard-channel CRDs (kubernetes-sigs/gateway-api release), the version Traefik 3.7 expects. */
export const GATEWAY_API = {
  version: 'v1.5.1',
  standardInstallUrl: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml',
  checked: '2026-12-01',
} as const;

/** Where the gateway runs and how routes find it. */
export const GATEWAY_DEFAULTS = {
  /** Namespace of the Traefik release and of the Gateway. */
  namespace: 'gateway',
  /** Helm release name. */
  releaseName: 'traefik',
  /** The platform-owned Gateway the apps' HTTPRoutes attach to. */
  gatewayName: 'platform',
  /** GatewayClass name (controller traefik.io/gateway-controller). */
  gatewayClassName: 'traefik',
  /** Listener (section) name the routes attach to. */
  listenerName: 'web',
  /** Traefik's entrypoint port in the pod; the Service exposes it on `servicePort`. */
  listenerPort: 8000,
  /** Port of the gateway's LoadBalancer Service. */
  servicePort: 80,
  /** Labels of the Traefik pods (NetworkPolicy peers in the app namespaces). */
  podLabels: { 'app.kubernetes.io/name': 'traefik' } as Record<string, string>,
  /** Namespaces whose routes the Gateway accepts: the platform's app namespaces carry this label. */
  routeNamespaceLabels: { 'app.kubernetes.io/part-of': 'aks-platform' } as Record<string, string>,
  /**
   * Entrypoint timeouts: Socket.IO WebSockets live up to an hour (the api's former
   * nginx proxy-read/send-timeout of 3600 s).
   */
  readTimeout: '3600s',
  writeTimeout: '3600s',
  idleTimeout: '3600s',
} as const;

/** Request limits the api's routes keep (formerly nginx annotations). */
export const API_ROUTE_LIMITS = {
  /** Largest request body on /api (nginx `proxy-body-size: 64k`). */
  maxRequestBodyBytes: 65536,
} as const;

/** Replicas, disruption budget and resources of the gateway per environment. */
export interface GatewaySizing {
  replicas: number;
  /** Spread replicas across zones with DoNotSchedule (prod) or ScheduleAnyway (dev). */
  zoneSpread: 'required' | 'preferred';
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

export const GATEWAY_SIZING: Record<'dev' | 'prod', GatewaySizing> = {
  dev: { replicas: 2, zoneSpread: 'preferred', cpuRequest: '50m', cpuLimit: '500m', memoryRequest: '64Mi', memoryLimit: '256Mi' },
  prod: { replicas: 3, zoneSpread: 'required', cpuRequest: '250m', cpuLimit: '1', memoryRequest: '128Mi', memoryLimit: '512Mi' },
};

/** Problems with a gateway sizing, naming the config key; empty when fine. */
export function gatewaySizingProblems(sizing: GatewaySizing, environment: 'dev' | 'prod', key = 'edge.gateway'): string[] {
  const p: string[] = [];
  if (!Number.isInteger(sizing.replicas) || sizing.replicas < 1 || sizing.replicas > 20) p.push(`${key}.replicas: ${sizing.replicas} must be an integer from 1 to 20`);
  if (environment === 'prod' && sizing.replicas < 3) p.push(`${key}.replicas: prod needs at least 3 gateway replicas (one per zone), got ${sizing.replicas}`);
  if (environment === 'prod' && sizing.zoneSpread !== 'required') p.push(`${key}.zoneSpread: prod spreads the gateway across zones with "required"`);
  return p;
}

/**
 * Annotations of the gateway's LoadBalancer Service. With `privateLink`, the Service
 * is an internal load balancer and the AKS cloud controller creates a Private Link
 * Service for it, named and placed as given.
 * Source: kubernetes-sigs.github.io/cloud-provider-azure "Azure Private Link Service Integration"
 * and Microsoft Learn "Use an internal load balancer with AKS", checked 2026-12-01.
 */
export function gatewayServiceAnnotations(options: { internal: boolean; privateLink?: { name: string; subnetName: string } }): Record<string, string> {
  if (!options.internal) return {};
  const a: Record<string, string> = { 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' };
  if (options.privateLink) {
    a['service.beta.kubernetes.io/azure-load-balancer-internal-subnet'] = options.privateLink.subnetName;
    a['service.beta.kubernetes.io/azure-pls-create'] = 'true';
    a['service.beta.kubernetes.io/azure-pls-name'] = options.privateLink.name;
    a['service.beta.kubernetes.io/azure-pls-ip-configuration-subnet'] = options.privateLink.subnetName;
    a['service.beta.kubernetes.io/azure-pls-ip-configuration-ip-address-count'] = '1';
    a['service.beta.kubernetes.io/azure-pls-proxy-protocol'] = 'false';
    // Anyone may request a connection (Front Door's endpoints live in a Microsoft subscription);
    // none is approved automatically: the program approves its own origin's request only.
    a['service.beta.kubernetes.io/azure-pls-visibility'] = '*';
  }
  return a;
}

/** Inputs of {@link traefikValues}. */
/**
 * Kubernetes' default Service node port range (kube-apiserver --service-node-port-range).
 * Source: kubernetes.io "Service" (type NodePort), checked 2026-12-01.
 */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export interface TraefikValuesInput {
  sizing: GatewaySizing;
  serviceType: 'LoadBalancer' | 'NodePort' | 'ClusterIP';
  serviceAnnotations: Record<string, string>;
  nodeSelector?: Record<string, string>;
  trustedForwarderCidrs?: string[];
  /** Fixed node port of the web entrypoint (NodePort or LoadBalancer Service), e.g. the port a kind cluster maps to the host. */
  nodePort?: number;
}

/**
 * Helm values of the pinned Traefik chart (TRAEFIK_CHART): the Gateway API provider,
 * the platform-owned GatewayClass and Gateway, replicas spread across zones, a PDB,
 * limits, the restricted Pod Security Standard, and the Service.
 */
export function traefikValues(input: TraefikValuesInput): Record<string, unknown> {
  const { sizing } = input;
  const instance = `${GATEWAY_DEFAULTS.releaseName}-${GATEWAY_DEFAULTS.namespace}`;
  const selector = { matchLabels: { ...GATEWAY_DEFAULTS.podLabels, 'app.kubernetes.io/instance': instance } };
  return {
    image: { ...TRAEFIK_CHART.image },
    versionOverride: TRAEFIK_CHART.appVersion,
    deployment: { replicas: sizing.replicas },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    resources: {
      requests: { cpu: sizing.cpuRequest, memory: sizing.memoryRequest },
      limits: { cpu: sizing.cpuLimit, memory: sizing.memoryLimit },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: sizing.zoneSpread === 'required' ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux', ...(input.nodeSelector ?? {}) },
    // The restricted Pod Security Standard (the chart's defaults, stated here so they cannot drift).
    podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    providers: {
      kubernetesGateway: { enabled: true },
      // The CRD provider serves the Middlewares the routes reference through ExtensionRef filters.
      kubernetesCRD: { enabled: true },
      kubernetesIngress: { enabled: false },
    },
    ingressClass: { enabled: false },
    ingressRoute: { dashboard: { enabled: false } },
    api: { dashboard: false },
    gatewayClass: { enabled: true, name: GATEWAY_DEFAULTS.gatewayClassName },
    gateway: {
      enabled: true,
      name: GATEWAY_DEFAULTS.gatewayName,
      listeners: {
        [GATEWAY_DEFAULTS.listenerName]: {
          port: GATEWAY_DEFAULTS.listenerPort,
          protocol: 'HTTP',
          // Only the platform's app namespaces may attach routes.
          namespacePolicy: { from: 'Selector', selector: { matchLabels: GATEWAY_DEFAULTS.routeNamespaceLabels } },
        },
      },
    },
    ports: {
      web: {
        port: GATEWAY_DEFAULTS.listenerPort,
        exposedPort: GATEWAY_DEFAULTS.servicePort,
        transport: { respondingTimeouts: { readTimeout: GATEWAY_DEFAULTS.readTimeout, writeTimeout: GATEWAY_DEFAULTS.writeTimeout, idleTimeout: GATEWAY_DEFAULTS.idleTimeout } },
        forwardedHeaders: { trustedIPs: input.trustedForwarderCidrs ?? [] },
        ...(input.nodePort !== undefined ? { nodePort: input.nodePort } : {}),
      },
      // TLS ends at the edge (Front Door); the gateway has no certificate and no TLS entrypoint.
      websecure: { expose: { default: false } },
    },
    service: { spec: { type: input.serviceType }, annotations: input.serviceAnnotations },
    accessLog: { enabled: true },
  };
}

/** ARM id of the Private Link Service the cloud controller creates in the node resource group. */
export function privateLinkServiceId(subscriptionId: string, nodeResourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.Network/privateLinkServices/${name}`;
}

// --- Azure Front Door Premium -------------------------------------------------

/** Front Door tier: Premium, the tier with Private Link origins and the managed WAF rule sets. */
export const FRONT_DOOR_SKU = 'Premium_AzureFrontDoor';

/** WAF modes: Prevention blocks, Detection only logs (allowed outside prod). */
export const WAF_MODES = ['Prevention', 'Detection'] as const;
export type WafMode = (typeof WAF_MODES)[number];

/**
 * Managed rule sets of the WAF policy.
 * Source: Microsoft Learn, "Web Application Firewall DRS rule groups and rules" (Front Door: DRS 2.1 is the
 * latest default rule set, anomaly scoring, action Block) and "Configure bot protection for Web Application
 * Firewall" (Microsoft_BotManagerRuleSet; use the latest version, 1.1), checked 2026-12-01.
 */
export const WAF_MANAGED_RULE_SETS = [
  { ruleSetType: 'Microsoft_DefaultRuleSet', ruleSetVersion: '2.1', ruleSetAction: 'Block' },
  { ruleSetType: 'Microsoft_BotManagerRuleSet', ruleSetVersion: '1.1' },
] as const;

/** Defaults of the WAF's rate-limit rule: requests per client IP per window. */
export const WAF_RATE_LIMIT_DEFAULTS = { requestsPerWindow: 1000, windowMinutes: 1 } as const;

/** The WAF's custom rules: one rate limit per client socket address over every request. */
export function wafCustomRules(rateLimit: { requestsPerWindow: number; windowMinutes: 1 | 5 }) {
  return [
    {
      name: 'RateLimitPerClientIp',
      priority: 100,
      enabledState: 'Enabled',
      ruleType: 'RateLimitRule',
      rateLimitDurationInMinutes: rateLimit.windowMinutes,
      rateLimitThreshold: rateLimit.requestsPerWindow,
      // Every request (the socket address is never 255.255.255.255/32); counted per client IP.
      matchConditions: [{ matchVariable: 'SocketAddr', operator: 'IPMatch', negateCondition: true, matchValue: ['255.255.255.255/32'] }],
      action: 'Block',
    },
  ];
}

/** Problems with the rate-limit settings, naming the key; empty when fine. */
export function rateLimitProblems(rateLimit: { requestsPerWindow: number; windowMinutes: number }, key = 'edge.frontDoor.rateLimit'): string[] {
  const p: string[] = [];
  if (!Number.isInteger(rateLimit.requestsPerWindow) || rateLimit.requestsPerWindow < 10 || rateLimit.requestsPerWindow > 100000) {
    p.push(`${key}.requestsPerWindow: ${rateLimit.requestsPerWindow} must be an integer from 10 to 100000`);
  }
  if (rateLimit.windowMinutes !== 1 && rateLimit.windowMinutes !== 5) p.push(`${key}.windowMinutes: ${rateLimit.windowMinutes} must be 1 or 5 (the windows Front Door offers)`);
  return p;
}

/** HSTS header value: one year, subdomains included. */
export const HSTS_HEADER_VALUE = 'max-age=31536000; includeSubDomains';

/** The content-hashed static assets (Vite `assetsDir`, apps/frontend/vite.config.ts): the only cached paths. */
export const HASHED_ASSET_PATH_PREFIX = '/assets/';

/** Cache duration of the hashed assets at the edge (d.hh:mm:ss). */
export const HASHED_ASSET_CACHE_DURATION = '365.00:00:00';

/** Health probe of the origin group: the frontend's /healthz through the gateway. */
export const FRONT_DOOR_HEALTH_PROBE = { probePath: '/healthz', probeProtocol: 'Http', probeRequestType: 'GET', probeIntervalInSeconds: 60 } as const;

/** Minimum TLS version of custom domains (the default *.azurefd.net domain accepts TLS 1.2+ only). */
export const FRONT_DOOR_MIN_TLS = 'TLS12';

/** The WAF policy settings: enabled, in the given mode, inspecting request bodies, answering 403 when it blocks. */
export function wafPolicySettings(mode: WafMode) {
  return { enabledState: 'Enabled', mode, requestBodyCheck: 'Enabled', customBlockResponseStatusCode: 403 };
}

/**
 * The rule set on the route, in order: HSTS on every response, and caching for
 * the content-hashed assets only (the route itself caches nothing). Front Door's
 * URL path condition matches the path without its leading slash.
 */
export function frontDoorRules() {
  return [
    {
      name: 'hsts',
      order: 1,
      conditions: [],
      actions: [
        {
          name: 'ModifyResponseHeader' as const,
          parameters: { typeName: 'DeliveryRuleHeaderActionParameters' as const, headerAction: 'Overwrite', headerName: 'Strict-Transport-Security', value: HSTS_HEADER_VALUE },
        },
      ],
    },
    {
      name: 'cachehashedassets',
      order: 2,
      conditions: [
        {
          name: 'UrlPath' as const,
          parameters: { typeName: 'DeliveryRuleUrlPathMatchConditionParameters' as const, operator: 'BeginsWith', matchValues: [HASHED_ASSET_PATH_PREFIX.replace(/^\//, '')], transforms: ['Lowercase'] },
        },
      ],
      actions: [
        {
          name: 'RouteConfigurationOverride' as const,
          parameters: {
            typeName: 'DeliveryRuleRouteConfigurationOverrideActionParameters' as const,
            cacheConfiguration: { queryStringCachingBehavior: 'IgnoreQueryString', cacheBehavior: 'OverrideAlways', cacheDuration: HASHED_ASSET_CACHE_DURATION, isCompressionEnabled: 'Enabled' },
          },
        },
      ],
    },
  ];
}

/** Azure names of the edge resources. */
export function edgeNames(parts: NameParts) {
  const region = regionShortName(parts.location);
  const base = `${parts.prefix}-${parts.environment}`;
  return {
    profile: `afd-${base}-${region}`,
    // Endpoint names are global (<name>-<hash>.z01.azurefd.net); the unique suffix keeps them apart.
    endpoint: `fde-${base}-${parts.uniqueSuffix}`,
    originGroup: 'gateway',
    origin: 'gateway-private-link',
    route: 'default',
    ruleSet: 'edgerules',
    // WAF policy names: letters and digits only, starting with a letter.
    wafPolicy: `waf${parts.prefix}${parts.environment}${region}`.replace(/[^A-Za-z0-9]/g, ''),
    securityPolicy: 'waf',
    privateLinkService: `pls-${base}-${region}-gateway`,
  };
}

/** Problems with a custom domain host name; undefined when fine. */
export function customDomainProblem(host: string): string | undefined {
  return /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,}$/.test(host) && host.length <= 253 ? undefined : `"${host}" must be a DNS name such as app.example.com`;
}

/** The ARM resource name of a custom domain (dots are not allowed). */
export function customDomainResourceName(host: string): string {
  return host.replace(/\./g, '-');
}

/** A private endpoint connection of a Private Link Service, as ARM lists it. */
export interface PlsConnection {
  name: string;
  id?: string;
  properties?: { privateLinkServiceConnectionState?: { status?: string; description?: string } };
}

/**
 * The connection Front Door asked for: its request message arrives as the pending
 * connection's description. `approve` names a pending one to approve, `approved`
 * one already approved (nothing to do); both undefined while none has arrived yet.
 */
export function frontDoorConnectionState(connections: readonly PlsConnection[], requestMessage: string): { approve?: string; approved?: string } {
  const ours = connections.filter((c) => c.properties?.privateLinkServiceConnectionState?.description === requestMessage);
  const approved = ours.find((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Approved');
  if (approved) return { approved: approved.name };
  const pending = ours.find((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Pending');
  return pending ? { approve: pending.name } : {};
}

/** The request message of the platform's Front Door origin (how the approver recognises its connection). */
export function frontDoorRequestMessage(profileName: string): string {
  return `aks-platform: Front Door ${profileName} to the gateway`;
}

/** ARM API version of Microsoft.Network used to approve Private Link connections. */
export const NETWORK_API_VERSION = '2024-05-01';

// --- Canary releases ------------------------------------------------------------

/** A canary of one app: its image tag and the share of traffic (percent) it receives. */
export interface CanaryConfig {
  imageTag: string;
  weight: number;
}

/** Problem with a canary weight, naming the key; undefined when fine. */
export function canaryWeightProblem(weight: unknown, key = 'canary.weight'): string | undefined {
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    return `${key}: ${JSON.stringify(weight)} must be an integer percentage from 0 to 100`;
  }
  return undefined;
}

/** The HTTPRoute backend weights of the two tracks. */
export function trackWeights(canaryWeight: number): { stable: number; canary: number } {
  const problem = canaryWeightProblem(canaryWeight);
  if (problem) throw new Error(problem);
  return { stable: 100 - canaryWeight, canary: canaryWeight };
}

/** Replicas of the canary track: its share of the stable replicas, at least one. */
export function canaryReplicas(stableReplicas: number, weight: number): number {
  return Math.max(1, Math.ceil((stableReplicas * weight) / 100));
}
