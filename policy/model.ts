/**
 * The shapes shared by the policy pack (policy/index.ts), the offline plan
 * (plan/) and the unit tests: a resource as the rules see it, the evaluation
 * context, and a finding. Pure data and pure functions only: this module must
 * load inside the Pulumi policy-pack runtime and in jest alike.
 */

/** Deployment environment a stack belongs to; it decides how strict a rule is. */
export type Environment = 'dev' | 'prod';

/** A resource as the rules see it: what the Pulumi engine (or the offline mocks) knows of it. */
export interface ResourceView {
  /** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` */
  urn: string;
  /** Type token, e.g. `azure-native:containerregistry:Registry`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  /** The resource's inputs (`validateResource`, offline plan) or outputs (`validateStack`). */
  props: Record<string, unknown>;
  /** The `protect` resource option. */
  protect: boolean;
  /** URN of the parent resource, if any. */
  parent?: string;
  /** URNs of the resources this one depends on (explicit `dependsOn` and property dependencies). */
  dependencies: readonly string[];
  /** Physical id when known (offline plan, or after deployment); undefined in a preview. */
  id?: string;
}

/** What a check may consult besides the resource itself. */
export interface EvaluationContext {
  /** The Pulumi stack name, e.g. `dev` or `prod`. */
  stack: string;
  /** The environment derived from the stack name (see {@link environmentForStack}). */
  environment: Environment;
  /** Every resource of the stack; cross-resource (`scope: 'stack'`) rules look here. */
  resources: readonly ResourceView[];
}

/** One problem a check found on a resource. */
export interface RuleViolation {
  /** What is wrong, naming the property and the value that is required. */
  message: string;
  /** Property path that is wrong, e.g. `apiServerAccessProfile.authorizedIPRanges[0]`. */
  property?: string;
  /**
   * Set when the rule itself treats this case as advisory in every stack
   * (e.g. CKV_AZURE_115 when authorized IP ranges are used instead of a
   * private cluster); the text says why.
   */
  advisoryReason?: string;
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

/** A guardrail, as data. */
export interface Rule {
  /** Policy name in the pack, kebab-case, unique. */
  id: string;
  /** Public catalogue ids (Checkov `CKV_AZURE_*`, `CKV2_AZURE_*`, `CKV_K8S_*`); empty for project rules. */
  publicIds: readonly string[];
  /** One sentence: what the rule requires. */
  description: string;
  /** Resource types the rule applies to, or `taggable` for every azure-native type that accepts tags. */
  resourceTypes: readonly string[] | 'taggable';
  /**
   * `resource`: the check reads only the resource (pack: `validateResource`, on inputs, before anything is created).
   * `stack`: the check also looks at other resources (pack: `validateStack`).
   */
  scope: 'resource' | 'stack';
  severity: Severity;
  /** Returns the violations of this rule on one resource (empty when it passes). Pure. */
  check(resource: ResourceView, context: EvaluationContext): RuleViolation[];
  /** How to fix a violation. */
  remediation: string;
  /** In dev stacks the rule is advisory; the reason is printed with every dev finding. Prod is always mandatory. */
  devAdvisory?: { reason: string };
  /**
   * Set when the check itself returns advisory violations in some case, in
   * every stack (`RuleViolation.advisoryReason`); says which case.
   */
  advisoryCase?: string;
}

export type EnforcementLevel = 'mandatory' | 'advisory';

/** A rule violation found on a resource, with its enforcement level for the stack. */
export interface Finding {
  ruleId: string;
  publicIds: readonly string[];
  level: EnforcementLevel;
  /** Why the finding is advisory (dev relaxation or the rule's own reason); absent when mandatory. */
  reason?: string;
  urn: string;
  type: string;
  name: string;
  property?: string;
  message: string;
  remediation: string;
}

/**
 * Stack names that are development stacks: `dev` and personal `dev-<who>`
 * stacks. Every other stack name (prod, staging, anything new) is treated as
 * production, so an unknown stack fails closed.
 */
export function environmentForStack(stack: string): Environment {
  return stack === 'dev' || stack.startsWith('dev-') ? 'dev' : 'prod';
}

/** The stack name inside a URN (`urn:pulumi:<stack>::...`); throws on anything else. */
export function stackFromUrn(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  if (!match) throw new Error(`"${urn}" is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
  return match[1];
}
