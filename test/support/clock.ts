/**
 * The fixed date the offline program runs read the AKS version calendar on:
 * the day the calendar was checked. Tests never depend on today's date.
 */
export const TEST_CLOCK = (): Date => new Date('2026-12-01T00:00:00Z');
