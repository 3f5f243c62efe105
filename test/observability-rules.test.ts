/**
 * The Prometheus rules and the dashboards, checked with the real tools:
 * Prometheus' own PromQL grammar (lezer-promql), `promtool check rules` and a
 * `promtool test rules` unit test per alert with synthetic series (it fires
 * when it should and stays quiet when it should). The rule file is generated
 * from lib/alert-rules.ts, the data the Azure rule groups are made from.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ALERT_THRESHOLDS, allAlerts, allRuleExpressions, azureRules, isoDuration, promtoolRuleFile, ruleGroups } from '../lib/alert-rules';
import { DASHBOARDS, dashboardProblems, dashboardQueries, expandGrafanaVariables, type DashboardModel } from '../lib/dashboards';
import { BURN_RATE_ALERTS, SLOS, burnRateWindows, burnThreshold, errorBudget } from '../lib/slo';
import { analysePromql } from './support/promql';
import { promtool } from './support/promtool';

const root = path.resolve(__dirname, '..');
const RUNBOOK = 'docs/runbooks.md';

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

type Series = [series: string, values: string];
interface Scenario {
  series: Series[];
  at: string;
}
interface AlertCase {
  alert: string;
  /** Sample and evaluation interval: 1m, or 5m for the SLO alerts whose windows span days (keeps the test fast). */
  interval?: '1m' | '5m';
  /** Series and time at which the alert must fire, with the labels it carries besides alertname. */
  fires: Scenario & { labels: Record<string, string> };
  /** Series and time at which it must stay quiet. */
  quiet: Scenario;
}

/** A rule group of the unit-test rule file (YAML of promtoolRuleFile, annotations and interval removed). */
interface UnitGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; record?: string; expr: string; annotations?: unknown }[];
}

