import { executeJob } from '../src/execute';

describe('job executors', () => {
  const signal = new AbortController().signal;
  test('wordcount counts words, lines and characters (code points)', async () => {
    expect(await executeJob('wordcount', '  one two\nthree  ', signal)).toEqual({ words: 3, lines: 2, characters: 17 });
    expect(await executeJob('wordcount', '   ', signal)).toEqual({ words: 0, lines: 1, characters: 3 });
    expect(await executeJob('wordcount', 'héllo 👋', signal)).toEqual({ words: 2, lines: 1, characters: 7 });
  });
  test('sha256 is the hex digest of the UTF-8 input', async () => {
    expect(await executeJob('sha256', 'abc', signal)).toEqual({ sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
  });
  test('sleep waits and can be aborted (hand-back on shutdown)', async () => {
    const t0 = Date.now();
    expect(await executeJob('sleep', '30', signal)).toEqual({ sleptMs: 30 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    const ac = new AbortController();
    const p = executeJob('sleep', '60000', ac.signal);
    ac.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    await expect(executeJob('sleep', '0', signal)).rejects.toThrow(/1\.\.60000/);
  });
});
