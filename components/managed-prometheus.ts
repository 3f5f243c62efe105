import * as pulumi from '@pulumi/pulumi';
import * as monitor from '@pulumi/azure-native/monitor';
import { AzureComponentArgs } from '../lib/component-args';
import { MANAGED_PROMETHEUS, managedPrometheusNames, monitorWorkspaceName } from '../lib/monitoring';

/** Arguments of {@link ManagedPrometheus}. */
export interface ManagedPrometheusArgs extends AzureComponentArgs {
  /** ARM ID of the AKS cluster whose metrics add-on sends to the workspace (its `azureMonitorProfile.metrics` must be enabled). */
  clusterId: pulumi.Input<string>;
  /** Azure name of the AKS cluster (names the data collection endpoint, rule and association). */
  clusterName: pulumi.Input<string>;
}

/**
 * Azure Monitor managed service for Prometheus for one AKS cluster: an Azure
 * Monitor workspace, and the data collection endpoint, rule (stream
 * `Microsoft-PrometheusMetrics` to the workspace) and association that the
 * cluster's metrics add-on (ama-metrics: kube-state-metrics, node exporter,
 * kubelet, cAdvisor and the apps' PodMonitors) sends through. Names and shape
 * follow Microsoft's ARM/Bicep template (lib/monitoring.ts `MANAGED_PROMETHEUS`).
 */
export class ManagedPrometheus extends pulumi.ComponentResource {
  /** The Azure Monitor workspace. */
  public readonly workspace: monitor.AzureMonitorWorkspace;
  /** ARM ID of the workspace (scope of the rule groups, target of Grafana's data source). */
  public readonly workspaceId: pulumi.Output<string>;
  /** PromQL query endpoint of the workspace. */
  public readonly queryEndpoint: pulumi.Output<string>;
  /** ARM ID of the data collection rule. */
  public readonly dataCollectionRuleId: pulumi.Output<string>;

  constructor(name: string, args: ManagedPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:ManagedPrometheus', name, {}, opts);
    const parent = { parent: this };
    const location = args.location ?? args.naming.location;
    const names = pulumi.all([args.clusterName, location]).apply(([cluster, loc]) => managedPrometheusNames(cluster, loc));

    this.workspace = new monitor.AzureMonitorWorkspace(
      `${name}-amw`,
      { azureMonitorWorkspaceName: monitorWorkspaceName(args.naming), resourceGroupName: args.resourceGroupName, location, tags: args.tags },
      parent,
    );

    const endpoint = new monitor.DataCollectionEndpoint(
      `${name}-dce`,
      {
        dataCollectionEndpointName: names.endpoint,
        resourceGroupName: args.resourceGroupName,
        location,
        kind: MANAGED_PROMETHEUS.kind,
        networkAcls: { publicNetworkAccess: 'Enabled' },
        description: 'Managed Prometheus: configuration and ingestion endpoint of the AKS metrics add-on',
        tags: args.tags,
      },
      parent,
    );

    const rule = new monitor.DataCollectionRule(
      `${name}-dcr`,
      {
        dataCollectionRuleName: names.rule,
        resourceGroupName: args.resourceGroupName,
        location,
        kind: MANAGED_PROMETHEUS.kind,
        description: 'Managed Prometheus: metrics of the AKS cluster to the Azure Monitor workspace',
        dataCollectionEndpointId: endpoint.id,
        dataSources: {
          prometheusForwarder: [{ name: MANAGED_PROMETHEUS.dataSourceName, streams: [MANAGED_PROMETHEUS.stream], labelIncludeFilter: {} }],
        },
        destinations: { monitoringAccounts: [{ name: MANAGED_PROMETHEUS.destinationName, accountResourceId: this.workspace.id }] },
        dataFlows: [{ streams: [MANAGED_PROMETHEUS.stream], destinations: [MANAGED_PROMETHEUS.destinationName] }],
        tags: args.tags,
      },
      parent,
    );

    new monitor.DataCollectionRuleAssociation(
      `${name}-dcra`,
      {
        associationName: names.association,
        resourceUri: args.clusterId,
        dataCollectionRuleId: rule.id,
        description: 'Sends the cluster’s Prometheus metrics through the managed Prometheus rule',
      },
      parent,
    );

    this.workspaceId = this.workspace.id;
    this.queryEndpoint = this.workspace.metrics.apply((m) => m?.prometheusQueryEndpoint ?? '');
    this.dataCollectionRuleId = rule.id;
    this.registerOutputs({ workspaceId: this.workspaceId, queryEndpoint: this.queryEndpoint, dataCollectionRuleId: this.dataCollectionRuleId });
  }
}
