import * as pulumi from '@pulumi/pulumi';
import * as cdn from '@pulumi/azure-native/cdn';
import * as frontdoor from '@pulumi/azure-native/frontdoor';
import { AzureComponentArgs } from '../lib/component-args';
import {
  FRONT_DOOR_HEALTH_PROBE,
  FRONT_DOOR_MIN_TLS,
  FRONT_DOOR_SKU,
  WAF_MANAGED_RULE_SETS,
  WAF_MODES,
  WAF_RATE_LIMIT_DEFAULTS,
  WafMode,
  customDomainProblem,
  customDomainResourceName,
  edgeNames,
  frontDoorRequestMessage,
  frontDoorRules,
  rateLimitProblems,
  wafCustomRules,
  wafPolicySettings,
} from '../lib/edge';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import { PrivateLinkApproval } from './private-link-approval';

/** The origin Front Door reaches through Private Link: the gateway's Private Link Service. */
export interface FrontDoorPrivateLinkOrigin {
  /** ARM id of the Private Link Service in front of the gateway's internal load balancer. */
  privateLinkServiceId: pulumi.Input<string>;
  /** Region of the Private Link Service. */
  privateLinkLocation: pulumi.Input<string>;
  /** Approve Front Door's pending connection from the program (default true). */
  approve?: boolean;
  /** Priority in the origin group (1–5): Front Door sends to the lowest among the healthy origins. Default 1. */
  priority?: number;
}

/** Another region's origin in the same origin group. */
export interface FrontDoorRegionOrigin extends FrontDoorPrivateLinkOrigin {
  /** Short key of the region (e.g. `neu`): it names the origin and its Pulumi resources. */
  key: string;
}

/** Arguments of {@link FrontDoor}. */
export interface FrontDoorArgs extends AzureComponentArgs {
  /** WAF mode: `Prevention` (blocks; required in prod) or `Detection` (logs only). */
  wafMode: WafMode;
  /** The WAF's rate limit per client IP: requests per window of 1 or 5 minutes (default 1000 per minute). */
  rateLimit?: { requestsPerWindow: number; windowMinutes: 1 | 5 };
  /** A custom domain with a Front Door managed certificate (TLS 1.2+); validate it with the TXT record in `customDomainValidation`. */
  customDomain?: { hostName: string };
  /** The gateway behind Private Link. */
  origin: FrontDoorPrivateLinkOrigin;
  /**
   * The other regions' origins, in the same origin group: with priorities, the standby takes the
   * traffic when the active origin fails its health probes (lib/recovery-objectives.ts
   * `frontDoorFailoverSeconds`).
   */
  regionOrigins?: FrontDoorRegionOrigin[];
  /** Seconds Front Door waits for the origin's response (16-240; default 60). */
  originResponseTimeoutSeconds?: number;
}

/**
 * Azure Front Door Premium as the platform's only public entry: one endpoint
 * (`*.azurefd.net`, HTTPS only, HTTP redirected, TLS 1.2+, HSTS), an origin group
 * probing the frontend's `/healthz` through the gateway, a Private Link origin that
 * the program approves, caching of the content-hashed assets only, and a WAF
 * policy (default rule set, bot manager, rate limit) attached to every domain.
 */
export class FrontDoor extends pulumi.ComponentResource {
  /** The Front Door profile. */
  public readonly profile: cdn.Profile;
  /** The WAF policy. */
  public readonly wafPolicy: frontdoor.Policy;
  /** The endpoint. */
  public readonly endpoint: cdn.AFDEndpoint;
  /** The Private Link origin. */
  public readonly origin: cdn.AFDOrigin;
  /** Every region's origin, the first region's first. */
  public readonly origins: cdn.AFDOrigin[];
  /** The route (every path, HTTPS only). */
  public readonly route: cdn.Route;
  /** The custom domain, when configured. */
  public readonly customDomain?: cdn.AFDCustomDomain;
  /** The approval of Front Door's private endpoint connection, when the program approves it. */
  public readonly approval?: PrivateLinkApproval;
  /** Host name of the endpoint, e.g. `fde-aksplat-prod-1a2b3c-abcdefgh.z01.azurefd.net`. */
  public readonly endpointHostName: pulumi.Output<string>;
  /** The public URL: `https://<custom domain>` or `https://<endpoint host>`. */
  public readonly publicUrl: pulumi.Output<string>;
  /** TXT record that validates the custom domain (`_dnsauth.<host>`), when configured. */
  public readonly customDomainValidation?: pulumi.Output<{ recordName: string; value: string | undefined }>;

