import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as monitor from '@pulumi/azure-native/monitor';
import { DiagnosticLogs, PodSecurityEffect, POD_SECURITY_EFFECTS, RESTRICTED_POD_SECURITY_INITIATIVE_ID } from '../lib/guardrails';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';

/** One resource whose logs go to the workspace. */
export interface DiagnosticTarget {
  /** Short name used in the setting's logical name, e.g. `kv`. */
  name: string;
  /** ARM id of the resource (vault, registry, server, cache database). */
  resourceId: pulumi.Input<string>;
  /** What it sends (lib/guardrails.ts DIAGNOSTIC_LOGS). */
  logs: DiagnosticLogs;
}

/** Arguments of {@link PlatformGuardrails}. */
export interface PlatformGuardrailsArgs {
  /** ARM id of the Log Analytics workspace the diagnostic settings send to (the cluster's). */
  workspaceId: pulumi.Input<string>;
  /** The data services (and the egress firewall) whose logs and metrics go to the workspace. */
  diagnostics: DiagnosticTarget[];
  /** ARM id of the AKS cluster the pod-security initiative is assigned to. */
  clusterId: pulumi.Input<string>;
  /** Namespaces the initiative evaluates (the apps'); system namespaces stay out. */
  podSecurityNamespaces: string[];
  /** `Audit` reports violations; `Deny` blocks them at admission. */
  podSecurityEffect: PodSecurityEffect;
  /** Azure name of the policy assignment (at most 64 characters). */
  policyAssignmentName: string;
}

/**
 * What aks-baseline turns on around the workload: diagnostic settings that send the
 * data services' logs (Key Vault AuditEvent, registry, PostgreSQL, Redis) and metrics
 * to Log Analytics, and an Azure Policy assignment of the built-in initiative
 * "Kubernetes cluster pod security restricted standards for Linux-based workloads" on
 * the cluster, in audit or deny mode, limited to the app namespaces.
 */
export class PlatformGuardrails extends pulumi.ComponentResource {
  /** The diagnostic settings, by target name. */
  public readonly diagnosticSettings: Record<string, monitor.DiagnosticSetting> = {};
  /** The pod-security policy assignment. */
  public readonly podSecurityAssignment: authorization.PolicyAssignment;

  constructor(name: string, args: PlatformGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:PlatformGuardrails', name, {}, opts);
    const problems: ArgProblem[] = [];
    if (!(POD_SECURITY_EFFECTS as readonly string[]).includes(args.podSecurityEffect)) {
      problems.push({ path: 'podSecurityEffect', problem: `"${args.podSecurityEffect}" is not one of ${POD_SECURITY_EFFECTS.join(', ')}` });
    }
    if (args.podSecurityNamespaces.length === 0) problems.push({ path: 'podSecurityNamespaces', problem: 'must name at least one namespace' });
    if (!/^[A-Za-z0-9-_.]{1,64}$/.test(args.policyAssignmentName)) problems.push({ path: 'policyAssignmentName', problem: `"${args.policyAssignmentName}" must be 1–64 letters, digits, - _ .` });
    const names = args.diagnostics.map((d) => d.name);
    if (new Set(names).size !== names.length) problems.push({ path: 'diagnostics', problem: `target names must be unique: ${names.join(', ')}` });
    if (knownValue(args.workspaceId) === '') problems.push({ path: 'workspaceId', problem: 'is empty' });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('PlatformGuardrails', name, problems), this);

    for (const target of args.diagnostics) {
      this.diagnosticSettings[target.name] = new monitor.DiagnosticSetting(
        `${name}-diag-${target.name}`,
        {
          name: 'to-log-analytics',
          resourceUri: target.resourceId,
          workspaceId: args.workspaceId,
          logAnalyticsDestinationType: 'Dedicated',
          logs: [
            ...(target.logs.categories ?? []).map((category) => ({ category, enabled: true })),
            ...(target.logs.categoryGroups ?? []).map((categoryGroup) => ({ categoryGroup, enabled: true })),
          ],
          metrics: target.logs.metrics ? [{ category: 'AllMetrics', enabled: true }] : [],
        },
        { parent: this },
      );
    }

    this.podSecurityAssignment = new authorization.PolicyAssignment(
      `${name}-pod-security`,
      {
        policyAssignmentName: args.policyAssignmentName,
        displayName: 'Kubernetes pod security restricted standards (app namespaces)',
        policyDefinitionId: RESTRICTED_POD_SECURITY_INITIATIVE_ID,
        scope: args.clusterId,
        enforcementMode: 'Default',
        parameters: {
          effect: { value: args.podSecurityEffect },
          namespaces: { value: args.podSecurityNamespaces },
        },
      },
      { parent: this },
    );

    this.registerOutputs({ podSecurityAssignmentId: this.podSecurityAssignment.id });
  }
}
