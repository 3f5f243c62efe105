import { loadStacks, versionCalendarReport } from '../scripts/check-versions';
import * as path from 'path';

const on = (day: string) => () => new Date(`${day}T06:17:00Z`);
const stack = (kubernetesVersion: string, tier = 'Standard', supportPlan: 'KubernetesOfficial' | 'AKSLongTermSupport' = 'KubernetesOfficial') =>
  ({ cluster: { kubernetesVersion, tier, supportPlan } }) as never;

describe('the scheduled version check (injected clock)', () => {
  it('passes both stacks of the repository on 2026-12-01', () => {
    const report = versionCalendarReport(loadStacks(path.resolve(__dirname, '..')), on('2026-12-01'));
    expect(report.map((r) => [r.stack, r.ok, r.daysLeft])).toEqual([
      ['dev', true, 334],
      ['prod', true, 334],
    ]);
  });

  it.each([
    // version, day, ok, daysLeft
    ['1.37', '2027-09-01', true, 60],
    ['1.37', '2027-09-02', false, 59],
    ['1.36', '2027-05-01', true, 60],
    ['1.36', '2027-05-02', false, 59],
    ['1.35', '2027-04-01', false, undefined], // past end of life: refused
  ])('%s on %s → ok %s (%s days left)', (version, day, ok, daysLeft) => {
    const [line] = versionCalendarReport({ prod: stack(version) }, on(day));
    expect({ ok: line.ok, daysLeft: line.daysLeft }).toEqual({ ok, daysLeft });
  });

  it('fails one stack and names it, the version, the last day and the key to change', () => {
    const report = versionCalendarReport({ dev: stack('1.37'), prod: stack('1.35') }, on('2027-02-15'));
    expect(report).toEqual([
      expect.objectContaining({ stack: 'dev', ok: true }),
      {
        stack: 'prod',
        version: '1.35',
        lastDay: '2027-03-31',
        daysLeft: 44,
        ok: false,
        message: 'Kubernetes 1.35 ends on 2027-03-31 (44 days left, under 60): upgrade aks-platform:cluster.kubernetesVersion in Pulumi.prod.yaml',
      },
    ]);
  });

  it('counts to the end of long-term support with Premium + AKSLongTermSupport', () => {
    const [line] = versionCalendarReport({ prod: stack('1.33', 'Premium', 'AKSLongTermSupport') }, on('2026-12-01'));
    expect(line).toMatchObject({ ok: true, lastDay: '2027-06-30', daysLeft: 211 });
  });
});