/** Whether `expr` reads the series `name` (a whole metric name, not a part of a longer one). */
function readsSeries(expr: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w:])${escaped}(?![\\w:])`).test(expr);
}

/**
 * `group` and every group whose recorded series it reads (and those they read), in the rule
 * file's order: what its alerts need to evaluate as in the whole file, where groups share
 * nothing but recorded series.
 */
function rulesFor(group: UnitGroup, all: UnitGroup[]): UnitGroup[] {
  const needed = new Set<UnitGroup>([group]);
  const readByNeeded = (other: UnitGroup) => other.rules.some((r) => r.record && [...needed].some((g) => g.rules.some((x) => readsSeries(x.expr, r.record!))));
  let next: UnitGroup | undefined;
  while ((next = all.find((g) => !needed.has(g) && readByNeeded(g)))) needed.add(next);
  return all.filter((g) => needed.has(g));
}

const API = 'service="api",method="POST",route="/api/jobs"';
const requests = (status: string, perStep: number): Series => [`http_requests_total{${API},status_code="${status}"}`, `0+${perStep}x60`];
const latency = (fastPerStep: number, totalPerStep: number): Series[] => [
  [`http_request_duration_seconds_bucket{${API},status_code="202",le="0.5"}`, `0+${fastPerStep}x60`],
  [`http_request_duration_seconds_bucket{${API},status_code="202",le="+Inf"}`, `0+${totalPerStep}x60`],
  [`http_request_duration_seconds_count{${API},status_code="202"}`, `0+${totalPerStep}x60`],
];
const buckets = (perBucket: Record<string, number>): Series[] =>
  Object.entries(perBucket).map(([le, n]) => [`http_request_duration_seconds_bucket{${API},status_code="202",le="${le}"}`, `0+${n}x40`]);
const jobs = (outcome: string, perStep: number): Series => [`jobs_processed_total{service="agent",type="sha256",outcome="${outcome}"}`, `0+${perStep}x60`];

// Burn rates: availability budget 0.1 % (fast page > 1.44 % / 0.6 %, slow ticket > 0.3 % / 0.1 %),
// latency budget 1 % (fast > 14.4 % / 6 %, slow > 3 % / 1 %).
const CASES: AlertCase[] = [
  {
    alert: 'ApiHighErrorRatio',
    fires: { series: [requests('500', 10), requests('202', 90)], at: '15m', labels: { severity: 'warning' } },
    quiet: { series: [requests('500', 2), requests('202', 98)], at: '15m' },
  },
  {
    alert: 'ApiHighLatencyP99',
    fires: { series: buckets({ '0.5': 0, '1': 0, '2.5': 10, '+Inf': 10 }), at: '20m', labels: { severity: 'warning', route: '/api/jobs' } },
    quiet: { series: buckets({ '0.5': 10, '1': 10, '2.5': 10, '+Inf': 10 }), at: '20m' },
  },
  {
    alert: 'JobQueueLagHigh',
    fires: { series: [['jobs_queue_lag{service="api"}', '150x30']], at: '15m', labels: { severity: 'warning' } },
    quiet: { series: [['jobs_queue_lag{service="api"}', '50x30']], at: '15m' },
  },
  {
    alert: 'JobOldestPendingTooOld',
    fires: { series: [['jobs_oldest_pending_age_seconds{service="api"}', '0+60x30']], at: '15m', labels: { severity: 'critical' } },
    quiet: { series: [['jobs_oldest_pending_age_seconds{service="api"}', '30x30']], at: '15m' },
  },
  {
    alert: 'JobFailureRatioHigh',
    fires: { series: [jobs('failed', 5), jobs('succeeded', 20)], at: '40m', labels: { severity: 'warning' } },
    quiet: { series: [jobs('failed', 1), jobs('succeeded', 20), jobs('duplicate', 50)], at: '40m' },
  },
  {
    alert: 'PodCrashLooping',
    fires: {
      series: [['kube_pod_container_status_waiting_reason{namespace="api",pod="api-1",container="api",reason="CrashLoopBackOff"}', '1x30']],
      at: '25m',
      labels: { severity: 'warning', namespace: 'api', pod: 'api-1', container: 'api' },
    },
    quiet: { series: [['kube_pod_container_status_waiting_reason{namespace="api",pod="api-1",container="api",reason="CrashLoopBackOff"}', '0x30']], at: '25m' },
  },
  {
    alert: 'NodeNotReady',
    fires: { series: [['kube_node_status_condition{node="aks-system-1",condition="Ready",status="true"}', '0x30']], at: '20m', labels: { severity: 'critical', node: 'aks-system-1' } },
    quiet: { series: [['kube_node_status_condition{node="aks-system-1",condition="Ready",status="true"}', '1x30']], at: '20m' },
  },
  {
    alert: 'ApiAvailabilityBudgetBurnFast',
    interval: '5m',
    fires: { series: [requests('500', 2), requests('202', 98)], at: '70m', labels: { severity: 'critical', slo: 'api-availability' } },
    // 0.5 % errors: burns 5x, below the 6x and 14.4x page thresholds (the slow ticket catches it).
    quiet: { series: [requests('500', 1), requests('202', 199)], at: '4h' },
  },
  {
    alert: 'ApiAvailabilityBudgetBurnSlow',
    interval: '5m',
    fires: { series: [requests('500', 1), requests('202', 199)], at: '4h', labels: { severity: 'warning', slo: 'api-availability' } },
    // 0.05 % errors: within budget.
    quiet: { series: [requests('500', 1), requests('202', 1999)], at: '4h' },
  },
  {
    alert: 'ApiLatencyBudgetBurnFast',
    interval: '5m',
    fires: { series: latency(80, 100), at: '70m', labels: { severity: 'critical', slo: 'api-latency' } },
    quiet: { series: latency(96, 100), at: '4h' },
  },
  {
    alert: 'ApiLatencyBudgetBurnSlow',
    interval: '5m',
    fires: { series: latency(96, 100), at: '4h', labels: { severity: 'warning', slo: 'api-latency' } },
    quiet: { series: latency(995, 1000), at: '4h' },
  },
];

describe('Prometheus rules (lib/alert-rules.ts)', () => {
  let dir: string;
  let ruleFile: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rules-'));
    ruleFile = path.join(dir, 'rules.yml');
    writeFileSync(ruleFile, promtoolRuleFile(RUNBOOK));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parse with Prometheus’ own PromQL grammar, without error nodes', () => {
    const broken = allRuleExpressions()
      .map(({ where, expr }) => ({ where, errors: analysePromql(expr).errors }))
      .filter((r) => r.errors.length > 0);
    expect(broken).toEqual([]);
    // The check can fail: a broken expression is reported.
    expect(analysePromql('sum(rate(http_requests_total[5m])').errors.length).toBeGreaterThan(0);
  });

  it('pass `promtool check rules`', () => {
    const r = promtool(['check', 'rules', ruleFile]);
    expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('each alert fires on its synthetic series and stays quiet on healthy ones (`promtool test rules`)', () => {
    const alerts = allAlerts().map((a) => a.alert);
    expect(CASES.map((c) => c.alert).sort()).toEqual([...alerts].sort());
    // Annotations carry templates whose rendering is not under test here, and the
    // evaluation interval is the test file's; the expressions, `for` durations and
    // labels are exactly those of the rule file.
    const unitRules = YAML.parse(promtoolRuleFile(RUNBOOK)) as { groups: UnitGroup[] };
    for (const g of unitRules.groups) {
      delete g.interval;
      for (const r of g.rules) delete r.annotations;
    }
    writeFileSync(path.join(dir, 'unit-rules.yml'), YAML.stringify(unitRules, { lineWidth: 0 }));
    const test = (s: Scenario, interval: string, alert: string, expected: Record<string, string>[]) => ({
      interval,
      input_series: s.series.map(([series, values]) => ({ series, values })),
      alert_rule_test: [{ eval_time: s.at, alertname: alert, exp_alerts: expected.map((labels) => ({ exp_labels: labels })) }],
    });
    // One unit-test file per rule group and interval, each loading only that group and the
    // groups whose recorded series it reads (rulesFor): promtool evaluates every rule it loads
    // at every step of every test, and the alerts' groups are independent but for recorded
    // series. With the whole file loaded, the 1m tests evaluated the 14 SLO recording rules at
    // each of their 300 steps: this file's promtool children took 3.6-3.9 CPU-s, now 1.4-2.1
    // (cold, twice each). All files go to one promtool, whose output names each file with its result.
    const groupOf = new Map(unitRules.groups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => [r.alert!, g.name] as const)));
    const files: { name: string; tests: ReturnType<typeof test>[] }[] = [];
    for (const interval of ['1m', '5m']) {
      for (const group of unitRules.groups) {
        const cases = CASES.filter((c) => (c.interval ?? '1m') === interval && groupOf.get(c.alert) === group.name);
        if (cases.length === 0) continue;
        const rules = `unit-rules-${group.name}.yml`;
        writeFileSync(path.join(dir, rules), YAML.stringify({ groups: rulesFor(group, unitRules.groups) }, { lineWidth: 0 }));
        const tests = cases.flatMap((c) => [test(c.fires, interval, c.alert, [c.fires.labels]), test(c.quiet, interval, c.alert, [])]);
        const file = `unit-${interval}-${group.name}.yml`;
        writeFileSync(path.join(dir, file), YAML.stringify({ rule_files: [rules], evaluation_interval: interval, tests }, { lineWidth: 0 }));
        files.push({ name: file, tests });
      }
    }
    // Every case is in one of the files.
    expect(files.flatMap((f) => f.tests.map((t) => t.alert_rule_test[0].alertname)).sort()).toEqual(CASES.flatMap((c) => [c.alert, c.alert]).sort());
    const r = promtool(['test', 'rules', ...files.map((f) => f.name)], dir);
    expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    expect(r.output.match(/^ {2}SUCCESS$/gm)).toHaveLength(files.length);
  });

  it('a unit test fails when an alert does not fire (the harness can fail)', () => {
    const c = CASES[0];
    const tests = [{ interval: '1m', input_series: c.quiet.series.map(([series, values]) => ({ series, values })), alert_rule_test: [{ eval_time: c.quiet.at, alertname: c.alert, exp_alerts: [{ exp_labels: c.fires.labels }] }] }];
    writeFileSync(path.join(dir, 'unit-fail.yml'), YAML.stringify({ rule_files: ['unit-rules.yml'], evaluation_interval: '1m', tests }));
    expect(promtool(['test', 'rules', 'unit-fail.yml'], dir).status).not.toBe(0);
  });

  it('link every alert to a section of docs/runbooks.md that exists', () => {
    const runbooks = readFileSync(path.join(root, RUNBOOK), 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^#{1,6} (.+)$/gm)].map((m) => githubSlug(m[1])));
    const missing = allAlerts()
      .filter((a) => !anchors.has(a.runbook))
      .map((a) => `${a.alert} → #${a.runbook}`);
    expect(missing).toEqual([]);
    const file = YAML.parse(promtoolRuleFile('https://example.org/runbooks.md'));
    for (const g of file.groups) for (const r of g.rules) if (r.alert) expect(r.annotations.runbook_url).toMatch(/^https:\/\/example\.org\/runbooks\.md#[a-z0-9-]+$/);
  });

  it('give the Azure rule groups the same rules, in the API’s shape', () => {
    for (const group of ruleGroups()) {
      const rules = azureRules(group, RUNBOOK);
      // Azure allows at most 20 rules per group.
      expect(rules.length).toBeLessThanOrEqual(20);
      expect(rules.map((r) => r.expression)).toEqual(group.rules.map((r) => r.expr));
    }
    const burn = azureRules(ruleGroups().find((g) => g.name === 'slo-alerts')!, RUNBOOK)[0];
    expect(burn).toMatchObject({ alert: 'ApiAvailabilityBudgetBurnFast', for: 'PT2M', severity: 0, labels: { severity: 'critical', slo: 'api-availability' } });
    expect(burn.annotations?.runbook_url).toBe('docs/runbooks.md#slo-error-budget-burn');
    expect([isoDuration('5m'), isoDuration('1h'), isoDuration('3d')]).toEqual(['PT5M', 'PT1H', 'P3D']);
    expect(() => isoDuration('1h30m')).toThrow('not a simple Prometheus duration');
  });
});

