/**
 * Service level objectives of the workload and their multi-window,
 * multi-burn-rate alerts, after the Google SRE workbook, chapter 5
 * "Alerting on SLOs" (table 5-8, "Recommended parameters for an SLO of
 * 99.9%"; checked 2026-12-01). Pure data and functions: the Prometheus rules
 * (lib/alert-rules.ts), the SLO dashboard and the tests read them.
 */

/** Requests that are not user traffic: probes and the metrics scrape. */
export const API_NON_USER_ROUTES = ['/api/health', '/api/ready', '/metrics'] as const;

/** PromQL label matchers selecting the api's user-facing requests. */
export const API_USER_TRAFFIC = `service="api",route!~"${API_NON_USER_ROUTES.join('|')}"`;

/** One SLO: what is measured, the objective, and the PromQL of its bad-event ratio over a window. */
export interface SloSpec {
  /** Identifier, also the `slo` label of its alerts (e.g. `api-availability`). */
  name: string;
  /** Human description of the objective. */
  description: string;
  /** Objective as a fraction of good events, e.g. 0.999. */
  objective: number;
  /** Compliance period in days (the error budget is spent over it). */
  periodDays: number;
  /** Name of the recording rule holding the bad-event ratio for a window (`<prefix>:ratio_rate<window>`). */
  recordPrefix: string;
  /** PromQL of the bad-event ratio over a range, e.g. `5m`. */
  errorRatio(window: string): string;
}

/** Latency threshold of the latency SLO, in seconds; must be a bucket boundary of `http_request_duration_seconds`. */
export const LATENCY_SLO_THRESHOLD_SECONDS = 0.5;

export const SLOS: readonly SloSpec[] = [
  {
    name: 'api-availability',
    description: '99.9 % of api requests (probes and scrapes excluded) are answered without a 5xx over 30 days',
    objective: 0.999,
    periodDays: 30,
    recordPrefix: 'slo:api_availability_errors',
    errorRatio: (w) =>
      `sum(rate(http_requests_total{${API_USER_TRAFFIC},status_code=~"5.."}[${w}])) / sum(rate(http_requests_total{${API_USER_TRAFFIC}}[${w}]))`,
  },
  {
    name: 'api-latency',
    description: `99 % of api requests (probes and scrapes excluded) complete within ${LATENCY_SLO_THRESHOLD_SECONDS * 1000} ms over 30 days`,
    objective: 0.99,
    periodDays: 30,
    recordPrefix: 'slo:api_latency_slow',
    errorRatio: (w) =>
      `1 - (sum(rate(http_request_duration_seconds_bucket{${API_USER_TRAFFIC},le="${LATENCY_SLO_THRESHOLD_SECONDS}"}[${w}])) / sum(rate(http_request_duration_seconds_count{${API_USER_TRAFFIC}}[${w}])))`,
  },
];

/** One long/short window pair of a burn-rate alert. */
export interface BurnRateWindow {
  /** Long window: the alert needs the budget burning this fast over it. */
  long: string;
  /** Short window (1/12 of the long one): the burn must still be going on, so the alert resets quickly. */
  short: string;
  /** Burn rate: how many times faster than "exactly the whole budget in the period". */
  factor: number;
  /** Share of a 30-day budget spent when the alert fires (workbook table 5-8). */
  budgetSpent: number;
}

/** The page and ticket alerts of every SLO: two window pairs each (SRE workbook table 5-8). */
export const BURN_RATE_ALERTS: readonly { severity: 'critical' | 'warning'; windows: readonly BurnRateWindow[] }[] = [
  {
    severity: 'critical',
    windows: [
      { long: '1h', short: '5m', factor: 14.4, budgetSpent: 0.02 },
      { long: '6h', short: '30m', factor: 6, budgetSpent: 0.05 },
    ],
  },
  {
    severity: 'warning',
    windows: [
      { long: '1d', short: '2h', factor: 3, budgetSpent: 0.1 },
      { long: '3d', short: '6h', factor: 1, budgetSpent: 0.1 },
    ],
  },
];

/** Every window a burn-rate alert reads, shortest first: one recording rule per SLO and window. */
export function burnRateWindows(): string[] {
  const seconds = (w: string) => Number(w.slice(0, -1)) * { m: 60, h: 3600, d: 86400 }[w.slice(-1) as 'm' | 'h' | 'd'];
  const all = new Set(BURN_RATE_ALERTS.flatMap((a) => a.windows.flatMap((w) => [w.long, w.short])));
  return [...all].sort((a, b) => seconds(a) - seconds(b));
}

/** Error budget of an SLO as a fraction (0.001 for 99.9 %), rounded to avoid 1 - 0.999 = 0.0010000000000000009. */
export function errorBudget(slo: Pick<SloSpec, 'objective'>): number {
  return Number((1 - slo.objective).toPrecision(6));
}

/** Recording rule name of an SLO's bad-event ratio over a window. */
export function sloRecord(slo: SloSpec, window: string): string {
  return `${slo.recordPrefix}:ratio_rate${window}`;
}

/** Burn-rate threshold of a window pair as a ratio, e.g. 14.4 × 0.001 = 0.0144. */
export function burnThreshold(slo: SloSpec, window: BurnRateWindow): number {
  return Number((window.factor * errorBudget(slo)).toPrecision(6));
}

/** The PromQL of one burn-rate alert: any window pair whose long and short windows both burn too fast. */
export function burnRateExpression(slo: SloSpec, windows: readonly BurnRateWindow[]): string {
  return windows
    .map((w) => `(${sloRecord(slo, w.long)} > ${burnThreshold(slo, w)} and ${sloRecord(slo, w.short)} > ${burnThreshold(slo, w)})`)
    .join(' or ');
}
