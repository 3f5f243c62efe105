/**
 * Runs the rules of policy/rules.ts over a set of resources and decides each
 * finding's enforcement level for the stack. Used by the offline plan and the
 * tests; the policy pack calls {@link checkResource} for one resource at a time.
 */
import type { EnforcementLevel, EvaluationContext, Finding, ResourceView, Rule, RuleViolation } from './model';
import { environmentForStack } from './model';
import { RULES } from './rules';
import taggable from './taggable-types.json';

const TAGGABLE_TYPES: ReadonlySet<string> = new Set(taggable.types);

/** True when the azure-native type accepts ARM tags (from policy/taggable-types.json). */
export function isTaggable(type: string): boolean {
  return TAGGABLE_TYPES.has(type);
}

/** True when the rule applies to resources of this type. */
export function appliesTo(rule: Rule, type: string): boolean {
  return rule.resourceTypes === 'taggable' ? isTaggable(type) : rule.resourceTypes.includes(type);
}

/** The level of one violation in a stack's environment, with the reason when it is advisory. */
export function levelOf(rule: Rule, violation: RuleViolation, context: Pick<EvaluationContext, 'environment'>): { level: EnforcementLevel; reason?: string } {
  if (violation.advisoryReason) return { level: 'advisory', reason: violation.advisoryReason };
  if (context.environment === 'dev' && rule.devAdvisory) return { level: 'advisory', reason: `advisory in dev: ${rule.devAdvisory.reason}` };
  return { level: 'mandatory' };
}

/** Findings of one rule on one resource (empty when the rule does not apply or passes). */
export function checkResource(rule: Rule, resource: ResourceView, context: EvaluationContext): Finding[] {
  if (!appliesTo(rule, resource.type)) return [];
  return rule.check(resource, context).map((violation) => ({
    ruleId: rule.id,
    publicIds: rule.publicIds,
    ...levelOf(rule, violation, context),
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    property: violation.property,
    message: violation.message,
    remediation: rule.remediation,
  }));
}

/** Builds the evaluation context for a stack. */
export function contextFor(stack: string, resources: readonly ResourceView[]): EvaluationContext {
  return { stack, environment: environmentForStack(stack), resources };
}

/** Every finding of every rule over the stack's resources, mandatory first. */
export function evaluate(resources: readonly ResourceView[], stack: string, rules: readonly Rule[] = RULES): Finding[] {
  const context = contextFor(stack, resources);
  // Rules × resources, most pairs empty: loops, not nested flatMap (the offline plan and the tests call this often).
  const findings: Finding[] = [];
  for (const rule of rules) {
    for (const resource of resources) {
      if (appliesTo(rule, resource.type)) findings.push(...checkResource(rule, resource, context));
    }
  }
  return findings.sort((a, b) => (a.level === b.level ? 0 : a.level === 'mandatory' ? -1 : 1));
}

/** True when a finding blocks the deployment. */
export function isBlocking(finding: Finding): boolean {
  return finding.level === 'mandatory';
}
