import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCpuProfile } from '../test-support/cpu-profile';
import { tempDir } from '../test-support/temp-dir';

/** Busy for `ms` milliseconds of wall time, in this file (V8 may inline it into its caller). */
function spin(ms: number): number {
  let n = 0;
  for (const end = Date.now() + ms; Date.now() < end; ) n += Math.sqrt(n + 1);
  return n;
}

test('TEST_CPU_PROFILE_DIR: a V8 CPU profile per test file, named after it, with the work done while it ran', async () => {
  const dir = join(tempDir('cpuprof-'), 'profiles'); // made when missing
  for (const round of [1, 2]) {
    const profiling = await startCpuProfile(dir, `/repo/apps/x/test/busy.test.ts`);
    spin(100);
    await profiling.stop();
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(round); // the same file name twice: two profiles
    for (const f of files) expect(f).toMatch(new RegExp(`^busy\\.test\\.ts-${process.pid}-\\d+\\.cpuprofile$`));
  }
  for (const f of readdirSync(dir)) {
    const profile = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { nodes: Array<{ id: number; callFrame: { url: string } }>; samples: number[] };
    // Samples taken while this file's code ran: the spin, ~100 at V8's 1 ms interval.
    const here = new Set(profile.nodes.filter((n) => n.callFrame.url.endsWith('cpu-profile.test.ts')).map((n) => n.id));
    expect(profile.samples.filter((id) => here.has(id)).length).toBeGreaterThan(20);
  }
});
