/**
 * Azure facts and naming rules of the monitoring stack: managed Prometheus
 * (Azure Monitor workspace, data collection endpoint/rule/association),
 * Azure Managed Grafana, the action group. Each fact names its source and the
 * date it was checked.
 */
import { NameParts, regionShortName } from './naming';
import { PROGRAM_ROLES } from './role-ids';

/**
 * Managed Prometheus on AKS, after Microsoft Learn "Enable Prometheus and
 * Grafana with an ARM template / Bicep" (azure-monitor/containers/
 * kubernetes-monitoring-enable-arm, template FullAzureMonitorMetricsProfile;
 * checked 2026-12-01): the data collection endpoint and rule are named
 * `MSProm-<workspace region>-<cluster name>`, the endpoint cut to 44
 * characters and the rule to 64; the association is named
 * `MSProm-<cluster region>-<cluster name>`; the rule forwards the stream
 * `Microsoft-PrometheusMetrics` to the workspace.
 */
export const MANAGED_PROMETHEUS = {
  stream: 'Microsoft-PrometheusMetrics',
  dataSourceName: 'PrometheusDataSource',
  destinationName: 'MonitoringAccount1',
  kind: 'Linux',
  dataCollectionEndpointMaxLength: 44,
  dataCollectionRuleMaxLength: 64,
  source: 'Microsoft Learn, "Enable Prometheus and Grafana (ARM/Bicep)", FullAzureMonitorMetricsProfile template; checked 2026-12-01',
} as const;

/**
 * The managed Prometheus collector that runs custom scrape jobs (PodMonitors):
 * the ama-metrics replica pods in kube-system, labelled `rsName: ama-metrics`
 * (Azure/prometheus-collector, otelcollector/deploy/addon-chart,
 * ama-metrics-deployment.yaml; checked 2026-12-01). The apps' NetworkPolicy
 * lets it reach the metrics port; the per-node DaemonSet only scrapes the
 * default targets and is not let in.
 */
export const MANAGED_PROMETHEUS_SCRAPER = { namespace: 'kube-system', podLabels: { rsName: 'ama-metrics' } } as const;

/** Names of the data collection endpoint, rule and association managed Prometheus expects. */
export function managedPrometheusNames(clusterName: string, location: string): { endpoint: string; rule: string; association: string } {
  const base = `MSProm-${location}-${clusterName}`;
  return {
    endpoint: base.slice(0, MANAGED_PROMETHEUS.dataCollectionEndpointMaxLength).replace(/-+$/, ''),
    rule: base.slice(0, MANAGED_PROMETHEUS.dataCollectionRuleMaxLength).replace(/-+$/, ''),
    association: base,
  };
}

/**
 * Built-in role ids (Microsoft Learn, "Azure built-in roles", Monitor and
 * Analytics sections; checked 2026-12-01).
 */
export const MONITORING_ROLE_IDS = {
  /** Monitoring Data Reader: query an Azure Monitor workspace (Grafana's identity needs it). */
  monitoringDataReader: PROGRAM_ROLES.monitoringDataReader.id,
  /** Grafana Admin: full control of a Managed Grafana instance (data sources, dashboards, users). */
  grafanaAdmin: PROGRAM_ROLES.grafanaAdmin.id,
  /** Grafana Editor: view and edit dashboards. */
  grafanaEditor: PROGRAM_ROLES.grafanaEditor.id,
  /** Grafana Viewer: view dashboards. */
  grafanaViewer: PROGRAM_ROLES.grafanaViewer.id,
} as const;

/** The Grafana roles config may grant, by name. */
export const GRAFANA_ROLES = ['Admin', 'Editor', 'Viewer'] as const;
export type GrafanaRole = (typeof GRAFANA_ROLES)[number];

/** Role id of a Grafana role name. */
export function grafanaRoleId(role: GrafanaRole): string {
  return { Admin: MONITORING_ROLE_IDS.grafanaAdmin, Editor: MONITORING_ROLE_IDS.grafanaEditor, Viewer: MONITORING_ROLE_IDS.grafanaViewer }[role];
}

/**
 * Azure Managed Grafana (Microsoft Learn, "Azure Managed Grafana" overview and
 * "Supported Grafana versions"; checked 2026-12-01): the Standard plan has the
 * SLA, zone redundancy and the Azure Monitor workspace integration; the
 * Essential plan is not for production. The Entra token audience is the
 * Azure Managed Grafana application id.
 */
export const MANAGED_GRAFANA = {
  sku: 'Standard',
  majorVersion: '11',
  /** Application id (audience) of Azure Managed Grafana's data-plane API, for Entra tokens. */
  entraAudience: 'ce34e7e5-485f-4d76-964f-b3d2b16d1e4f',
  /** Instance names: 2–23 characters, letters, digits and hyphens, starting with a letter, ending with a letter or digit. */
  nameMaxLength: 23,
} as const;

