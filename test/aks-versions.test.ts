import {
  AKS_VERSION_CALENDAR,
  VERSION_WARNING_DAYS,
  calendarEntry,
  checkKubernetesVersion,
  daysUntil,
  supportPlanProblem,
  supportedMinors,
} from '../lib/aks-versions';

/** A fixed clock: the rules never read today's date in tests. */
const on = (day: string) => () => new Date(`${day}T12:00:00Z`);

describe('the AKS version calendar (data)', () => {
  it('lists each minor once, in order, with GA before end of life before the end of LTS', () => {
    const minors = AKS_VERSION_CALENDAR.map((e) => e.minor);
    expect(new Set(minors).size).toBe(minors.length);
    expect([...minors].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))).toEqual(minors);
    for (const e of AKS_VERSION_CALENDAR) {
      expect(daysUntil(e.endOfLife, new Date(`${e.ga}T00:00:00Z`))).toBeGreaterThan(300);
      expect(daysUntil(e.ltsEnd, new Date(`${e.endOfLife}T00:00:00Z`))).toBeGreaterThan(0);
    }
  });

  it.each([
    ['2026-12-01', ['1.35', '1.36', '1.37']],
    ['2026-07-31', ['1.33', '1.34', '1.35', '1.36']],
    ['2026-08-01', ['1.34', '1.35', '1.36']],
    ['2027-11-01', []],
  ])('on %s AKS supports %j', (day, minors) => {
    expect(supportedMinors(on(day)())).toEqual(minors);
  });

  it('finds the entry of a patch version by its minor', () => {
    expect(calendarEntry('1.36.4')?.minor).toBe('1.36');
    expect(calendarEntry('1.20')).toBeUndefined();
  });
});

describe('checkKubernetesVersion', () => {
  const standard = (day: string) => ({ tier: 'Standard', clock: on(day) });
  const lts = (day: string) => ({ tier: 'Premium', supportPlan: 'AKSLongTermSupport' as const, clock: on(day) });

  it.each([
    // version, context, problem (substring) or undefined, number of warnings
    ['1.37', standard('2026-12-01'), undefined, 0],
    ['1.36.2', standard('2026-12-01'), undefined, 0],
    ['1.35', standard('2026-12-01'), undefined, 0],
    ['1.35', standard('2027-01-01'), undefined, 1], // 89 days left: warn
    ['1.35', standard('2027-01-02'), undefined, 1],
    ['1.35', standard('2026-12-31'), undefined, 0], // 90 days left: no warning yet
    ['1.35', standard('2027-03-31'), undefined, 1], // last day
    ['1.35', standard('2027-04-01'), '"1.35" reached AKS end of life on 2027-03-31', 0],
    ['1.33', standard('2026-12-01'), '"1.33" reached AKS end of life on 2026-07-31; it stays available until 2027-06-30 only with long-term support (cluster.tier: Premium and cluster.supportPlan: AKSLongTermSupport); supported on 2026-12-01: 1.35, 1.36, 1.37', 0],
    ['1.34', standard('2026-12-01'), '"1.34" reached AKS end of life on 2026-11-30', 0],
    ['1.33', lts('2026-12-01'), undefined, 0],
    ['1.33', lts('2027-05-01'), undefined, 1],
    ['1.33', lts('2027-07-01'), '"1.33" reached AKS end of life on 2026-07-31; supported on 2027-07-01: 1.37', 0],
    ['1.37', standard('2026-09-15'), '"1.37" is not generally available on AKS until 2026-10-01; supported on 2026-09-15: 1.34, 1.35, 1.36', 0],
    ['1.99', standard('2026-12-01'), '"1.99" is not in the AKS version calendar', 0],
    ['1.29', standard('2026-12-01'), 'supported on 2026-12-01: 1.35, 1.36, 1.37', 0],
    ['latest', standard('2026-12-01'), '"latest" is not a Kubernetes version such as 1.33 or 1.33.2', 0],
  ])('%s with %j → %s', (version, context, problem, warnings) => {
    const got = checkKubernetesVersion(version, context);
    if (problem === undefined) expect(got.problem).toBeUndefined();
    else expect(got.problem).toContain(problem);
    expect(got.warnings).toHaveLength(warnings);
  });

  it('says how many days are left and what to upgrade to', () => {
    const got = checkKubernetesVersion('1.35', standard('2027-02-01'));
    expect(got.daysLeft).toBe(58);
    expect(got.warnings).toEqual(['Kubernetes 1.35 reaches AKS end of life on 2027-03-31 (58 days left); upgrade to one of: 1.36, 1.37']);
    expect(58).toBeLessThan(VERSION_WARNING_DAYS);
  });

  it('counts the LTS runway only with the LTS plan', () => {
    expect(checkKubernetesVersion('1.36', standard('2026-12-01')).daysLeft).toBe(211);
    expect(checkKubernetesVersion('1.36', lts('2026-12-01')).daysLeft).toBe(577);
  });
});

describe('supportPlanProblem', () => {
  it.each([
    ['Premium', 'AKSLongTermSupport', undefined],
    ['Standard', 'KubernetesOfficial', undefined],
    ['Free', undefined, undefined],
    ['Standard', 'AKSLongTermSupport', '"AKSLongTermSupport" needs cluster.tier Premium (tier is Standard)'],
    ['Free', 'AKSLongTermSupport', '"AKSLongTermSupport" needs cluster.tier Premium (tier is Free)'],
  ])('%s + %s', (tier, plan, problem) => {
    const got = supportPlanProblem(tier, plan);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});
