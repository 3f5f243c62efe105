import { formatResult, formatTime, shortId } from '../src/format';

describe('formatResult', () => {
  test('objects become labelled rows with humanized keys', () => {
    expect(formatResult({ words: 9, sha256: 'ab12', durationMs: 1500, bytes_read: 3 })).toEqual([
      { label: 'Words', value: '9' },
      { label: 'SHA-256', value: 'ab12' },
      { label: 'Duration ms', value: '1500' },
      { label: 'Bytes read', value: '3' },
    ]);
  });

  test('the agent\'s result keys get proper labels', () => {
    expect(formatResult({ sleptMs: 1500 })).toEqual([{ label: 'Slept (ms)', value: '1500' }]);
    // jsonb reorders keys; the display order is fixed
    expect(formatResult({ lines: 1, words: 2, characters: 9 }).map((f) => f.label)).toEqual(['Words', 'Lines', 'Characters']);
    expect(formatResult({ zeta: 1, words: 2, alpha: 3 }).map((f) => f.label)).toEqual(['Words', 'Zeta', 'Alpha']);
  });

  test('scalars become one Result row; nested values are shown as JSON', () => {
    expect(formatResult('deadbeef')).toEqual([{ label: 'Result', value: 'deadbeef' }]);
    expect(formatResult(42)).toEqual([{ label: 'Result', value: '42' }]);
    expect(formatResult([1, 2])).toEqual([{ label: 'Result', value: '[1,2]' }]);
    expect(formatResult({ top: { a: 1 }, none: null })).toEqual([
      { label: 'Top', value: '{"a":1}' },
      { label: 'None', value: '—' },
    ]);
  });

  test('no result, no rows', () => {
    expect(formatResult(null)).toEqual([]);
    expect(formatResult(undefined)).toEqual([]);
  });
});

test('shortId and formatTime', () => {
  expect(shortId('3f1c9a52-7d0e-4b8e-9c1a-2b6f0d4e8a11')).toBe('3f1c9a52');
  expect(shortId('abc')).toBe('abc');
  expect(formatTime(undefined)).toBe('');
  expect(formatTime('not a date')).toBe('not a date');
  expect(formatTime('2026-01-01T12:34:56.000Z')).toMatch(/\d{1,2}:\d{2}:\d{2}/);
});