  constructor(name: string, args: FrontDoorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:FrontDoor', name, {}, opts);
    const problems: ArgProblem[] = [];
    if (!(WAF_MODES as readonly string[]).includes(args.wafMode)) problems.push({ path: 'wafMode', problem: `"${args.wafMode}" is not one of ${WAF_MODES.join(', ')}` });
    const rateLimit = args.rateLimit ?? WAF_RATE_LIMIT_DEFAULTS;
    for (const p of rateLimitProblems(rateLimit, 'rateLimit')) {
      const [path, ...rest] = p.split(': ');
      problems.push({ path, problem: rest.join(': ') });
    }
    if (args.customDomain) {
      const p = customDomainProblem(args.customDomain.hostName);
      if (p) problems.push({ path: 'customDomain.hostName', problem: p });
    }
    const timeout = args.originResponseTimeoutSeconds ?? 60;
    if (!Number.isInteger(timeout) || timeout < 16 || timeout > 240) problems.push({ path: 'originResponseTimeoutSeconds', problem: `${timeout} must be an integer from 16 to 240` });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('FrontDoor', name, problems), this);

    const parent = { parent: this };
    const names = edgeNames(args.naming);
    const { resourceGroupName, tags } = args;

    this.wafPolicy = new frontdoor.Policy(
      `${name}-waf`,
      {
        policyName: names.wafPolicy,
        resourceGroupName,
        location: 'Global',
        sku: { name: FRONT_DOOR_SKU },
        policySettings: wafPolicySettings(args.wafMode),
        managedRules: { managedRuleSets: WAF_MANAGED_RULE_SETS.map((r) => ({ ...r })) },
        customRules: { rules: wafCustomRules({ requestsPerWindow: rateLimit.requestsPerWindow, windowMinutes: rateLimit.windowMinutes as 1 | 5 }) },
        tags,
      },
      parent,
    );

    this.profile = new cdn.Profile(
      `${name}-profile`,
      { profileName: names.profile, resourceGroupName, location: 'Global', sku: { name: FRONT_DOOR_SKU }, originResponseTimeoutSeconds: timeout, tags },
      parent,
    );
    const profileName = this.profile.name;
    const inProfile = { resourceGroupName, profileName };

    this.endpoint = new cdn.AFDEndpoint(
      `${name}-endpoint`,
      { ...inProfile, endpointName: names.endpoint, location: 'Global', enabledState: 'Enabled', autoGeneratedDomainNameLabelScope: 'TenantReuse', tags },
      parent,
    );
    this.endpointHostName = this.endpoint.hostName;

    const originGroup = new cdn.AFDOriginGroup(
      `${name}-origin-group`,
      {
        ...inProfile,
        originGroupName: names.originGroup,
        healthProbeSettings: { ...FRONT_DOOR_HEALTH_PROBE },
        loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
        sessionAffinityState: 'Disabled',
      },
      parent,
    );

