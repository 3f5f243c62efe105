/**
 * The typecheck lane (scripts/typecheck.ts) checks every tsc project in one process, the
 * later programs reusing the files the earlier ones parsed and bound (scripts/tsc-api.ts,
 * cachingHost). This proves on three small projects, shaped as the lane's are, that the
 * sharing changes no diagnostic:
 *  - "root" (noUnusedLocals) and "apps" (another global, `document`, as lib DOM is the apps'
 *    and not the root's; no noUnusedLocals; the same parse and bind options) share
 *    declaration files (lib, globals) and a source file (shared/util.ts, as the apps' program
 *    shares apps/common/src with the root's), whose diagnostics differ by project: `document`
 *    is unknown to the root, an unused local is an error only with noUnusedLocals;
 *  - "frontend" (module ESNext, bundler resolution, jsx: other parse options) shares the
 *    declaration file but parses its own copy of shared/util.ts;
 *  - each has a seeded type error of its own, still reported;
 *  - a program whose host is not incremental (the consumer build's) may parse a file first:
 *    the incremental programs still write build info, and a warm run (build info from the
 *    shared run) reports the same diagnostics.
 * Each project's diagnostics are compared with those of its own program run alone, with no
 * file shared and a host as tsc's command line makes it (what `tsc -p` computes:
 * scripts/tsc-api.ts, tscDiagnostics).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { cachingHost, formatDiagnostics, incrementalProgram, parseConfig, SourceFileCache, tscDiagnostics } from '../scripts/tsc-api';

const base = {
  target: 'ES2022',
  strict: true,
  noFallthroughCasesInSwitch: true,
  skipLibCheck: true,
  isolatedModules: true,
  noEmit: true,
  incremental: true,
  types: [],
};

const files: Record<string, string> = {
  'typings/globals.d.ts': 'declare const LANE_GREETING: string;\n',
  // The apps' globals (as lib DOM is theirs and not the root's).
  'typings/dom.d.ts': 'declare const document: { title: string };\n',
  'shared/util.ts': [
    'export function shout(text: string): string {',
    '  const unused = 1;',
    '  return `${LANE_GREETING} ${text}`.toUpperCase() + String(typeof document);',
    '}',
    '',
  ].join('\n'),
  // A type imported only for a JSDoc link is used (tsc parses such JSDoc, and only such, in .ts files).
  'shared/kinds.ts': 'export type Kind = "a" | "b";\n',
  'root/main.ts': "import { shout } from '../shared/util';\nimport type { Kind } from '../shared/kinds';\n/** Not a {@link Kind}. */\nexport const rootValue: number = shout('root');\n",
  'apps/main.ts': "import { shout } from '../shared/util';\nexport const appsValue: boolean = shout('apps');\n",
  'frontend/main.ts': "import { shout } from '../shared/util';\nexport const frontendValue: bigint = shout('frontend');\n",
  'root/tsconfig.json': JSON.stringify({
    compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node', lib: ['ES5'], noUnusedLocals: true, tsBuildInfoFile: '../build/root.tsbuildinfo' },
    files: ['main.ts', '../typings/globals.d.ts'],
  }),
  'apps/tsconfig.json': JSON.stringify({
    compilerOptions: { ...base, module: 'commonjs', moduleResolution: 'node', lib: ['ES5'], tsBuildInfoFile: '../build/apps.tsbuildinfo' },
    files: ['main.ts', '../typings/globals.d.ts', '../typings/dom.d.ts'],
  }),
  'frontend/tsconfig.json': JSON.stringify({
    compilerOptions: { ...base, module: 'ESNext', moduleResolution: 'bundler', jsx: 'react-jsx', lib: ['ES5'], tsBuildInfoFile: '../build/frontend.tsbuildinfo' },
    files: ['main.ts', '../typings/globals.d.ts', '../typings/dom.d.ts'],
  }),
};
const projects = ['root', 'apps', 'frontend'];

describe('the typecheck lane shares parsed and bound files between projects', () => {
  let dir: string;
  const configOf = (project: string) => parseConfig(path.join(dir, project, 'tsconfig.json'));
  const codes = (diagnostics: readonly ts.Diagnostic[]) => diagnostics.map((d) => `${path.relative(dir, d.file?.fileName ?? '')} TS${d.code}`);

  /** Each project in turn with one cache, as scripts/typecheck.ts runs them; the programs and diagnostics. */
  function runShared(cache: SourceFileCache) {
    return projects.map((project) => {
      const config = configOf(project);
      const builder = incrementalProgram(config, cache);
      return { program: builder.getProgram(), diagnostics: tscDiagnostics(builder, config.options) };
    });
  }

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'typecheck-lane-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each project\'s own diagnostics, the same as its program alone, cold and warm', () => {
    const aloneDiagnostics = projects.map((project) => {
      const config = configOf(project);
      const options = { ...config.options, incremental: false };
      // A host as tsc's command line makes it: its JSDoc parsing is ParseForTypeErrors.
      const host = ts.createCompilerHost(options);
      host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
      const program = ts.createProgram({ rootNames: config.fileNames, options, host, configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config) });
      return tscDiagnostics(program, program.getCompilerOptions());
    });
    const alone = aloneDiagnostics.map((d) => formatDiagnostics(d, dir));
    // Seeded errors: each project's own, and those of the shared file that depend on the project.
    expect(aloneDiagnostics.map(codes)).toEqual([
      ['root/main.ts TS2322', 'shared/util.ts TS6133', 'shared/util.ts TS2584'],
      ['apps/main.ts TS2322'],
      ['frontend/main.ts TS2322'],
    ]);

    const cache: SourceFileCache = new Map();
    // A host that is not incremental (the consumer build's) parses the declaration file first.
    const rootConfig = configOf('root');
    ts.createProgram({ rootNames: rootConfig.fileNames, options: rootConfig.options, host: cachingHost(ts.createCompilerHost(rootConfig.options), cache) });
    const cold = runShared(cache);
    expect(cold.map((r) => formatDiagnostics(r.diagnostics, dir))).toEqual(alone);

    const [root, apps, frontend] = cold.map((r) => r.program);
    const file = (program: ts.Program, name: string) => program.getSourceFile(path.join(dir, name));
    expect(file(apps, 'typings/globals.d.ts')).toBe(file(root, 'typings/globals.d.ts'));
    expect(file(frontend, 'typings/globals.d.ts')).toBe(file(root, 'typings/globals.d.ts'));
    expect(apps.getSourceFiles().find((f) => f.fileName.endsWith('/lib.es5.d.ts'))).toBe(root.getSourceFiles().find((f) => f.fileName.endsWith('/lib.es5.d.ts')));
    expect(file(apps, 'shared/util.ts')).toBe(file(root, 'shared/util.ts'));
    expect(file(frontend, 'shared/util.ts')).toBeDefined();
    expect(file(frontend, 'shared/util.ts')).not.toBe(file(root, 'shared/util.ts'));

    // Warm: each project's build info, from the shared run, gives the same diagnostics again.
    const warm = runShared(new Map());
    expect(warm.map((r) => formatDiagnostics(r.diagnostics, dir))).toEqual(alone);
  });
});
