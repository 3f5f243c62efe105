/**
 * Adapts the rules of ./rules.ts to @pulumi/policy policies. Kept apart from
 * ./index.ts (which serves the pack) so tests can build the policies without
 * starting the analyzer server.
 *
 * Stack-aware enforcement: the stack name comes from each resource's URN
 * (`urn:pulumi:<stack>::...`); `dev` and `dev-*` are development stacks and
 * every other stack is production (see environmentForStack). Each rule becomes
 * a mandatory policy named after the rule id. A rule that can be advisory (it
 * has `devAdvisory`, or `advisoryCase`) also gets a companion policy
 * `<id>-advisory` at level advisory; every finding is reported by exactly one
 * of the two, and advisory messages say why. So prod is mandatory for every
 * rule, and dev relaxations show up, with their reason, in the preview output.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { appliesTo, checkResource, contextFor } from './evaluate';
import type { EnforcementLevel, Finding, ResourceView, Rule } from './model';
import { stackFromUrn } from './model';
import { RULES } from './rules';
import { canonicalType } from '../lib/azure-api-versions';

/** The violation message the pack reports: what, where, public ids, why advisory, how to fix. */
export function formatFinding(finding: Finding): string {
  const ids = finding.publicIds.length > 0 ? ` [${finding.publicIds.join(', ')}]` : '';
  const where = finding.property ? ` (${finding.property})` : '';
  const reason = finding.reason ? `\nAdvisory: ${finding.reason}.` : '';
  return `${finding.message}${where}${ids}${reason}\nFix: ${finding.remediation}`;
}

/** A resource under `validateResource`: inputs, options; no dependency information. */
export function viewFromArgs(args: Pick<ResourceValidationArgs, 'urn' | 'type' | 'name' | 'props' | 'opts'>): ResourceView {
  return {
    urn: args.urn,
    // A type on a pinned API version registers as `azure-native_<module>_<version>:…`; the rules key on the azure-native type.
    type: canonicalType(args.type),
    name: args.name,
    props: args.props,
    protect: args.opts?.protect === true,
    parent: args.opts?.parent,
    dependencies: [],
  };
}

/** A resource under `validateStack`: outputs, options, dependencies. */
export function viewFromPolicyResource(resource: Pick<PolicyResource, 'urn' | 'type' | 'name' | 'props' | 'opts' | 'parent' | 'dependencies' | 'propertyDependencies'>): ResourceView {
  // Every stack policy maps every resource: one set, no intermediate arrays.
  const urns = new Set<string>();
  for (const d of resource.dependencies) urns.add(d.urn);
  for (const deps of Object.values(resource.propertyDependencies ?? {})) for (const d of deps) urns.add(d.urn);
  return {
    urn: resource.urn,
    type: canonicalType(resource.type),
    name: resource.name,
    props: resource.props,
    protect: resource.opts?.protect === true,
    parent: resource.parent?.urn,
    dependencies: [...urns],
    id: knownString(() => resource.props.id),
  };
}

/** A string property, or undefined when it is missing or still unknown (preview). */
function knownString(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === 'string' ? value : undefined;
  } catch (err) {
    if (isUnknownValueError(err)) return undefined;
    throw err;
  }
}

/**
 * True for @pulumi/policy's UnknownValueError (a value read during a preview that is not known
 * yet). The package loads only when a read throws: the pack's runner has it loaded already, and
 * the tests that call these policies in process with plain values (test/policy/corpus.test.ts)
 * do not load it, nor the Pulumi SDK it loads (~0.17 CPU-s of a test file, measured).
 */
function isUnknownValueError(err: unknown): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { UnknownValueError } = require('@pulumi/policy') as typeof import('@pulumi/policy');
  return err instanceof UnknownValueError;
}

/** True when the rule can produce an advisory finding (so it needs the companion advisory policy). */
export function mayBeAdvisory(rule: Rule): boolean {
  return rule.devAdvisory !== undefined || rule.advisoryCase !== undefined;
}

function policyName(rule: Rule, level: EnforcementLevel): string {
  return level === 'mandatory' ? rule.id : `${rule.id}-advisory`;
}

function common(rule: Rule, level: EnforcementLevel) {
  const ids = rule.publicIds.length > 0 ? ` (${rule.publicIds.join(', ')})` : '';
  const why = level === 'advisory'
    ? ` Advisory companion: ${[rule.devAdvisory && `dev stacks: ${rule.devAdvisory.reason}`, rule.advisoryCase].filter(Boolean).join('; ')}.`
    : '';
  return {
    name: policyName(rule, level),
    description: `${rule.description}${ids}${why}`,
    enforcementLevel: level,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    tags: [...rule.publicIds],
  };
}

function resourcePolicy(rule: Rule, level: EnforcementLevel): ResourceValidationPolicy {
  return {
    ...common(rule, level),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!appliesTo(rule, canonicalType(args.type))) return;
      const view = viewFromArgs(args);
      const context = contextFor(stackFromUrn(args.urn), [view]);
      for (const finding of checkResource(rule, view, context)) {
        if (finding.level === level) reportViolation(formatFinding(finding));
      }
    },
  };
}

function stackPolicy(rule: Rule, level: EnforcementLevel): StackValidationPolicy {
  return {
    ...common(rule, level),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const views = args.resources.map(viewFromPolicyResource);
      if (views.length === 0) return;
      const context = contextFor(stackFromUrn(views[0].urn), views);
      for (const view of views) {
        for (const finding of checkResource(rule, view, context)) {
          if (finding.level === level) reportViolation(formatFinding(finding), view.urn);
        }
      }
    },
  };
}

/** The pack's policies: one mandatory policy per rule, plus `<id>-advisory` where a rule can be advisory. */
export function policiesFor(rules: readonly Rule[] = RULES): (ResourceValidationPolicy | StackValidationPolicy)[] {
  return rules.flatMap((rule) => {
    const make = rule.scope === 'stack' ? stackPolicy : resourcePolicy;
    return mayBeAdvisory(rule) ? [make(rule, 'mandatory'), make(rule, 'advisory')] : [make(rule, 'mandatory')];
  });
}
