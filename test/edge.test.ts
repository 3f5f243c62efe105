/**
 * The edge: the rules in lib/edge.ts as tables, then each stack's program under
 * the offline mocks: the gateway release (Traefik, internal load balancer with a
 * Private Link Service), Azure Front Door Premium (WAF, HTTPS only, HSTS, cached
 * hashed assets, /healthz probe, Private Link origin approved by the program),
 * no app-routing add-on, and the public URL as the stack output.
 */
import { runStack, StackRun } from '../offline/run-stack';
import { MOCK_SUBSCRIPTION_ID, unwrapSecrets } from '../offline/recorded';
import {
  GATEWAY_SIZING,
  HSTS_HEADER_VALUE,
  TRAEFIK_CHART,
  WAF_MANAGED_RULE_SETS,
  canaryReplicas,
  canaryWeightProblem,
  customDomainProblem,
  edgeNames,
  frontDoorConnectionState,
  gatewayServiceAnnotations,
  gatewaySizingProblems,
  rateLimitProblems,
  trackWeights,
  traefikValues,
} from '../lib/edge';
import { ConfigValidationError, stackConfigFromPulumiConfig } from '../config/validate';
import { readStackConfig } from '../offline/stack-config';
import { estimateCost } from '../plan/prices';
import { TEST_CLOCK } from './support/clock';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('canary weights', () => {
  test.each([
    [0, undefined],
    [10, undefined],
    [100, undefined],
    [-1, 'canary.weight: -1 must be an integer percentage from 0 to 100'],
    [101, 'canary.weight: 101 must be an integer percentage from 0 to 100'],
    [10.5, 'canary.weight: 10.5 must be an integer percentage from 0 to 100'],
    ['10', 'canary.weight: "10" must be an integer percentage from 0 to 100'],
    [null, 'canary.weight: null must be an integer percentage from 0 to 100'],
  ])('canaryWeightProblem(%p) = %p', (weight, problem) => {
    expect(canaryWeightProblem(weight)).toBe(problem);
  });

  test.each([
    [10, { stable: 90, canary: 10 }],
    [0, { stable: 100, canary: 0 }],
    [100, { stable: 0, canary: 100 }],
  ])('trackWeights(%d) = %p', (w, split) => expect(trackWeights(w)).toEqual(split));

  test('trackWeights refuses a weight outside 0-100', () => expect(() => trackWeights(120)).toThrow(/0 to 100/));

  test.each([
    [3, 10, 1],
    [3, 50, 2],
    [10, 25, 3],
    [1, 0, 1],
  ])('canaryReplicas(%d stable, %d%%) = %d', (stable, w, n) => expect(canaryReplicas(stable, w)).toBe(n));

  test.each<[string, Record<string, unknown>, string | undefined]>([
    ['a 10% api canary', { 'aks-platform:apps.imageTag': 'v1', 'aks-platform:apps.api.canary': { imageTag: 'v2', weight: 10 } }, undefined],
    ['a weight of 101', { 'aks-platform:apps.imageTag': 'v1', 'aks-platform:apps.api.canary': { imageTag: 'v2', weight: 101 } }, 'aks-platform:apps.api.canary.weight: 101 must be an integer percentage from 0 to 100'],
    ['a weight of -5', { 'aks-platform:apps.imageTag': 'v1', 'aks-platform:apps.frontend.canary': { imageTag: 'v2', weight: -5 } }, 'aks-platform:apps.frontend.canary.weight: -5 must be an integer percentage from 0 to 100'],
    ['a fractional weight', { 'aks-platform:apps.imageTag': 'v1', 'aks-platform:apps.api.canary': { imageTag: 'v2', weight: 2.5 } }, 'aks-platform:apps.api.canary.weight: 2.5 must be an integer percentage from 0 to 100'],
    ['an agent canary', { 'aks-platform:apps.imageTag': 'v1', 'aks-platform:apps.agent.canary': { imageTag: 'v2', weight: 10 } }, 'aks-platform:apps.agent.canary: the agent has no route to split'],
    ['a canary without the stable tag', { 'aks-platform:apps.api.canary': { imageTag: 'v2', weight: 10 } }, 'aks-platform:apps.imageTag: a canary (apps.api.canary) needs the stable tag'],
    ['a canary on the stable tag', { 'aks-platform:apps.imageTag': 'v2', 'aks-platform:apps.api.canary': { imageTag: 'v2', weight: 10 } }, 'aks-platform:apps.api.canary.imageTag: "v2" is the stable tag'],
  ])('stack config: %s', (_label, overrides, problem) => {
    const { values } = readStackConfig('dev', overrides);
    const parse = () => stackConfigFromPulumiConfig(values);
    if (problem === undefined) expect(parse().apps.api.canary).toEqual({ imageTag: 'v2', weight: 10 });
    else expect(() => parse()).toThrow(ConfigValidationError), expect(messageOf(parse)).toContain(problem);
  });
});

