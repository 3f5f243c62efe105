/**
 * The Grafana dashboards, kept as JSON next to this file (lib/dashboards/*.json)
 * and deployed by components/managed-grafana.ts. Every panel reads the
 * Prometheus data source chosen in the dashboard's `datasource` variable, so
 * the same JSON works on any Grafana linked to the Azure Monitor workspace.
 * {@link dashboardProblems} is the structural check the tests run.
 */
import platform from './dashboards/platform.json';
import slo from './dashboards/slo.json';
import workload from './dashboards/workload.json';

/** The parts of a Grafana dashboard JSON model the platform relies on. */
export interface DashboardModel {
  uid: string;
  title: string;
  templating: { list: { name: string; type: string; query?: unknown }[] };
  panels: DashboardPanel[];
  [key: string]: unknown;
}

/** One panel (rows included). */
export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: { refId: string; expr?: string; datasource?: { type?: string; uid?: string } }[];
  [key: string]: unknown;
}

/** The dashboards by file name: `workload` (api, jobs, queue), `platform` (nodes, pods, autoscaling), `slo`. */
export const DASHBOARDS: Readonly<Record<'workload' | 'platform' | 'slo', DashboardModel>> = {
  workload: workload as DashboardModel,
  platform: platform as DashboardModel,
  slo: slo as DashboardModel,
};

/** The data source reference every panel and query uses: the dashboard's `datasource` variable. */
export const DATASOURCE_REF = { type: 'prometheus', uid: '${datasource}' } as const;

/** Grafana's built-in variables in queries, and what the PromQL checks put in their place. */
export const GRAFANA_VARIABLE_STAND_INS: Readonly<Record<string, string>> = {
  $__rate_interval: '5m',
  $__interval: '1m',
  $__range: '6h',
};

/** A panel query with where it is. */
export interface DashboardQuery {
  /** `<dashboard uid>/<panel title>/<refId>`. */
  where: string;
  /** PromQL as written in the dashboard. */
  expr: string;
}

/** Every PromQL query of a dashboard. */
export function dashboardQueries(dashboard: DashboardModel): DashboardQuery[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((t) => ({ where: `${dashboard.uid}/${panel.title}/${t.refId}`, expr: t.expr ?? '' })),
  );
}

/** A query with Grafana's variables replaced by plain PromQL values, ready for a PromQL parser. */
export function expandGrafanaVariables(expr: string): string {
  return expr.replace(/\$__[a-z_]+/g, (name) => {
    const value = GRAFANA_VARIABLE_STAND_INS[name];
    if (value === undefined) throw new Error(`unknown Grafana variable ${name} in: ${expr}`);
    return value;
  });
}

/** Grafana's uid rule: at most 40 characters of letters, digits, `-` and `_`. */
const UID = /^[A-Za-z0-9_-]{1,40}$/;

/** Structural problems of a set of dashboards (empty when all is well). */
export function dashboardProblems(dashboards: readonly DashboardModel[]): string[] {
  const problems: string[] = [];
  const uids = new Map<string, string>();
  for (const d of dashboards) {
    const at = `dashboard "${d.title}"`;
    if (!UID.test(d.uid ?? '')) problems.push(`${at}: uid "${d.uid}" must be 1–40 letters, digits, - or _`);
    const clash = uids.get(d.uid);
    if (clash) problems.push(`${at}: uid "${d.uid}" is already used by "${clash}"`);
    uids.set(d.uid, d.title);
    const dsVariable = d.templating?.list?.find((v) => v.name === 'datasource');
    if (!dsVariable || dsVariable.type !== 'datasource' || dsVariable.query !== 'prometheus') {
      problems.push(`${at}: needs a templating variable "datasource" of type datasource with query "prometheus"`);
    }
    const ids = new Set<number>();
    for (const p of d.panels ?? []) {
      const pat = `${at} panel "${p.title}"`;
      if (ids.has(p.id)) problems.push(`${pat}: panel id ${p.id} is used twice`);
      ids.add(p.id);
      if (p.type === 'row') continue;
      if (!p.title) problems.push(`${at} panel ${p.id}: has no title`);
      const sameRef = (ref?: { type?: string; uid?: string }) => ref?.type === DATASOURCE_REF.type && ref?.uid === DATASOURCE_REF.uid;
      if (!sameRef(p.datasource)) problems.push(`${pat}: datasource must be ${JSON.stringify(DATASOURCE_REF)}`);
      const targets = p.targets ?? [];
      if (targets.length === 0) problems.push(`${pat}: has no query`);
      const refIds = new Set<string>();
      for (const t of targets) {
        if (refIds.has(t.refId)) problems.push(`${pat}: refId ${t.refId} is used twice`);
        refIds.add(t.refId);
        if (!t.expr || t.expr.trim() === '') problems.push(`${pat} query ${t.refId}: empty expr`);
        if (!sameRef(t.datasource)) problems.push(`${pat} query ${t.refId}: datasource must be ${JSON.stringify(DATASOURCE_REF)}`);
      }
    }
  }
  return problems;
}
