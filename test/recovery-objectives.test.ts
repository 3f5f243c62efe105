/**
 * The recovery objectives (lib/recovery-objectives.ts): every entry sourced and dated, the
 * figures the runbooks rely on, Front Door's detection time, and the generated table in
 * docs/runbooks.md up to date.
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { FRONT_DOOR_HEALTH_PROBE } from '../lib/edge';
import { RECOVERY_OBJECTIVES, RECOVERY_OBJECTIVES_CHECKED, frontDoorFailoverSeconds, recoveryObjectivesMarkdown } from '../lib/recovery-objectives';
import { RUNBOOKS_DOC, withRecoveryObjectives } from '../scripts/recovery-docs';

test('every entry has a source (Microsoft Learn or a file of this repository) and the date checked', () => {
  for (const o of RECOVERY_OBJECTIVES) {
    expect({ mechanism: o.mechanism, checked: o.checked }).toEqual({ mechanism: o.mechanism, checked: '2026-12-01' });
    for (const s of o.source.split(' ; ')) expect(s).toMatch(/^(https:\/\/learn\.microsoft\.com\/azure\/[a-z0-9/-]+|apps\/CONTRACT\.md .+)$/);
  }
  expect(RECOVERY_OBJECTIVES_CHECKED).toBe('2026-12-01');
});

test.each([
  ['zone-redundant high availability', { rpoMaxSeconds: 0, rtoMaxSeconds: 120 }],
  ['cross-region read replica', { rpoMaxSeconds: 300 }],
  ['geo-restore', { rpoMaxSeconds: 3600 }],
  ['point-in-time restore', { rpoMaxSeconds: 300, rtoMaxSeconds: 43200 }],
  ['empty standby cache', { rtoMaxSeconds: 1 }],
  ['priority routing', { rtoMaxSeconds: 120 }],
])('%s: the bounds the runbooks quote', (mechanism, bounds) => {
  const found = RECOVERY_OBJECTIVES.filter((o) => o.mechanism.includes(mechanism));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject(bounds);
});

test('active geo-replication is not bounded and not available on the SKUs the stacks use today', () => {
  const geo = RECOVERY_OBJECTIVES.find((o) => o.mechanism.includes('active geo-replication'))!;
  expect(geo.rpoMaxSeconds).toBeUndefined();
  expect(geo.appliesTo).toContain('NOT Balanced B0/B1');
});

test.each([
  [{ intervalSeconds: 60, sampleSize: 4, successfulSamplesRequired: 3 }, 120],
  [{ intervalSeconds: 30, sampleSize: 4, successfulSamplesRequired: 3 }, 60],
  [{ intervalSeconds: 30, sampleSize: 4, successfulSamplesRequired: 4 }, 30],
  [{ intervalSeconds: 100, sampleSize: 1, successfulSamplesRequired: 1 }, 100],
])('Front Door detection time %p = %p s', (probe, seconds) => {
  expect(frontDoorFailoverSeconds(probe)).toBe(seconds);
});

test('Front Door detection: the platform probe by default; bad settings named', () => {
  expect(frontDoorFailoverSeconds()).toBe(2 * FRONT_DOOR_HEALTH_PROBE.probeIntervalInSeconds);
  expect(() => frontDoorFailoverSeconds({ intervalSeconds: 60, sampleSize: 2, successfulSamplesRequired: 3 })).toThrow('successfulSamplesRequired 3 must be an integer from 1 to sampleSize (2)');
  expect(() => frontDoorFailoverSeconds({ intervalSeconds: 60, sampleSize: 0, successfulSamplesRequired: 1 })).toThrow('sampleSize 0 must be a positive integer');
  expect(() => frontDoorFailoverSeconds({ intervalSeconds: 0, sampleSize: 4, successfulSamplesRequired: 3 })).toThrow('intervalSeconds 0 must be positive');
});

test('docs/runbooks.md carries the current table (npx tsx scripts/recovery-docs.ts)', () => {
  const doc = readFileSync(RUNBOOKS_DOC, 'utf8');
  expect(doc).toBe(withRecoveryObjectives(doc));
  expect(doc).toContain(recoveryObjectivesMarkdown().split('\n')[2]);
  expect(path.basename(RUNBOOKS_DOC)).toBe('runbooks.md');
});
