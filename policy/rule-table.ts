/**
 * The rule table of docs/guardrails.md, generated from policy/rules.ts:
 *
 *   npx tsx policy/rule-table.ts
 *
 * A test checks that the document contains exactly this table.
 */
import { RULES } from './rules';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Markdown table: id, public ids, what it checks, level in prod and dev. */
export function ruleTableMarkdown(): string {
  const lines = [
    '| rule id | public id | what it checks | resource types | prod | dev |',
    '|---|---|---|---|---|---|',
  ];
  for (const rule of RULES) {
    const types = rule.resourceTypes === 'taggable' ? 'every taggable azure-native type' : rule.resourceTypes.map((t) => t.replace(/^azure-native:/, '')).join(', ');
    const prod = rule.advisoryCase ? `mandatory; ${rule.advisoryCase}` : 'mandatory';
    const dev = rule.devAdvisory ? `advisory: ${rule.devAdvisory.reason}` : rule.advisoryCase ? 'as prod' : 'mandatory';
    lines.push(`| \`${rule.id}\` | ${rule.publicIds.join(', ') || '(project)'} | ${cell(rule.description)} | ${cell(types)} | ${cell(prod)} | ${cell(dev)} |`);
  }
  return `${lines.join('\n')}\n`;
}

if (require.main === module) process.stdout.write(ruleTableMarkdown());
