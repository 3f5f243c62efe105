/**
 * The platform's Prometheus rules, as data: one source for the Azure
 * `PrometheusRuleGroup` resources (components/prometheus-alerts.ts) and for the
 * rule file that `promtool check rules` / `promtool test rules` read in the
 * tests ({@link promtoolRuleFile}). Every alert links its section of
 * docs/runbooks.md.
 *
 * Metrics come from the apps' own /metrics (apps/common/src/metrics.ts, the
 * api and agent) and from managed Prometheus's default targets
 * (kube-state-metrics, kubelet, cAdvisor, node exporter; see
 * lib/monitoring.ts `MANAGED_PROMETHEUS_METRICS`).
 */
import * as YAML from 'yaml';
import { API_USER_TRAFFIC, BURN_RATE_ALERTS, SLOS, SloSpec, burnRateExpression, burnRateWindows, errorBudget, sloRecord } from './slo';

export type AlertSeverity = 'critical' | 'warning';

/** An alerting rule. */
export interface AlertRuleSpec {
  /** Alert name (CamelCase, unique). */
  alert: string;
  /** PromQL condition; the alert fires for every series it returns. */
  expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration, e.g. `5m`). */
  for: string;
  /** `critical` pages (Azure severity 0), `warning` opens a ticket (Azure severity 2). */
  severity: AlertSeverity;
  /** One-line summary (may use `{{ $labels.x }}` / `{{ $value }}`). */
  summary: string;
  /** What it means and what is affected. */
  description: string;
  /** Anchor of the alert's section in docs/runbooks.md (GitHub heading slug). */
  runbook: string;
  /** Extra labels, e.g. the `slo` of a burn-rate alert. */
  labels?: Record<string, string>;
}

/** A recording rule. */
export interface RecordingRuleSpec {
  /** Name of the recorded series (`level:metric:operations`). */
  record: string;
  /** PromQL it records. */
  expr: string;
}

/** A group of rules evaluated together. */
export interface RuleGroupSpec {
  /** Short name; the Azure rule group is `<prefix>-<env>-<name>`. */
  name: string;
  /** What the group watches. */
  description: string;
  /** Evaluation interval (Prometheus duration). */
  interval: string;
  rules: (AlertRuleSpec | RecordingRuleSpec)[];
}

export const isAlert = (rule: AlertRuleSpec | RecordingRuleSpec): rule is AlertRuleSpec => 'alert' in rule;

/** Thresholds of the symptom alerts (the SLO alerts derive theirs from lib/slo.ts). */
export const ALERT_THRESHOLDS = {
  /** Share of the api's user requests answered 5xx. */
  api5xxRatio: 0.05,
  /** p99 latency of an api route, seconds. */
  apiP99Seconds: 1,
  /** Stream entries not yet delivered to any agent. */
  queueLag: 100,
  /** Age of the oldest job still queued, seconds. */
  oldestPendingSeconds: 300,
  /** Share of finished jobs that failed. */
  jobFailureRatio: 0.1,
} as const;

const T = ALERT_THRESHOLDS;

function sloRules(slo: SloSpec): { records: RecordingRuleSpec[]; alerts: AlertRuleSpec[] } {
  const records = burnRateWindows().map((w) => ({ record: sloRecord(slo, w), expr: slo.errorRatio(w) }));
  const title = slo.name
    .split('-')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
  const alerts = BURN_RATE_ALERTS.map(({ severity, windows }) => ({
    alert: `${title}BudgetBurn${severity === 'critical' ? 'Fast' : 'Slow'}`,
    expr: burnRateExpression(slo, windows),
    for: severity === 'critical' ? '2m' : '15m',
    severity,
    summary: `${slo.name} SLO: error budget burning ${windows.map((w) => `${w.factor}x`).join(' / ')} too fast`,
    description:
      `${slo.description}. The ${windows.map((w) => `${w.long}/${w.short}`).join(' or ')} windows burn the ` +
      `${(errorBudget(slo) * 100).toPrecision(2)} % budget at ${windows.map((w) => `${w.factor}x`).join(' / ')}; ` +
      `at this rate ${windows.map((w) => `${w.budgetSpent * 100} %`).join(' / ')} of the 30-day budget is gone.`,
    runbook: 'slo-error-budget-burn',
    labels: { slo: slo.name },
  }));
  return { records, alerts };
}

