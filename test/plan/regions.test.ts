/**
 * The offline plan of prod in one and in two regions (offline/stack-variants.ts): both
 * regions, the global layer and the cost of each, and a critical path that does not double
 * (the stamps deploy in parallel).
 */
import { planStack, PlanStackResult } from '../../plan/plan';
import { PROD_TWO_REGIONS } from '../../offline/stack-variants';
import { TEST_CLOCK } from '../support/clock';

describe('the plan of prod in two regions', () => {
  let one: PlanStackResult;
  let two: PlanStackResult;
  beforeAll(async () => {
    one = await planStack({ stack: 'prod', clock: TEST_CLOCK });
    two = await planStack({ stack: 'prod', clock: TEST_CLOCK, overrides: PROD_TWO_REGIONS });
   }, 300_000);

  it('shows one stamp for one region, two for two, and the global layer, with their costs', () => {
    expect(one.plan.regions.map((r) => [r.name, r.location])).toEqual([['aksplat-prod', 'westeurope']]);
    expect(two.plan.regions.map((r) => [r.name, r.location])).toEqual([
      ['aksplat-prod', 'westeurope'],
      ['aksplat-prod-neu', 'northeurope'],
    ]);
    const [primary, standby] = two.plan.regions;
    for (const r of [primary, standby, two.plan.globalLayer]) {
      expect(r.resources).toBeGreaterThan(5);
      expect(r.monthly).toBeGreaterThan(0);
    }
    // Every resource is counted once: the stamps and the global layer add up to the plan.
    const custom = two.plan.resources.filter((r) => r.custom).length;
    expect(primary.resources + standby.resources + two.plan.globalLayer.resources).toBe(custom);
    const sum = primary.monthly + standby.monthly + two.plan.globalLayer.monthly;
    expect(Math.abs(sum - two.plan.cost.monthlyTotal)).toBeLessThan(0.05);
    expect(two.text).toContain('== Regions');
    expect(two.text).toMatch(/aksplat-prod-neu \(northeurope\): \d+ resources, \$[\d.]+\/month/);
    expect(two.text).toMatch(/global layer: \d+ resources/);
    // The home region in two regions is the one-region stamp (the same resources), the standby a little cheaper (no HA database).
    expect(primary.resources).toBe(one.plan.regions[0].resources);
    expect(standby.monthly).toBeLessThan(primary.monthly + 1);
  });

  it('deploys the stamps in parallel: the two-region critical path is within 10 % of one region’s', () => {
    expect(two.plan.criticalPath.totalMinutes).toBeGreaterThanOrEqual(one.plan.criticalPath.totalMinutes);
    expect(two.plan.criticalPath.totalMinutes).toBeLessThanOrEqual(one.plan.criticalPath.totalMinutes * 1.1);
    // eslint-disable-next-line no-console
    console.log(
      `critical path: one region ${one.plan.criticalPath.totalMinutes} min, two regions ${two.plan.criticalPath.totalMinutes} min; ` +
        two.plan.regions.map((r) => `${r.name} ${r.resources} resources $${r.monthly}/month`).join('; ') +
        `; global layer ${two.plan.globalLayer.resources} resources $${two.plan.globalLayer.monthly}/month; one region total $${one.plan.cost.monthlyTotal}, two regions $${two.plan.cost.monthlyTotal}`,
    );
  });
});
