/** docs/guardrails.md carries the rule table generated from policy/rules.ts. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ruleTableMarkdown } from '../../policy/rule-table';
import { RULES } from '../../policy/rules';

describe('docs/guardrails.md', () => {
  it('contains the current rule table (regenerate with: npx tsx policy/rule-table.ts)', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', 'docs', 'guardrails.md'), 'utf8');
    expect(doc).toContain(ruleTableMarkdown());
    for (const rule of RULES) expect(doc).toContain(`| \`${rule.id}\` |`);
  });
});
