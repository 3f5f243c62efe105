/**
 * Writes the deploying identities' role-assignment condition in docs/setup.md
 * from lib/role-ids.ts, the one list of roles the program assigns:
 *
 *   npm run docs:roles
 *
 * test/role-ids.test.ts fails when the document is stale, and checks that the
 * program assigns exactly the listed roles.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { AssignedRole, PROGRAM_ROLES, programRoleIds, roleAssignmentCondition } from '../lib/role-ids';

const ROOT = path.resolve(__dirname, '..');
export const SETUP_DOC = path.join(ROOT, 'docs', 'setup.md');
export const BEGIN = '# BEGIN GENERATED: role condition (npm run docs:roles)';
export const END = '# END GENERATED: role condition';

/** The shell lines between the markers: the allowed role ids (named) and the ABAC condition. */
export function roleConditionBlock(): string {
  const byId = new Map<string, AssignedRole>(Object.values(PROGRAM_ROLES).map((r) => [r.id, r]));
  return [
    BEGIN,
    '# The roles the program assigns (lib/role-ids.ts); the identity may assign these and no other:',
    ...programRoleIds().map((id) => {
      const role = byId.get(id)!;
      const grants = role.grants.map((g) => `${g.principal} on the ${g.scope}`).join(', ');
      return `#   ${id}  ${role.name} -> ${grants}${role.whenConfigured ? ` (only with ${role.whenConfigured})` : ''}`;
    }),
    `CONDITION="${roleAssignmentCondition()}"`,
    END,
  ].join('\n');
}

/** The document with the block replaced; throws when the markers are missing. */
export function withRoleCondition(doc: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/setup.md lacks the markers "${BEGIN}" … "${END}"`);
  return doc.slice(0, start) + roleConditionBlock() + doc.slice(end + END.length);
}

if (require.main === module) {
  writeFileSync(SETUP_DOC, withRoleCondition(readFileSync(SETUP_DOC, 'utf8')));
  process.stdout.write('docs/setup.md: role condition updated\n');
}