    const requestMessage = frontDoorRequestMessage(names.profile);
    // One origin per region in the one group: the first region's keeps its original names.
    const makeOrigin = (resourceName: string, originName: string, origin: FrontDoorPrivateLinkOrigin) =>
      new cdn.AFDOrigin(
        resourceName,
        {
          ...inProfile,
          originGroupName: originGroup.name,
          originName,
          // The host name is what the gateway sees as Host; traffic goes through the Private Link either way.
          hostName: this.endpoint.hostName,
          originHostHeader: this.endpoint.hostName,
          httpPort: 80,
          httpsPort: 443,
          priority: origin.priority ?? 1,
          weight: 1000,
          enabledState: 'Enabled',
          enforceCertificateNameCheck: true,
          sharedPrivateLinkResource: {
            privateLink: { id: origin.privateLinkServiceId },
            privateLinkLocation: origin.privateLinkLocation,
            requestMessage,
          },
        },
        parent,
      );
    const approve = (resourceName: string, origin: FrontDoorPrivateLinkOrigin, afdOrigin: cdn.AFDOrigin) => {
      if (origin.approve === false) return undefined;
      return new PrivateLinkApproval(
        resourceName,
        // The approval acquires its own ARM token when it runs: no credential in its inputs or the state.
        { privateLinkServiceId: origin.privateLinkServiceId, requestMessage },
        { parent: this, dependsOn: [afdOrigin] },
      );
    };
    this.origin = makeOrigin(`${name}-origin`, names.origin, args.origin);
    this.approval = approve(`${name}-pls-approval`, args.origin, this.origin);
    this.origins = [this.origin];
    for (const other of args.regionOrigins ?? []) {
      const origin = makeOrigin(`${name}-origin-${other.key}`, `${names.origin}-${other.key}`, other);
      this.origins.push(origin);
      approve(`${name}-pls-approval-${other.key}`, other, origin);
    }

    const ruleSet = new cdn.RuleSet(`${name}-rules`, { ...inProfile, ruleSetName: names.ruleSet }, parent);
    const rules = frontDoorRules().map(
      (r) => new cdn.Rule(`${name}-rule-${r.name}`, { ...inProfile, ruleSetName: ruleSet.name, ruleName: r.name, order: r.order, conditions: r.conditions, actions: r.actions, matchProcessingBehavior: 'Continue' }, parent),
    );

    if (args.customDomain) {
      this.customDomain = new cdn.AFDCustomDomain(
        `${name}-domain`,
        {
          ...inProfile,
          customDomainName: customDomainResourceName(args.customDomain.hostName),
          hostName: args.customDomain.hostName,
          tlsSettings: { certificateType: 'ManagedCertificate', minimumTlsVersion: FRONT_DOOR_MIN_TLS },
        },
        parent,
      );
      const host = args.customDomain.hostName;
      this.customDomainValidation = this.customDomain.validationProperties.apply((v) => ({ recordName: `_dnsauth.${host}`, value: v?.validationToken }));
    }

    this.route = new cdn.Route(
      `${name}-route`,
      {
        ...inProfile,
        endpointName: this.endpoint.name,
        routeName: names.route,
        originGroup: { id: originGroup.id },
        ruleSets: [{ id: ruleSet.id }],
        customDomains: this.customDomain ? [{ id: this.customDomain.id }] : [],
        supportedProtocols: ['Http', 'Https'],
        httpsRedirect: 'Enabled',
        // TLS ends at Front Door; the hop to the gateway runs inside the Private Link.
        forwardingProtocol: 'HttpOnly',
        linkToDefaultDomain: 'Enabled',
        patternsToMatch: ['/*'],
        enabledState: 'Enabled',
      },
      { parent: this, dependsOn: [...this.origins, ...rules] },
    );

    new cdn.SecurityPolicy(
      `${name}-security-policy`,
      {
        ...inProfile,
        securityPolicyName: names.securityPolicy,
        parameters: {
          type: 'WebApplicationFirewall',
          wafPolicy: { id: this.wafPolicy.id },
          associations: [{ domains: [{ id: this.endpoint.id }, ...(this.customDomain ? [{ id: this.customDomain.id }] : [])], patternsToMatch: ['/*'] }],
        },
      },
      parent,
    );

    this.publicUrl = args.customDomain ? pulumi.output(`https://${args.customDomain.hostName}`) : pulumi.interpolate`https://${this.endpoint.hostName}`;
    this.registerOutputs({ endpointHostName: this.endpointHostName, publicUrl: this.publicUrl, wafPolicyId: this.wafPolicy.id });
  }
}