/** The rule groups, in evaluation order. */
export function ruleGroups(): RuleGroupSpec[] {
  const slo = SLOS.map(sloRules);
  return [
    {
      name: 'api',
      description: 'api symptoms: 5xx ratio and p99 latency by route',
      interval: '1m',
      rules: [
        {
          alert: 'ApiHighErrorRatio',
          expr: `sum(rate(http_requests_total{${API_USER_TRAFFIC},status_code=~"5.."}[5m])) / sum(rate(http_requests_total{${API_USER_TRAFFIC}}[5m])) > ${T.api5xxRatio}`,
          for: '5m',
          severity: 'warning',
          summary: 'api answers {{ $value | humanizePercentage }} of requests with 5xx',
          description: `More than ${T.api5xxRatio * 100} % of the api's user requests got a 5xx for 5 minutes.`,
          runbook: 'api-high-error-ratio',
        },
        {
          alert: 'ApiHighLatencyP99',
          expr: `histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{${API_USER_TRAFFIC}}[5m]))) > ${T.apiP99Seconds}`,
          for: '10m',
          severity: 'warning',
          summary: 'api p99 latency of {{ $labels.route }} is {{ $value | humanizeDuration }}',
          description: `The 99th percentile latency of an api route stayed above ${T.apiP99Seconds} s for 10 minutes.`,
          runbook: 'api-high-latency',
        },
      ],
    },
    {
      name: 'jobs',
      description: 'job queue and agent symptoms: lag, oldest queued job, failure ratio',
      interval: '1m',
      rules: [
        {
          alert: 'JobQueueLagHigh',
          expr: `max(jobs_queue_lag) > ${T.queueLag}`,
          for: '10m',
          severity: 'warning',
          summary: '{{ $value }} jobs wait in the stream for an agent',
          description: `More than ${T.queueLag} stream entries were not yet delivered to any agent for 10 minutes: the agents do not keep up or do not consume.`,
          runbook: 'job-queue-lag',
        },
        {
          alert: 'JobOldestPendingTooOld',
          expr: `max(jobs_oldest_pending_age_seconds) > ${T.oldestPendingSeconds}`,
          for: '5m',
          severity: 'critical',
          summary: 'the oldest queued job has waited {{ $value | humanizeDuration }}',
          description: `A job accepted by the api has stayed queued for more than ${T.oldestPendingSeconds / 60} minutes: users wait for results that do not come.`,
          runbook: 'job-queue-lag',
        },
        {
          alert: 'JobFailureRatioHigh',
          expr: `sum(rate(jobs_processed_total{outcome="failed"}[15m])) / sum(rate(jobs_processed_total{outcome=~"succeeded|failed"}[15m])) > ${T.jobFailureRatio}`,
          for: '15m',
          severity: 'warning',
          summary: '{{ $value | humanizePercentage }} of finished jobs failed',
          description: `More than ${T.jobFailureRatio * 100} % of the jobs the agents finished in 15 minutes failed.`,
          runbook: 'job-failure-ratio',
        },
      ],
    },
    {
      name: 'kubernetes',
      description: 'cluster symptoms from kube-state-metrics: crash-looping pods, nodes not ready',
      interval: '1m',
      rules: [
        {
          alert: 'PodCrashLooping',
          expr: 'max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m])) >= 1',
          for: '15m',
          severity: 'warning',
          summary: '{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) is crash-looping',
          description: 'A container has been waiting in CrashLoopBackOff for 15 minutes.',
          runbook: 'pod-crash-looping',
        },
        {
          alert: 'NodeNotReady',
          expr: 'max by (node) (kube_node_status_condition{condition="Ready",status="true"}) == 0',
          for: '15m',
          severity: 'critical',
          summary: 'node {{ $labels.node }} is not Ready',
          description: 'A node has not reported Ready for 15 minutes; its pods are being evicted or cannot start.',
          runbook: 'node-not-ready',
        },
      ],
    },
    {
      name: 'slo-recording',
      description: 'SLI ratios of the api SLOs over the burn-rate windows',
      interval: '1m',
      rules: slo.flatMap((s) => s.records),
    },
    {
      name: 'slo-alerts',
      description: 'multi-window, multi-burn-rate alerts of the api SLOs',
      interval: '1m',
      rules: slo.flatMap((s) => s.alerts),
    },
  ];
}

