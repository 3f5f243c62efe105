/**
 * The URNs a one-region stack had before the regional-stamp refactor, as a fixture
 * (test/fixtures/urns/<stack>.txt, one URN a line, sorted). test/stamp-urns.test.ts
 * proves that today's program still produces every one of them, or an alias to it,
 * so an existing stack updates in place (no replacement).
 *
 *   npx tsx scripts/urn-fixture.ts dev prod          # print what would change
 *   npx tsx scripts/urn-fixture.ts --add dev prod    # append URNs of NEW resources
 *
 * `--add` only appends: a URN in the fixture is never removed (an existing stack has
 * that resource); a resource that moved keeps its old URN through an `aliases` entry.
 * A new resource that is not covered by an alias is appended.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'fs';
import * as path from 'path';
import { runStack } from '../offline/run-stack';
import { aliasUrns } from '../offline/aliases';

const FIXTURE_DIR = path.resolve(__dirname, '..', 'test', 'fixtures', 'urns');

/** The fixture file of a stack. */
export function urnFixturePath(stack: string): string {
  return path.join(FIXTURE_DIR, `${stack}.txt`);
}

/** The URNs recorded in a stack's fixture. */
export function readUrnFixture(stack: string): string[] {
  const file = urnFixturePath(stack);
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '') : [];
}

async function main(argv: string[]): Promise<void> {
  const add = argv.includes('--add');
  const stacks = argv.filter((a) => !a.startsWith('--'));
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const stack of stacks) {
    const run = await runStack(stack, { clock: () => new Date('2026-12-01T00:00:00Z') });
    const fixture = new Set(readUrnFixture(stack));
    const aliases = aliasUrns(run.recorder.resources);
    const fresh = run.recorder.resources
      .filter((r) => !fixture.has(r.urn) && !(aliases.get(r.urn) ?? []).some((a) => fixture.has(a)))
      .map((r) => r.urn);
    console.log(`${stack}: ${run.recorder.resources.length} resources, ${fresh.length} not in the fixture`);
    fresh.forEach((urn) => console.log(`  + ${urn}`));
    if (add || fixture.size === 0) writeFileSync(urnFixturePath(stack), [...new Set([...fixture, ...fresh])].sort().join('\n') + '\n');
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