describe('edge rules', () => {
  test('edgeNames: CAF-style names; the WAF policy name has letters and digits only', () => {
    expect(edgeNames({ prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: '1a2b3c' })).toEqual({
      profile: 'afd-aksplat-prod-weu',
      endpoint: 'fde-aksplat-prod-1a2b3c',
      originGroup: 'gateway',
      origin: 'gateway-private-link',
      route: 'default',
      ruleSet: 'edgerules',
      wafPolicy: 'wafaksplatprodweu',
      securityPolicy: 'waf',
      privateLinkService: 'pls-aksplat-prod-weu-gateway',
    });
  });

  test('gateway Service annotations: none off Azure; internal; internal with a Private Link Service', () => {
    expect(gatewayServiceAnnotations({ internal: false })).toEqual({});
    expect(gatewayServiceAnnotations({ internal: true })).toEqual({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true' });
    expect(gatewayServiceAnnotations({ internal: true, privateLink: { name: 'pls-x', subnetName: 'snet-nodes' } })).toEqual({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'snet-nodes',
      'service.beta.kubernetes.io/azure-pls-create': 'true',
      'service.beta.kubernetes.io/azure-pls-name': 'pls-x',
      'service.beta.kubernetes.io/azure-pls-ip-configuration-subnet': 'snet-nodes',
      'service.beta.kubernetes.io/azure-pls-ip-configuration-ip-address-count': '1',
      'service.beta.kubernetes.io/azure-pls-proxy-protocol': 'false',
      'service.beta.kubernetes.io/azure-pls-visibility': '*',
    });
  });

  test.each<[string, Parameters<typeof frontDoorConnectionState>[0], ReturnType<typeof frontDoorConnectionState>]>([
    ['nothing yet', [], {}],
    ['ours pending', [{ name: 'afd-1', properties: { privateLinkServiceConnectionState: { status: 'Pending', description: 'msg' } } }], { approve: 'afd-1' }],
    ['ours approved', [{ name: 'afd-1', properties: { privateLinkServiceConnectionState: { status: 'Approved', description: 'msg' } } }], { approved: 'afd-1' }],
    ['a stranger pending', [{ name: 'other', properties: { privateLinkServiceConnectionState: { status: 'Pending', description: 'let me in' } } }], {}],
    ['ours rejected', [{ name: 'afd-1', properties: { privateLinkServiceConnectionState: { status: 'Rejected', description: 'msg' } } }], {}],
  ])('frontDoorConnectionState: %s', (_label, connections, state) => {
    expect(frontDoorConnectionState(connections, 'msg')).toEqual(state);
  });

  test.each([
    [{ requestsPerWindow: 1000, windowMinutes: 1 }, []],
    [{ requestsPerWindow: 5, windowMinutes: 1 }, ['edge.frontDoor.rateLimit.requestsPerWindow: 5 must be an integer from 10 to 100000']],
    [{ requestsPerWindow: 100, windowMinutes: 3 }, ['edge.frontDoor.rateLimit.windowMinutes: 3 must be 1 or 5 (the windows Front Door offers)']],
  ])('rateLimitProblems(%p)', (rl, problems) => expect(rateLimitProblems(rl)).toEqual(problems));

  test.each([
    ['jobs.contoso.com', undefined],
    ['Jobs.Contoso.com', '"Jobs.Contoso.com" must be a DNS name such as app.example.com'],
    ['localhost', '"localhost" must be a DNS name such as app.example.com'],
  ])('customDomainProblem(%s)', (host, problem) => expect(customDomainProblem(host)).toBe(problem));

  test.each([
    ['dev', GATEWAY_SIZING.dev, []],
    ['prod', GATEWAY_SIZING.prod, []],
    ['prod', { ...GATEWAY_SIZING.prod, replicas: 2 }, ['edge.gateway.replicas: prod needs at least 3 gateway replicas (one per zone), got 2']],
    ['prod', { ...GATEWAY_SIZING.prod, zoneSpread: 'preferred' as const }, ['edge.gateway.zoneSpread: prod spreads the gateway across zones with "required"']],
  ] as const)('gatewaySizingProblems %s', (env, sizing, problems) => expect(gatewaySizingProblems(sizing, env)).toEqual(problems));

  test('Traefik values: Gateway API provider, no Ingress provider, PDB, limits, zone spread, restricted security, no TLS entrypoint', () => {
    const v = traefikValues({ sizing: GATEWAY_SIZING.prod, serviceType: 'LoadBalancer', serviceAnnotations: { a: 'b' } }) as Any;
    expect(v.providers).toEqual({ kubernetesGateway: { enabled: true }, kubernetesCRD: { enabled: true }, kubernetesIngress: { enabled: false } });
    expect(v.ingressClass).toEqual({ enabled: false });
    expect(v.deployment).toEqual({ replicas: 3 });
    expect(v.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(v.resources).toEqual({ requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(v.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' });
    expect(v.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(v.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(v.gateway.listeners.web).toEqual({ port: 8000, protocol: 'HTTP', namespacePolicy: { from: 'Selector', selector: { matchLabels: { 'app.kubernetes.io/part-of': 'aks-platform' } } } });
    expect(v.ports.web.transport.respondingTimeouts).toEqual({ readTimeout: '3600s', writeTimeout: '3600s', idleTimeout: '3600s' });
    expect(v.ports.websecure).toEqual({ expose: { default: false } });
    expect(v.service).toEqual({ spec: { type: 'LoadBalancer' }, annotations: { a: 'b' } });
    expect(v.api).toEqual({ dashboard: false });
  });
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

describe.each(['dev', 'prod'] as const)('the %s stack’s edge', (stack) => {
  let run: StackRun;
  const one = (type: string) => unwrapSecrets(run.recorder.one(type).inputs) as Any;
  beforeAll(async () => {
    run = await runStack(stack, { clock: TEST_CLOCK });
  }, 60_000);

  test('no app-routing add-on, no Ingress: the cluster’s ingress profile is off and the gateway is a Traefik release', () => {
    expect(one('azure-native:containerservice:ManagedCluster').ingressProfile).toEqual({ webAppRouting: { enabled: false } });
    expect(run.recorder.resources.filter((r) => r.type.includes('networking.k8s.io/v1:Ingress'))).toEqual([]);
    const traefik = run.recorder.ofType('kubernetes:helm.sh/v3:Release').map((r) => unwrapSecrets(r.inputs) as Any).find((r) => r.chart === 'traefik');
    expect(traefik).toMatchObject({ name: 'traefik', namespace: 'gateway', version: TRAEFIK_CHART.version, repositoryOpts: { repo: TRAEFIK_CHART.repo }, atomic: true });
    expect(traefik.values.deployment.replicas).toBe(stack === 'prod' ? 3 : 2);
    expect(traefik.values.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(traefik.values.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'kubernetes.azure.com/agentpool': stack === 'prod' ? 'cpuopt' : 'system' });
    const ns = run.recorder.ofType('kubernetes:core/v1:Namespace').map((r) => unwrapSecrets(r.inputs) as Any).find((n) => n.metadata.name === 'gateway');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('the gateway Service is an internal load balancer with a Private Link Service in the nodes subnet (no public IP)', () => {
    const traefik = run.recorder.ofType('kubernetes:helm.sh/v3:Release').map((r) => unwrapSecrets(r.inputs) as Any).find((r) => r.chart === 'traefik');
    expect(traefik.values.service.spec).toEqual({ type: 'LoadBalancer' });
    expect(traefik.values.service.annotations).toMatchObject({
      'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
      'service.beta.kubernetes.io/azure-pls-create': 'true',
      'service.beta.kubernetes.io/azure-pls-name': `pls-aksplat-${stack}-weu-gateway`,
      'service.beta.kubernetes.io/azure-pls-ip-configuration-subnet': `snet-aksplat-${stack}-weu-nodes`,
    });
    const nodes = run.recorder.ofType('azure-native:network:Subnet').map((r) => unwrapSecrets(r.inputs) as Any).find((s) => s.subnetName.endsWith('-nodes'));
    expect(nodes.privateLinkServiceNetworkPolicies).toBe('Disabled');
  });

  test('Front Door Premium with a WAF policy: Prevention in prod, Detection in dev; default rule set, bot manager, rate limit', () => {
    expect(one('azure-native:cdn:Profile')).toMatchObject({ profileName: `afd-aksplat-${stack}-weu`, sku: { name: 'Premium_AzureFrontDoor' }, location: 'Global' });
    const waf = one('azure-native:frontdoor:Policy');
    expect(waf.sku).toEqual({ name: 'Premium_AzureFrontDoor' });
    expect(waf.policySettings).toEqual({ enabledState: 'Enabled', mode: stack === 'prod' ? 'Prevention' : 'Detection', requestBodyCheck: 'Enabled', customBlockResponseStatusCode: 403 });
    expect(waf.managedRules.managedRuleSets).toEqual(WAF_MANAGED_RULE_SETS.map((r) => ({ ...r })));
    expect(waf.customRules.rules).toEqual([
      expect.objectContaining({ name: 'RateLimitPerClientIp', ruleType: 'RateLimitRule', rateLimitThreshold: 1000, rateLimitDurationInMinutes: 1, action: 'Block', enabledState: 'Enabled' }),
    ]);
    const sp = one('azure-native:cdn:SecurityPolicy');
    expect(sp.parameters.type).toBe('WebApplicationFirewall');
    expect(sp.parameters.wafPolicy.id).toMatch(/FrontDoorWebApplicationFirewallPolicies\/wafaksplat/);
    expect(sp.parameters.associations).toEqual([{ domains: [{ id: expect.stringContaining('/afdEndpoints/fde-aksplat-') }], patternsToMatch: ['/*'] }]);
  });

  test('HTTPS only: HTTP redirects to HTTPS on every path, HSTS on every response, caching of /assets/ only', () => {
    const route = one('azure-native:cdn:Route');
    expect(route).toMatchObject({ supportedProtocols: ['Http', 'Https'], httpsRedirect: 'Enabled', linkToDefaultDomain: 'Enabled', patternsToMatch: ['/*'], forwardingProtocol: 'HttpOnly' });
    expect(route.cacheConfiguration).toBeUndefined();
    const rules = run.recorder.ofType('azure-native:cdn:Rule').map((r) => unwrapSecrets(r.inputs) as Any);
    expect(rules.map((r) => [r.ruleName, r.order])).toEqual([
      ['hsts', 1],
      ['cachehashedassets', 2],
    ]);
    expect(rules[0].conditions).toEqual([]);
    expect(rules[0].actions[0].parameters).toMatchObject({ headerAction: 'Overwrite', headerName: 'Strict-Transport-Security', value: HSTS_HEADER_VALUE });
    expect(rules[1].conditions[0].parameters).toMatchObject({ operator: 'BeginsWith', matchValues: ['assets/'] });
    expect(rules[1].actions[0].parameters.cacheConfiguration).toMatchObject({ cacheBehavior: 'OverrideAlways', queryStringCachingBehavior: 'IgnoreQueryString' });
  });

  test('the origin is the gateway’s Private Link Service, probed on the frontend’s /healthz, and the program approves the connection', () => {
    const group = one('azure-native:cdn:AFDOriginGroup');
    expect(group.healthProbeSettings).toEqual({ probePath: '/healthz', probeProtocol: 'Http', probeRequestType: 'GET', probeIntervalInSeconds: 60 });
    const origin = one('azure-native:cdn:AFDOrigin');
    const plsId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/MC_rg-aksplat-${stack}-weu_aks-aksplat-${stack}-weu_westeurope/providers/Microsoft.Network/privateLinkServices/pls-aksplat-${stack}-weu-gateway`;
    expect(origin.sharedPrivateLinkResource).toEqual({ privateLink: { id: plsId }, privateLinkLocation: 'westeurope', requestMessage: `aks-platform: Front Door afd-aksplat-${stack}-weu to the gateway` });
    expect(origin).toMatchObject({ httpPort: 80, enabledState: 'Enabled' });
    const approval = run.recorder.resources.find((r) => r.type === 'pulumi-nodejs:dynamic/aks-platform:PrivateLinkApproval');
    expect(approval).toBeDefined();
    const inputs = unwrapSecrets(approval!.inputs) as Any;
    expect(inputs.privateLinkServiceId).toBe(plsId);
    expect(inputs.requestMessage).toBe(origin.sharedPrivateLinkResource.requestMessage);
    expect(approval!.dependencies).toContain(run.recorder.one('azure-native:cdn:AFDOrigin').urn);
    // The origin waits for the gateway (whose release waits for the load balancer and so for the PLS).
    const release = run.recorder.ofType('kubernetes:helm.sh/v3:Release').find((r) => r.name.endsWith('-gateway-release'))!;
    expect(run.recorder.one('aks-platform:index:FrontDoor').dependencies).toContain(release.urn);
  });

  test('the stack output is the public HTTPS URL on the Front Door endpoint host', () => {
    const url = String(run.outputs.publicUrl.value);
    expect(url).toMatch(new RegExp(`^https://fde-aksplat-${stack}-[0-9a-f]{6}-[0-9a-f]{16}\\.z01\\.azurefd\\.net$`));
    expect(run.outputs.ingressHost.value).toBe(url.replace('https://', ''));
    expect(run.outputs.customDomainValidation.value).toBeUndefined();
  });
});

describe('a custom domain is config', () => {
  test('apps.host adds a Front Door custom domain with a managed certificate (TLS 1.2+) on the route and the WAF', async () => {
    const run = await runStack('prod', { clock: TEST_CLOCK, overrides: { 'aks-platform:apps.host': 'jobs.contoso.com' } });
    const domain = unwrapSecrets(run.recorder.one('azure-native:cdn:AFDCustomDomain').inputs) as Any;
    expect(domain).toMatchObject({ hostName: 'jobs.contoso.com', customDomainName: 'jobs-contoso-com', tlsSettings: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' } });
    const route = unwrapSecrets(run.recorder.one('azure-native:cdn:Route').inputs) as Any;
    expect(route.customDomains).toEqual([{ id: expect.stringContaining('/customDomains/jobs-contoso-com') }]);
    const sp = unwrapSecrets(run.recorder.one('azure-native:cdn:SecurityPolicy').inputs) as Any;
    expect(sp.parameters.associations[0].domains).toHaveLength(2);
    expect(run.outputs.publicUrl.value).toBe('https://jobs.contoso.com');
    expect(run.outputs.customDomainValidation.value).toEqual({ recordName: '_dnsauth.jobs.contoso.com', value: 'mock-validation-jobs-contoso-com' });
  }, 60_000);

  test('prod refuses a WAF in Detection mode', () => {
    const { values } = readStackConfig('prod', { 'aks-platform:edge.frontDoor.wafMode': 'Detection' });
    expect(messageOf(() => stackConfigFromPulumiConfig(values))).toContain('aks-platform:edge.frontDoor.wafMode: "Detection" is not allowed in prod');
  });
});

describe('the edge in the offline plan’s cost table', () => {
  test.each<[string, string, Record<string, unknown>, number | 'free' | 'usage']>([
    ['Front Door Premium base fee', 'azure-native:cdn:Profile', { sku: { name: 'Premium_AzureFrontDoor' } }, 330],
    ['Front Door Standard base fee', 'azure-native:cdn:Profile', { sku: { name: 'Standard_AzureFrontDoor' } }, 35],
    ['the gateway’s internal load balancer', 'kubernetes:helm.sh/v3:Release', { chart: 'traefik', values: { service: { spec: { type: 'LoadBalancer' } } } }, 18.25],
    ['a ClusterIP gateway (local cluster)', 'kubernetes:helm.sh/v3:Release', { chart: 'traefik', values: { service: { spec: { type: 'ClusterIP' } } } }, 'free'],
    ['an app release', 'kubernetes:helm.sh/v3:Release', { chart: '/repo/apps/chart', values: {} }, 'free'],
    ['the Front Door endpoint (in the base fee)', 'azure-native:cdn:AFDEndpoint', {}, 'free'],
    ['the WAF policy (in the Premium base fee; requests by usage)', 'azure-native:frontdoor:Policy', {}, 'usage'],
  ])('%s', (_label, type, props, expected) => {
    const result = estimateCost({ urn: `urn:pulumi:prod::aks-platform::${type}::x`, type, name: 'x', props, protect: false, dependencies: [] });
    if (typeof expected === 'number') expect(result).toMatchObject({ kind: 'estimate', estimate: { monthly: expected } });
    else expect(result.kind).toBe(expected);
  });
});
