/**
 * Writes the recovery-objectives table of docs/runbooks.md from lib/recovery-objectives.ts (the
 * facts, their sources and the date checked):
 *
 *   npx tsx scripts/recovery-docs.ts
 *
 * test/recovery-objectives.test.ts fails when the document is stale.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { recoveryObjectivesMarkdown } from '../lib/recovery-objectives';

const ROOT = path.resolve(__dirname, '..');
export const RUNBOOKS_DOC = path.join(ROOT, 'docs', 'runbooks.md');
export const BEGIN = '<!-- BEGIN GENERATED: recovery objectives (npx tsx scripts/recovery-docs.ts) -->';
export const END = '<!-- END GENERATED: recovery objectives -->';

/** The document with the table between the markers replaced; throws when the markers are missing. */
export function withRecoveryObjectives(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/runbooks.md lacks the markers "${BEGIN}" … "${END}"`);
  return `${doc.slice(0, start)}${BEGIN}\n${recoveryObjectivesMarkdown()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  writeFileSync(RUNBOOKS_DOC, withRecoveryObjectives(readFileSync(RUNBOOKS_DOC, 'utf8')));
  process.stdout.write('docs/runbooks.md: recovery objectives updated\n');
}