describe('SLOs (lib/slo.ts)', () => {
  it('are 99.9 % availability and 99 % within 500 ms, alerted by the SRE workbook windows', () => {
    expect(SLOS.map((s) => [s.name, s.objective, errorBudget(s)])).toEqual([
      ['api-availability', 0.999, 0.001],
      ['api-latency', 0.99, 0.01],
    ]);
    expect(BURN_RATE_ALERTS.map((a) => [a.severity, a.windows.map((w) => `${w.long}/${w.short}@${w.factor}x`)])).toEqual([
      ['critical', ['1h/5m@14.4x', '6h/30m@6x']],
      ['warning', ['1d/2h@3x', '3d/6h@1x']],
    ]);
    expect(burnRateWindows()).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(burnThreshold(SLOS[0], BURN_RATE_ALERTS[0].windows[0])).toBe(0.0144);
    expect(ALERT_THRESHOLDS.api5xxRatio).toBe(0.05);
  });
});

describe('Grafana dashboards (lib/dashboards/*.json)', () => {
  const all = Object.values(DASHBOARDS);

  it('have unique uids, the datasource variable on every panel and query, and no empty panel', () => {
    expect(dashboardProblems(all)).toEqual([]);
    expect(all.map((d) => d.uid).sort()).toEqual(['aksplat-platform', 'aksplat-slo', 'aksplat-workload']);
  });

  it('the checks catch a duplicate uid, a hard-wired data source and an empty query', () => {
    const bad: DashboardModel = JSON.parse(JSON.stringify(DASHBOARDS.slo));
    const panel = bad.panels.find((p) => p.type !== 'row')!;
    panel.datasource = { type: 'prometheus', uid: 'some-fixed-uid' };
    panel.targets![0].expr = '';
    const problems = dashboardProblems([DASHBOARDS.slo, bad]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('uid "aksplat-slo" is already used'),
        expect.stringContaining(`panel "${panel.title}": datasource must be`),
        expect.stringContaining('empty expr'),
      ]),
    );
  });

  it('every panel query parses with Prometheus’ PromQL grammar', () => {
    const queries = all.flatMap(dashboardQueries);
    expect(queries.length).toBeGreaterThan(30);
    const broken = queries.map((q) => ({ where: q.where, errors: analysePromql(expandGrafanaVariables(q.expr)).errors })).filter((q) => q.errors.length > 0);
    expect(broken).toEqual([]);
  });

  it('cover what the issue asks for: workload, platform and SLO panels', () => {
    const titles = (d: DashboardModel) => d.panels.filter((p) => p.type !== 'row').map((p) => p.title);
    expect(titles(DASHBOARDS.workload)).toEqual(
      expect.arrayContaining(['Request rate by route', '5xx ratio by route', 'Latency p50 / p95 / p99 by route', 'Job throughput by type and outcome', 'Queue lag and pending entries', 'Processing time p50 / p95 by type', 'Socket.IO connected clients']),
    );
    expect(titles(DASHBOARDS.platform)).toEqual(
      expect.arrayContaining(['Nodes Ready / total', 'Pods by phase', 'Container restarts (last hour)', 'CPU throttling by pod', 'PVC usage', 'HPA replicas: current / desired / max', 'Cluster autoscaler: nodes and pending pods']),
    );
    expect(titles(DASHBOARDS.slo)).toEqual(expect.arrayContaining(['Availability SLI (30 days)', 'Availability error budget left (30 days)', 'Latency SLI (30 days)', 'Latency burn rate by window']));
  });
});