/** Every alert, flat. */
export function allAlerts(groups: RuleGroupSpec[] = ruleGroups()): AlertRuleSpec[] {
  return groups.flatMap((g) => g.rules.filter(isAlert));
}

/** Every PromQL expression, with where it comes from. */
export function allRuleExpressions(groups: RuleGroupSpec[] = ruleGroups()): { where: string; expr: string }[] {
  return groups.flatMap((g) => g.rules.map((r) => ({ where: `${g.name}/${isAlert(r) ? r.alert : r.record}`, expr: r.expr })));
}

/** The runbook URL of an alert: `<base>#<anchor>`. */
export function runbookUrl(base: string, rule: Pick<AlertRuleSpec, 'runbook'>): string {
  return `${base}#${rule.runbook}`;
}

/** Annotations every alert carries. */
export function alertAnnotations(rule: AlertRuleSpec, runbookBase: string): Record<string, string> {
  return { summary: rule.summary, description: rule.description, runbook_url: runbookUrl(runbookBase, rule) };
}

/**
 * The groups as a Prometheus rule file (YAML), exactly what the Azure rule
 * groups evaluate; `promtool check rules` and `promtool test rules` read it.
 */
export function promtoolRuleFile(runbookBase: string, groups: RuleGroupSpec[] = ruleGroups()): string {
  return YAML.stringify(
    {
      groups: groups.map((g) => ({
        name: g.name,
        interval: g.interval,
        rules: g.rules.map((r) =>
          isAlert(r)
            ? { alert: r.alert, expr: r.expr, for: r.for, labels: { severity: r.severity, ...r.labels }, annotations: alertAnnotations(r, runbookBase) }
            : { record: r.record, expr: r.expr },
        ),
      })),
    },
    { lineWidth: 0 },
  );
}

/** Prometheus duration (`5m`, `1h`, `1d`) as ISO 8601 (`PT5M`, `PT1H`, `P1D`), the form Azure rule groups take. */
export function isoDuration(duration: string): string {
  const m = /^(\d+)([smhd])$/.exec(duration);
  if (!m) throw new Error(`"${duration}" is not a simple Prometheus duration such as 5m, 1h or 1d`);
  const [, n, unit] = m;
  return unit === 'd' ? `P${n}D` : `PT${n}${unit.toUpperCase()}`;
}

/** Azure Monitor alert severity (0 = critical … 4 = verbose) of an alert severity. */
export const AZURE_SEVERITY: Record<AlertSeverity, number> = { critical: 0, warning: 2 };

/** One rule as the Azure `PrometheusRuleGroup` API takes it (plain data; the component adds the action group). */
export interface AzurePrometheusRule {
  record?: string;
  alert?: string;
  expression: string;
  for?: string;
  severity?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  enabled: boolean;
  resolveConfiguration?: { autoResolved: boolean; timeToResolve: string };
}

/** The rules of a group in the Azure API's shape. */
export function azureRules(group: RuleGroupSpec, runbookBase: string): AzurePrometheusRule[] {
  return group.rules.map((r) =>
    isAlert(r)
      ? {
          alert: r.alert,
          expression: r.expr,
          for: isoDuration(r.for),
          severity: AZURE_SEVERITY[r.severity],
          labels: { severity: r.severity, ...r.labels },
          annotations: alertAnnotations(r, runbookBase),
          enabled: true,
          resolveConfiguration: { autoResolved: true, timeToResolve: 'PT10M' },
        }
      : { record: r.record, expression: r.expr, enabled: true },
  );
}
