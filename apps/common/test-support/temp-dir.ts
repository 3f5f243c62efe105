/**
 * Temporary directories that go with the test file that made them: `tempDir('cfg-')` is
 * `mkdtempSync(<tmpdir>/cfg-XXXXXX)`, removed (with what is in it) after the file's last test.
 *
 * Import it at a test file's top level (or from a helper the file imports there): jest gives
 * each test file its own copy of this module, and the copy adds its `afterAll` hook when it
 * loads, which jest allows only outside a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

if (typeof afterAll === 'function') {
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

/** A new empty directory under the system's temp folder, named `<prefix>XXXXXX`; removed after this test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