/**
 * How the Grafana provider (@pulumiverse/grafana) reaches the Grafana API with no
 * credential in the Pulumi state. A provider's inputs are kept in the state, so the
 * token must not be one; and it must not come from `GRAFANA_AUTH` either: the
 * provider's Node SDK reads that variable in the program and copies it into the
 * provider's inputs (`auth: args.auth ?? getEnv("GRAFANA_AUTH")`,
 * @pulumiverse/grafana 2.40.0 provider.js), and the bridge lists it as a provider
 * config default. Instead:
 *
 * - `auth` is the literal `anonymous`: the provider then sends no credential of its
 *   own (terraform-provider-grafana, pkg/provider/configure_clients.go `parseAuth`);
 * - the token travels in `GRAFANA_HTTP_HEADERS` (JSON), which only the provider
 *   process reads and adds to every Grafana API request (configure_clients.go
 *   `getHTTPHeadersMap`; "May alternatively be set via the GRAFANA_HTTP_HEADERS
 *   environment variable in JSON format", @pulumiverse/grafana 2.40.0 provider
 *   docs). scripts/with-grafana-token.sh sets it for the one command that runs
 *   `pulumi up`, from `az account get-access-token --resource <entraAudience>`.
 *
 * Checked 2026-12-01 against @pulumiverse/grafana 2.40.0 and
 * github.com/grafana/terraform-provider-grafana (main).
 */
export const GRAFANA_PROVIDER_AUTH = {
  /** The provider's `auth` input: no credential. */
  auth: 'anonymous',
  /** The variable that carries `{"Authorization":"Bearer <Entra token>"}` to the provider process. */
  headersVariable: 'GRAFANA_HTTP_HEADERS',
  /** The script that sets it for one command. */
  script: 'scripts/with-grafana-token.sh',
} as const;

/** Name of the Managed Grafana instance: `amg-<prefix>-<env>-<suffix>`, at most 23 characters (it is part of a public DNS name). */
export function grafanaName(parts: NameParts): string {
  regionShortName(parts.location); // validates the region like every other name
  const tail = `-${parts.uniqueSuffix}`;
  const head = `amg-${parts.prefix}-${parts.environment}`.slice(0, MANAGED_GRAFANA.nameMaxLength - tail.length).replace(/-+$/, '');
  return `${head}${tail}`;
}

/** Name of the Azure Monitor workspace: `amw-<prefix>-<env>-<region>`. */
export function monitorWorkspaceName(parts: NameParts): string {
  return `amw-${parts.prefix}-${parts.environment}-${regionShortName(parts.location)}`;
}

/** Name of the action group: `ag-<prefix>-<env>-<region>`. */
export function actionGroupName(parts: NameParts): string {
  return `ag-${parts.prefix}-${parts.environment}-${regionShortName(parts.location)}`;
}

/** Action group short names (shown in SMS and e-mail) are at most 12 characters (Microsoft Learn, "Action groups"; checked 2026-12-01). */
export const ACTION_GROUP_SHORT_NAME_MAX = 12;

/** The action group's short name: `<prefix><env>`, cut to 12 characters. */
export function actionGroupShortName(parts: NameParts): string {
  return `${parts.prefix}${parts.environment}`.slice(0, ACTION_GROUP_SHORT_NAME_MAX);
}

/** Name of a Prometheus rule group: `<prefix>-<env>-<group>`. */
export function ruleGroupName(parts: NameParts, group: string): string {
  return `${parts.prefix}-${parts.environment}-${group}`;
}

/**
 * Metrics that managed Prometheus's default targets provide with the minimal
 * ingestion profile, which the rules and dashboards may use besides the apps'
 * own metrics (Microsoft Learn, "Minimal ingestion profile for Prometheus
 * metrics in Azure Monitor", prometheus-metrics-scrape-configuration-minimal;
 * checked 2026-12-01). Histogram series `<name>_bucket`, `_sum` and `_count`
 * of an app histogram are allowed by the metrics test without being listed.
 */
export const MANAGED_PROMETHEUS_METRICS: Readonly<Record<string, readonly string[]>> = {
  'kube-state-metrics': [
    'kube_node_info',
    'kube_node_status_condition',
    'kube_pod_status_phase',
    'kube_pod_container_status_waiting_reason',
    'kube_pod_container_status_restarts_total',
    'kube_horizontalpodautoscaler_status_current_replicas',
    'kube_horizontalpodautoscaler_status_desired_replicas',
    'kube_horizontalpodautoscaler_spec_max_replicas',
  ],
  kubelet: ['kubelet_volume_stats_used_bytes', 'kubelet_volume_stats_capacity_bytes'],
  cadvisor: ['container_cpu_usage_seconds_total', 'container_cpu_cfs_throttled_periods_total', 'container_cpu_cfs_periods_total', 'container_memory_working_set_bytes'],
  'node-exporter': ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes'],
};

/** Every metric name of {@link MANAGED_PROMETHEUS_METRICS}. */
export function managedPrometheusMetricNames(): Set<string> {
  return new Set(Object.values(MANAGED_PROMETHEUS_METRICS).flat());
}
