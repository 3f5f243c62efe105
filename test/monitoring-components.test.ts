/**
 * The monitoring stack's rules and argument checks, as tables: Azure names and
 * limits (lib/monitoring.ts), the arguments of PrometheusAlerts and
 * ManagedGrafana, and the `monitoring` stack config.
 */
import { readStackConfig } from '../offline/stack-config';
import { ConfigValidationError, stackConfigFromPulumiConfig } from '../config/validate';
import { prometheusAlertsArgProblems, PrometheusAlertsArgs } from '../components/prometheus-alerts';
import { managedGrafanaArgProblems, ManagedGrafanaArgs } from '../components/managed-grafana';
import { DASHBOARDS } from '../lib/dashboards';
import { actionGroupShortName, grafanaName, grafanaRoleId, managedPrometheusNames, monitorWorkspaceName, MONITORING_ROLE_IDS } from '../lib/monitoring';

const naming = { prefix: 'aksplat', environment: 'prod', location: 'westeurope', uniqueSuffix: '1a2b3c' };

describe('monitoring names and limits (lib/monitoring.ts)', () => {
  it.each([
    ['aks-aksplat-prod-weu', 'westeurope', 'MSProm-westeurope-aks-aksplat-prod-weu', 'MSProm-westeurope-aks-aksplat-prod-weu'],
    // 44 characters for the endpoint, 64 for the rule (Microsoft's template cuts the same way).
    ['aks-averyveryverylongprefix-production-weu', 'westeurope', 'MSProm-westeurope-aks-averyveryverylongprefi', 'MSProm-westeurope-aks-averyveryverylongprefix-production-weu'],
  ])('managed Prometheus names for cluster %s in %s', (cluster, location, endpoint, rule) => {
    const names = managedPrometheusNames(cluster, location);
    expect(names).toEqual({ endpoint, rule, association: `MSProm-${location}-${cluster}` });
    expect(names.endpoint.length).toBeLessThanOrEqual(44);
    expect(names.rule.length).toBeLessThanOrEqual(64);
  });

  it.each([
    [naming, 'amg-aksplat-prod-1a2b3c'],
    [{ ...naming, prefix: 'verylongpre', environment: 'staging1' }, 'amg-verylongpre-1a2b3c'],
  ])('Grafana name %#: at most 23 characters, unique suffix kept', (parts, expected) => {
    expect(grafanaName(parts)).toBe(expected);
    expect(grafanaName(parts).length).toBeLessThanOrEqual(23);
  });

  it('workspace, action group short name (≤ 12) and role ids', () => {
    expect(monitorWorkspaceName(naming)).toBe('amw-aksplat-prod-weu');
    expect(actionGroupShortName(naming)).toBe('aksplatprod');
    expect(actionGroupShortName({ ...naming, prefix: 'platformx', environment: 'staging' })).toBe('platformxsta');
    expect(grafanaRoleId('Viewer')).toBe(MONITORING_ROLE_IDS.grafanaViewer);
    expect(() => grafanaName({ ...naming, location: 'mars' })).toThrow('location "mars" is not supported');
  });
});

describe('PrometheusAlerts arguments', () => {
  const base = { naming, resourceGroupName: 'rg', tags: {}, workspaceId: 'w', clusterId: 'c', clusterName: 'n', runbookBaseUrl: 'docs/runbooks.md' } as PrometheusAlertsArgs;
  it.each<[string, Partial<PrometheusAlertsArgs>, string[]]>([
    ['no receiver', {}, ['emailReceivers: no receiver: give at least one e-mail or webhook receiver, or nobody hears the alerts']],
    ['a bad address', { emailReceivers: [{ name: 'oncall', emailAddress: 'oncall' }] }, ['emailReceivers[0].emailAddress: "oncall" is not an e-mail address']],
    [
      'a duplicate name and a plain-http webhook',
      { emailReceivers: [{ name: 'oncall', emailAddress: 'a@b.io' }], webhookReceivers: [{ name: 'oncall', serviceUri: 'http://hooks.example.org/x' }] },
      ['webhookReceivers[0].name: "oncall" is already used by emailReceivers[0]; receiver names must be unique', 'webhookReceivers[0].serviceUri: must be an https:// URL'],
    ],
    ['fine', { emailReceivers: [{ name: 'oncall', emailAddress: 'a@b.io' }] }, []],
  ])('%s', (_label, args, problems) => {
    expect(prometheusAlertsArgProblems({ ...base, ...args }).map((p) => `${p.path}: ${p.problem}`)).toEqual(problems);
  });
});

describe('ManagedGrafana arguments', () => {
  const base = { naming, resourceGroupName: 'rg', tags: {}, workspaceId: 'w', platformTeamGroupObjectIds: [], deployerObjectId: 'd' } as ManagedGrafanaArgs;
  it('rejects an unknown role and duplicate dashboard uids', () => {
    expect(managedGrafanaArgProblems({ ...base, platformTeamRole: 'Owner' as never, dashboards: [DASHBOARDS.slo, DASHBOARDS.slo] }).map((p) => `${p.path}: ${p.problem}`)).toEqual([
      'platformTeamRole: "Owner" is not allowed; allowed: Admin, Editor, Viewer',
      'dashboards[1].uid: "aksplat-slo" is used by another dashboard; uids must be unique',
    ]);
    expect(managedGrafanaArgProblems(base)).toEqual([]);
  });
});

describe('the monitoring stack config', () => {
  const problemsOf = (overrides: Record<string, unknown>): string[] => {
    try {
      stackConfigFromPulumiConfig(readStackConfig('dev', overrides).values);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigValidationError);
      return (err as ConfigValidationError).problems.map((p) => `${p.key}: ${p.message}`);
    }
    return [];
  };
  it.each<[string, Record<string, unknown>, string]>([
    ['alerts that reach nobody', { 'aks-platform:monitoring.emailReceivers': [] }, 'aks-platform:monitoring.emailReceivers: monitoring is enabled but the alerts reach nobody'],
    ['a bad e-mail address', { 'aks-platform:monitoring.emailReceivers': [{ name: 'x', emailAddress: 'nobody' }] }, 'aks-platform:monitoring.emailReceivers[0].emailAddress: got "nobody"; must be an e-mail address'],
    ['an unknown Grafana role', { 'aks-platform:monitoring.grafanaRole': 'Owner' }, 'aks-platform:monitoring.grafanaRole'],
    ['a group id that is not a GUID', { 'aks-platform:monitoring.platformTeamGroupObjectIds': ['platform-team'] }, 'aks-platform:monitoring.platformTeamGroupObjectIds[0]: got "platform-team"; must be a GUID'],
    ['a runbook URL over plain http', { 'aks-platform:monitoring.runbookBaseUrl': 'http://wiki/runbooks' }, 'aks-platform:monitoring.runbookBaseUrl: got "http://wiki/runbooks"; must be an https:// URL of docs/runbooks.md'],
  ])('rejects %s, naming the key', (_label, overrides, expected) => {
    expect(problemsOf(overrides)).toEqual([expect.stringContaining(expected)]);
  });
  it('is off when the key is absent, and needs no receiver then', () => {
    expect(problemsOf({ 'aks-platform:monitoring.enabled': false, 'aks-platform:monitoring.emailReceivers': [] })).toEqual([]);
  });
});
