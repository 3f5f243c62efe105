/**
 * Generates the README's component reference from the source: for every
 * component in components/, its class summary and its `...Args` interface,
 * one row per field with the field's JSDoc line. `npm run docs:args` rewrites
 * the README section between the markers; test/readme.test.ts fails when the
 * README is out of date.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
export const BEGIN = '<!-- BEGIN GENERATED: component args (npm run docs:args) -->';
export const END = '<!-- END GENERATED: component args -->';

function jsDocText(node: ts.Node): string {
  const docs = (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const text = docs.map((d) => (typeof d.comment === 'string' ? d.comment : ts.getTextOfJSDocComment(d.comment) ?? '')).join(' ');
  return text.replace(/\s+/g, ' ').replace(/\{@link ([^}]+)\}/g, '`$1`').trim();
}

/** Interfaces a component's args may extend, by name (lib/component-args.ts). */
function sharedInterfaces(): Map<string, { node: ts.InterfaceDeclaration; source: ts.SourceFile }> {
  const file = path.join(ROOT, 'lib', 'component-args.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = new Map<string, { node: ts.InterfaceDeclaration; source: ts.SourceFile }>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) found.set(node.name.text, { node, source });
  });
  return found;
}

/** Rows for an interface's own members, after those of the interfaces it extends. */
function memberRows(node: ts.InterfaceDeclaration, source: ts.SourceFile, local: Map<string, ts.InterfaceDeclaration>): string[] {
  const rows: string[] = [];
  const shared = sharedInterfaces();
  for (const clause of node.heritageClauses ?? []) {
    for (const base of clause.types) {
      const name = base.expression.getText(source);
      const inherited = local.get(name) ? { node: local.get(name)!, source } : shared.get(name);
      if (!inherited) throw new Error(`${node.name.text} extends ${name}, which scripts/args-docs.ts cannot find`);
      rows.push(...memberRows(inherited.node, inherited.source, local));
    }
  }
  for (const member of node.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const optional = member.questionToken ? '?' : '';
    const type = member.type.getText(source).replace(/\s+/g, ' ');
    rows.push(`| \`${member.name.getText(source)}${optional}\` | \`${cell(type)}\` | ${cell(jsDocText(member))} |`);
  }
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The markdown reference for every component exported from components/index.ts, in export order. */
export function componentArgsMarkdown(): string {
  const index = readFileSync(path.join(ROOT, 'components', 'index.ts'), 'utf8');
  const files = [...index.matchAll(/export \* from '\.\/([a-z-]+)'/g)].map((m) => m[1]);
  const sections: string[] = [];
  for (const file of files) {
    const fullPath = path.join(ROOT, 'components', `${file}.ts`);
    const source = ts.createSourceFile(fullPath, readFileSync(fullPath, 'utf8'), ts.ScriptTarget.ES2022, true);
    const interfaces = new Map<string, ts.InterfaceDeclaration>();
    const classes: ts.ClassDeclaration[] = [];
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
      if (ts.isClassDeclaration(node) && node.name && node.heritageClauses?.some((h) => h.getText(source).includes('ComponentResource'))) classes.push(node);
    });
    for (const cls of classes) {
      const name = cls.name!.text;
      const args = interfaces.get(`${name}Args`);
      const summary = jsDocText(cls).split(/(?<=\.)\s/)[0];
      const lines = [`### ${name}`, '', `\`components/${file}.ts\` — ${summary}`, ''];
      if (args) {
        lines.push('| arg | type | description |', '|---|---|---|');
        lines.push(...memberRows(args, source, interfaces));
        lines.push('');
      }
      sections.push(lines.join('\n'));
    }
  }
  return sections.join('\n');
}

/** The README with the generated section replaced. */
export function readmeWithArgs(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, start + BEGIN.length)}\n${componentArgsMarkdown()}\n${readme.slice(end)}`;
}

if (require.main === module) {
  const file = path.join(ROOT, 'README.md');
  writeFileSync(file, readmeWithArgs(readFileSync(file, 'utf8')));
  console.log('README.md: component args regenerated');
}
