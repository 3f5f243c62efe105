import * as pulumi from '@pulumi/pulumi';
import * as alertsmanagement from '@pulumi/azure-native/alertsmanagement';
import { azureRules, isoDuration, ruleGroups, RuleGroupSpec } from '../lib/alert-rules';
import { AzureComponentArgs } from '../lib/component-args';
import { actionGroupName, actionGroupShortName, ruleGroupName } from '../lib/monitoring';
import { ArgProblem, argProblemsMessage } from '../lib/problems';
import { ActionGroup } from './pinned-api/action-group';

/** Someone the alerts reach by e-mail. */
export interface AlertEmailReceiver {
  /** Receiver name, unique in the action group (e.g. `platform-oncall`). */
  name: string;
  /** E-mail address. */
  emailAddress: string;
}

/** A webhook the alerts are posted to (common alert schema), e.g. a chat or paging integration. */
export interface AlertWebhookReceiver {
  /** Receiver name, unique in the action group. */
  name: string;
  /** HTTPS URL; treat a URL that embeds a token as a secret (pass a secret Output). */
  serviceUri: pulumi.Input<string>;
}

/** Arguments of {@link PrometheusAlerts}. */
export interface PrometheusAlertsArgs extends AzureComponentArgs {
  /** ARM ID of the Azure Monitor workspace the rules query (ManagedPrometheus.workspaceId). */
  workspaceId: pulumi.Input<string>;
  /** ARM ID of the AKS cluster the rules are about (second scope of each group). */
  clusterId: pulumi.Input<string>;
  /** Azure name of the AKS cluster (the rule groups' `clusterName`). */
  clusterName: pulumi.Input<string>;
  /** E-mail receivers of the action group. */
  emailReceivers?: AlertEmailReceiver[];
  /** Webhook receivers of the action group. */
  webhookReceivers?: AlertWebhookReceiver[];
  /** Base URL of docs/runbooks.md; each alert's `runbook_url` annotation is `<base>#<section>`. */
  runbookBaseUrl: string;
  /** The rule groups (default: lib/alert-rules.ts `ruleGroups()`, the ones the promtool tests cover). */
  groups?: RuleGroupSpec[];
}

/**
 * The platform's alerting: an action group whose receivers come from config,
 * and one Azure Monitor Prometheus rule group per group of lib/alert-rules.ts
 * (api 5xx ratio and p99 latency, job queue lag and oldest queued job, job
 * failure ratio, crash-looping pods, nodes not ready, the SLO recording rules
 * and multi-window burn-rate alerts), evaluated against the Azure Monitor
 * workspace. Every alert notifies the action group and carries a runbook link.
 */
export class PrometheusAlerts extends pulumi.ComponentResource {
  /** The action group (API 2022-06-01, stable: see lib/azure-api-versions.ts). */
  public readonly actionGroup: ActionGroup;
  /** The rule groups by their short name (`api`, `jobs`, `kubernetes`, `slo-recording`, `slo-alerts`). */
  public readonly ruleGroups: Record<string, alertsmanagement.PrometheusRuleGroup> = {};

  constructor(name: string, args: PrometheusAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:PrometheusAlerts', name, {}, opts);
    const problems = prometheusAlertsArgProblems(args);
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('PrometheusAlerts', name, problems), this);
    const parent = { parent: this };
    const location = args.location ?? args.naming.location;

    this.actionGroup = new ActionGroup(
      `${name}-ag`,
      {
        actionGroupName: actionGroupName(args.naming),
        resourceGroupName: args.resourceGroupName,
        location: 'global',
        groupShortName: actionGroupShortName(args.naming),
        enabled: true,
        emailReceivers: (args.emailReceivers ?? []).map((r) => ({ name: r.name, emailAddress: r.emailAddress, useCommonAlertSchema: true })),
        webhookReceivers: (args.webhookReceivers ?? []).map((r) => ({ name: r.name, serviceUri: r.serviceUri, useCommonAlertSchema: true })),
        tags: args.tags,
      },
      parent,
    );

    for (const group of args.groups ?? ruleGroups()) {
      const rules = azureRules(group, args.runbookBaseUrl).map((rule) =>
        rule.alert ? { ...rule, actions: [{ actionGroupId: this.actionGroup.id }] } : rule,
      );
      this.ruleGroups[group.name] = new alertsmanagement.PrometheusRuleGroup(
        `${name}-${group.name}`,
        {
          ruleGroupName: ruleGroupName(args.naming, group.name),
          resourceGroupName: args.resourceGroupName,
          location,
          description: group.description,
          clusterName: args.clusterName,
          scopes: [args.workspaceId, args.clusterId],
          enabled: true,
          interval: isoDuration(group.interval),
          rules,
          tags: args.tags,
        },
        parent,
      );
    }

    this.registerOutputs({ actionGroupId: this.actionGroup.id });
  }
}

/** Every problem with {@link PrometheusAlertsArgs} (plain values only). */
export function prometheusAlertsArgProblems(args: PrometheusAlertsArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const names = new Map<string, string>();
  const receivers = [
    ...(args.emailReceivers ?? []).map((r, i) => ({ r, path: `emailReceivers[${i}]` })),
    ...(args.webhookReceivers ?? []).map((r, i) => ({ r, path: `webhookReceivers[${i}]` })),
  ];
  for (const { r, path } of receivers) {
    if (!/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,127}$/.test(r.name)) problems.push({ path: `${path}.name`, problem: `"${r.name}" is not a receiver name: letters, digits, space, _ . -, up to 128` });
    const clash = names.get(r.name);
    if (clash) problems.push({ path: `${path}.name`, problem: `"${r.name}" is already used by ${clash}; receiver names must be unique` });
    names.set(r.name, path);
  }
  (args.emailReceivers ?? []).forEach((r, i) => {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(r.emailAddress)) problems.push({ path: `emailReceivers[${i}].emailAddress`, problem: `"${r.emailAddress}" is not an e-mail address` });
  });
  (args.webhookReceivers ?? []).forEach((r, i) => {
    if (typeof r.serviceUri === 'string' && !/^https:\/\//.test(r.serviceUri)) problems.push({ path: `webhookReceivers[${i}].serviceUri`, problem: 'must be an https:// URL' });
  });
  if (receivers.length === 0) problems.push({ path: 'emailReceivers', problem: 'no receiver: give at least one e-mail or webhook receiver, or nobody hears the alerts' });
  if (!args.runbookBaseUrl) problems.push({ path: 'runbookBaseUrl', problem: 'is required: the URL of docs/runbooks.md the alerts link to' });
  return problems;
}
