import { isUuid, validateJobRequest } from '../src/jobs';

describe('job request validation', () => {
  test.each([
    [{ type: 'wordcount', input: 'hello world' }],
    [{ type: 'sha256', input: 'x'.repeat(10000) }],
    [{ type: 'sleep', input: '1' }],
    [{ type: 'sleep', input: '60000' }],
  ])('accepts %p', (body) => {
    expect(validateJobRequest(body)).toEqual({ ok: true, value: body });
  });

  test.each([
    [undefined, '(body)', /JSON object/],
    ['text', '(body)', /JSON object/],
    [{}, 'type', /wordcount, sha256, sleep/],
    [{ type: 'exec', input: 'x' }, 'type', /must be one of: wordcount, sha256, sleep/],
    [{ type: 'sha256' }, 'input', /must be a string/],
    [{ type: 'sha256', input: 5 }, 'input', /must be a string/],
    [{ type: 'sha256', input: '' }, 'input', /1\.\.10000 characters/],
    [{ type: 'sha256', input: 'x'.repeat(10001) }, 'input', /1\.\.10000 characters/],
    [{ type: 'sleep', input: '0' }, 'input', /milliseconds 1\.\.60000/],
    [{ type: 'sleep', input: '60001' }, 'input', /milliseconds 1\.\.60000/],
    [{ type: 'sleep', input: '1e3' }, 'input', /milliseconds/],
    [{ type: 'sha256', input: 'x', priority: 1 }, 'priority', /allowed fields: type, input/],
  ])('rejects %p naming field %s', (body, field, message) => {
    const r = validateJobRequest(body);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.field).toBe(field);
      expect(r.message).toMatch(message);
    }
  });

  test('isUuid', () => {
    expect(isUuid('7d0e3b8e-8a4c-4c2e-9d38-0d7c4f0b9a11')).toBe(true);
    expect(isUuid('7d0e3b8e8a4c4c2e9d380d7c4f0b9a11')).toBe(false);
    expect(isUuid("1' OR '1'='1")).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});
