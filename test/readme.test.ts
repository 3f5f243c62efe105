/**
 * The README stays true: its component reference is what the source says, its
 * set-up commands are the ones CI runs, and every doc it links exists.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { readmeWithArgs } from '../scripts/args-docs';

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

describe('README', () => {
  it('documents the args of every exported component as the source declares them (npm run docs:args)', () => {
    expect(readme).toBe(readmeWithArgs(readme));
  });

  it('gives the same install and test commands that CI runs', () => {
    const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(readme).toContain('bash scripts/install.sh');
    expect(readme).toContain('npm test ');
    expect(ci).toMatch(/^bash scripts\/install\.sh$/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it('links only files that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^https?:/.test(l));
    expect(links.filter((l) => !existsSync(path.join(root, l)))).toEqual([]);
  });
});
