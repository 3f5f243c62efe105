/**
 * Who each CI job is, and what it can reach: for every job of every workflow,
 * the Azure identity it logs in as, the GitHub secrets it can read, its
 * `permissions`, its GitHub `environment` and whether it can land on an
 * in-VNet (self-hosted) runner — compared with the table below, which is the
 * design of docs/setup.md ("Identities"). Plus the rules the table implies:
 * secrets only at step level, PR jobs with no secret and no in-VNet runner,
 * untrusted PR code with no cloud identity (the state-backed preview only in
 * the approval environment `pr-preview`), the deploying identity only inside
 * its environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkflowFiles } from '../scripts/check-workflows';
import { CI_IDENTITIES, CiIdentity } from '../lib/ci-identities';
import { GRAFANA_PROVIDER_AUTH, MANAGED_GRAFANA } from '../lib/monitoring';

const ROOT = join(__dirname, '..');
type Obj = Record<string, unknown>;

interface JobFacts {
  /** `vars.<NAME>` the job logs in with (azure/login client-id, ARM_CLIENT_ID); none = no Azure identity. */
  identity: string | 'none';
  /** GitHub secrets the job can read (`secrets.<NAME>` anywhere in the job). */
  secrets: string[];
  /** Effective `permissions` (the job's, else the workflow's). */
  permissions: Obj;
  /** GitHub environment name (expression text for reusable workflows), or none. */
  environment: string | 'none';
  /** True when `runs-on` can select a self-hosted (in-VNet) runner. */
  inVnetRunner: boolean;
}

const READ: Obj = { contents: 'read' };
const EXPECTED: Record<string, JobFacts> = {
  'pr.yml verify': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'pr.yml plan': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'pr.yml preview': { identity: 'AZURE_PR_CLIENT_ID', secrets: [], permissions: { contents: 'read', 'id-token': 'write' }, environment: 'pr-preview', inVnetRunner: false },
  'pr.yml preview-unavailable': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'verify.yml verify': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'main.yml verify': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'main.yml images': { identity: 'none', secrets: [], permissions: { contents: 'read', 'id-token': 'write', attestations: 'write' }, environment: 'none', inVnetRunner: false },
  'main.yml deploy-dev': { identity: 'none', secrets: ['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE'], permissions: { contents: 'read', 'id-token': 'write', attestations: 'read' }, environment: 'none', inVnetRunner: false },
  'main.yml deploy-prod': { identity: 'none', secrets: ['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE'], permissions: { contents: 'read', 'id-token': 'write', attestations: 'read' }, environment: 'none', inVnetRunner: false },
  'deploy.yml deploy': { identity: 'AZURE_CLIENT_ID', secrets: ['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE'], permissions: { contents: 'read', 'id-token': 'write', attestations: 'read' }, environment: '${{ inputs.environment }}', inVnetRunner: true },
  'version-calendar.yml versions': { identity: 'none', secrets: [], permissions: READ, environment: 'none', inVnetRunner: false },
  'drift.yml drift': { identity: 'AZURE_DRIFT_CLIENT_ID', secrets: ['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE'], permissions: { contents: 'read', 'id-token': 'write', issues: 'write' }, environment: 'none', inVnetRunner: true },
  'restore-drill.yml drill': { identity: 'AZURE_RESTORE_DRILL_CLIENT_ID', secrets: [], permissions: { contents: 'read', 'id-token': 'write', issues: 'write' }, environment: 'none', inVnetRunner: true },
};

const workflows = loadWorkflowFiles(ROOT).filter((f) => f.kind === 'workflow');
const nameOf = (file: string) => file.replace('.github/workflows/', '');
const refs = (text: string, prefix: string) => [...text.matchAll(new RegExp(`${prefix}\\.([A-Z0-9_]+)`, 'g'))].map((m) => m[1]);

function factsOf(file: string, job: { raw: Obj; steps: { raw: Obj }[] }, top: Obj): JobFacts {
  const text = JSON.stringify(job.raw);
  const logins = job.steps.filter((s) => String(s.raw.uses ?? '').startsWith('azure/login@')).map((s) => String((s.raw.with as Obj)['client-id']));
  const armClient = String(((job.raw.env as Obj | undefined) ?? {}).ARM_CLIENT_ID ?? '');
  const identities = [...new Set([...logins, armClient].filter(Boolean).flatMap((t) => refs(t, 'vars')))];
  if (identities.length > 1) throw new Error(`${file} ${JSON.stringify(job.raw.name)} logs in as more than one identity: ${identities.join(', ')}`);
  const environment = job.raw.environment;
  return {
    identity: identities[0] ?? 'none',
    secrets: [...new Set(refs(text, 'secrets'))].sort(),
    permissions: (job.raw.permissions as Obj | undefined) ?? top,
    environment: environment === undefined ? 'none' : typeof environment === 'string' ? environment : String((environment as Obj).name),
    inVnetRunner: /self-hosted/.test(JSON.stringify(job.raw['runs-on'] ?? '')),
  };
}

const ACTUAL: Record<string, JobFacts> = Object.fromEntries(
  workflows.flatMap((wf) => wf.jobs.map((job) => [`${nameOf(wf.file)} ${job.id}`, factsOf(wf.file, job, (wf.data.permissions as Obj) ?? {})])),
);

describe('CI jobs: identity, secrets, permissions, environment', () => {
  it('match the design, job by job (docs/setup.md "Identities")', () => {
    expect(ACTUAL).toEqual(EXPECTED);
  });

  it('pass secrets only to the steps that use them, never through job-level env', () => {
    for (const wf of workflows) {
      for (const job of wf.jobs) {
        expect({ job: `${nameOf(wf.file)} ${job.id}`, jobEnv: refs(JSON.stringify(job.raw.env ?? {}), 'secrets') }).toEqual({ job: `${nameOf(wf.file)} ${job.id}`, jobEnv: [] });
        for (const step of job.steps) {
          const usesSecret = refs(JSON.stringify(step.raw), 'secrets');
          if (usesSecret.length > 0) expect(String(step.raw.run ?? '')).toMatch(/\bpulumi (up|preview|refresh|stack output|config set)\b|^bash scripts\/pin-deployed-images\.sh /);
        }
      }
    }
    // That script runs the Pulumi CLI only to read the stack's outputs and set config.
    const pin = readFileSync(join(ROOT, 'scripts/pin-deployed-images.sh'), 'utf8');
    expect([...new Set([...pin.matchAll(/^\s*(?:if ! \w+="\$\()?pulumi (\w+ \w+)/gm)].map((m) => m[1]))].sort()).toEqual(['config set', 'stack output']);
  });

  it('gives pull requests no secret, no in-VNet runner and only the read-only PR identity', () => {
    const pr = workflows.find((f) => f.file.endsWith('/pr.yml'))!;
    expect(refs(pr.text, 'secrets')).toEqual([]);
    expect(pr.text).not.toMatch(/secrets:\s*inherit/);
    expect(pr.text).not.toMatch(/self-hosted/);
    expect(refs(pr.text, 'vars').filter((v) => v.endsWith('CLIENT_ID'))).toEqual(expect.arrayContaining(['AZURE_PR_CLIENT_ID']));
    expect(refs(pr.text, 'vars')).not.toContain('AZURE_CLIENT_ID');
    const calledFromPr = [...pr.text.matchAll(/uses: \.\/\.github\/workflows\/([a-z-]+\.yml)/g)].map((m) => m[1]);
    for (const called of calledFromPr) expect({ called, secrets: refs(workflows.find((f) => f.file.endsWith(`/${called}`))!.text, 'secrets') }).toEqual({ called, secrets: [] });
  });

  it('gives a pull_request job no cloud identity and no OIDC token unless it waits for the pr-preview approval', () => {
    const pr = workflows.find((f) => f.file.endsWith('/pr.yml'))!;
    expect(Object.keys((pr.data.on ?? (pr.data as Obj)['true']) as Obj)).toEqual(['pull_request']);
    for (const job of pr.jobs) {
      const facts = ACTUAL[`pr.yml ${job.id}`];
      const oidc = JSON.stringify(facts.permissions).includes('"id-token":"write"');
      if (facts.identity !== 'none' || oidc) {
        expect({ job: job.id, identity: facts.identity, environment: facts.environment }).toEqual({ job: job.id, identity: 'AZURE_PR_CLIENT_ID', environment: 'pr-preview' });
      }
    }
    // The approval gate comes after the offline plan: a maintainer approves a PR whose plan passed.
    expect(pr.jobs.find((j) => j.id === 'preview')!.raw.needs).toEqual(['plan']);
  });

  it('uses the PR identity only inside the pr-preview environment, and nowhere but pr.yml', () => {
    for (const [job, facts] of Object.entries(ACTUAL)) {
      if (facts.identity === 'AZURE_PR_CLIENT_ID') expect({ job, environment: facts.environment }).toEqual({ job: expect.stringMatching(/^pr\.yml /), environment: 'pr-preview' });
    }
  });

  it('uses each identity as lib/ci-identities.ts (and docs/setup.md) says: its variable, inside its environment', () => {
    const byVariable = new Map((Object.values(CI_IDENTITIES) as CiIdentity[]).map((i) => [i.variable, i]));
    for (const [job, facts] of Object.entries(ACTUAL)) {
      if (facts.identity === 'none') continue;
      const identity = byVariable.get(facts.identity);
      expect({ job, known: identity !== undefined }).toEqual({ job, known: true });
      const environment = identity!.variableIn === 'repository' ? 'none' : identity!.variableIn === '<env>' ? '${{ inputs.environment }}' : identity!.variableIn;
      expect({ job, environment: facts.environment }).toEqual({ job, environment });
    }
  });

  it('uses the deploying identity (an environment variable) only inside a GitHub environment', () => {
    for (const [job, facts] of Object.entries(ACTUAL)) {
      if (facts.identity === 'AZURE_CLIENT_ID') expect({ job, environment: facts.environment }).not.toEqual({ job, environment: 'none' });
    }
    const main = workflows.find((f) => f.file.endsWith('/main.yml'))!;
    const env = (id: string) => (main.jobs.find((j) => j.id === id)!.raw.with as Obj).environment;
    expect([env('deploy-dev'), env('deploy-prod')]).toEqual(['dev', 'prod']);
  });

  it('deploys the scanned digest: the images job builds once, the deploy pushes that archive, checks the digest and skips the build', () => {
    const main = workflows.find((f) => f.file.endsWith('/main.yml'))!;
    const images = main.jobs.find((j) => j.id === 'images')!;
    const uses = images.steps.map((s) => String(s.raw.uses ?? '').split('@')[0]);
    expect(uses).toEqual(expect.arrayContaining(['anchore/sbom-action', 'aquasecurity/trivy-action', 'actions/attest-build-provenance', 'actions/attest-sbom', 'actions/upload-artifact']));
    expect(images.steps.filter((s) => /docker buildx build/.test(String(s.raw.run ?? '')))).toHaveLength(1);
    const trivy = images.steps.find((s) => String(s.raw.uses).startsWith('aquasecurity/trivy-action@'))!;
    expect((trivy.raw.with as Obj).input).toBe('${{ matrix.app }}.oci.tar');
    const deploy = workflows.find((f) => f.file.endsWith('/deploy.yml'))!.jobs[0];
    const runs = deploy.steps.map((s) => String(s.raw.run ?? ''));
    const push = runs.findIndex((r) => /skopeo copy --preserve-digests/.test(r) && /"\$pushed" != "\$scanned"/.test(r) && /gh attestation verify/.test(r));
    const digests = runs.findIndex((r) => /aks-platform:apps\.imageDigests\./.test(r));
    const up = runs.findIndex((r) => /pulumi up --stack/.test(r));
    expect(push).toBeGreaterThan(-1);
    expect(digests).toBeGreaterThan(push);
    expect(up).toBeGreaterThan(digests);
    expect(runs.join('\n')).not.toMatch(/docker (buildx )?build/);
  });

  it('installs dependencies with install scripts off and the CLIs from the pinned, checksummed list', () => {
    const setup = loadWorkflowFiles(ROOT).find((f) => f.file.endsWith('setup-project/action.yml'))!;
    expect(setup.text).toMatch(/npm ci --ignore-scripts/);
    for (const wf of workflows) {
      expect(wf.text).not.toMatch(/az aks install-cli|pulumi\/actions@/);
      for (const job of wf.jobs) {
        const runsPulumi = job.steps.some((s) => /(^|\n)\s*pulumi /.test(String(s.raw.run ?? '')));
        if (runsPulumi) expect(job.steps.some((s) => String(s.raw.run ?? '').includes('scripts/install-ci-tools.sh'))).toBe(true);
      }
    }
  });
});

describe('the Grafana API token: one command, never the state (scripts/with-grafana-token.sh)', () => {
  it('is given to the deploy\'s `pulumi up` and the drift check\'s refresh only; no workflow sets a Grafana credential anywhere else', () => {
    const steps = workflows.flatMap((wf) => wf.jobs.flatMap((job) => job.steps.map((step) => ({ at: `${nameOf(wf.file)} ${job.id}`, run: String(step.raw.run ?? '') }))));
    const wrapped = steps.filter((s) => s.run.includes(GRAFANA_PROVIDER_AUTH.script));
    expect(wrapped.map((s) => s.at).sort()).toEqual(['deploy.yml deploy', 'drift.yml drift']);
    expect(wrapped.find((s) => s.at === 'deploy.yml deploy')!.run).toMatch(new RegExp(`bash ${GRAFANA_PROVIDER_AUTH.script} pulumi up --stack`));
    expect(wrapped.find((s) => s.at === 'drift.yml drift')!.run).toMatch(new RegExp(`bash ${GRAFANA_PROVIDER_AUTH.script} pulumi preview --stack "\\$STACK" --refresh`));
    // The PR preview reads nothing through the Grafana API (no refresh): it gets no Grafana token.
    expect(steps.filter((s) => s.at.startsWith('pr.yml')).some((s) => s.run.includes(GRAFANA_PROVIDER_AUTH.script))).toBe(false);
    // Comments aside (the parsed workflow): no env block or command names a Grafana variable.
    for (const wf of workflows) expect({ file: wf.file, grafana: JSON.stringify(wf.data).match(/GRAFANA_[A-Z_]+/g) ?? [] }).toEqual({ file: wf.file, grafana: [] });
  });

  describe('the script', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'grafana-token-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the script with a fake `az` that logs its arguments and prints `token` (or fails). */
    const run = (token: string | undefined, command: string[]) => {
      writeFileSync(join(dir, 'az'), `#!/bin/sh\necho "$@" > "${dir}/az-args"\n${token === undefined ? 'echo "Please run az login" >&2; exit 1' : `echo '${token}'`}\n`);
      chmodSync(join(dir, 'az'), 0o755);
      return spawnSync('bash', [join(ROOT, GRAFANA_PROVIDER_AUTH.script), ...command], {
        encoding: 'utf8',
        env: { PATH: `${dir}:${process.env.PATH}`, GRAFANA_AUTH: 'a-token-the-sdk-would-copy-into-the-state' },
      });
    };

    it('asks the Azure CLI for a token for Azure Managed Grafana and hands it to the command as its HTTP header only', () => {
      const result = run('eyJ0eXAi.eyJleHAiOjF9.c2ln', ['sh', '-c', 'printf "%s|%s" "$GRAFANA_HTTP_HEADERS" "${GRAFANA_AUTH-unset}"']);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      expect(result.stdout).toBe('{"Authorization":"Bearer eyJ0eXAi.eyJleHAiOjF9.c2ln"}|unset');
      expect(readFileSync(join(dir, 'az-args'), 'utf8').trim()).toBe(`account get-access-token --resource ${MANAGED_GRAFANA.entraAudience} --query accessToken --output tsv`);
    });

    it('stops, without running the command, when the CLI gives no token', () => {
      const failed = run(undefined, ['sh', '-c', 'echo ran']);
      expect(failed.status).toBe(1);
      expect(failed.stdout).toBe('');
      expect(failed.stderr).toMatch(/could not get an Azure Managed Grafana token from the Azure CLI: sign in first/);
      const odd = run('not a token', ['sh', '-c', 'echo ran']);
      expect(odd.status).toBe(1);
      expect(odd.stderr).toMatch(/no usable Azure Managed Grafana token/);
    });
  });
});

describe('previews evaluate the program as CI deployed it (scripts/pin-deployed-images.sh)', () => {
  it('pins the deployed digests before the drift check and the PR preview run pulumi preview', () => {
    for (const [file, job] of [['drift.yml', 'drift'], ['pr.yml', 'preview']]) {
      const steps = workflows.find((f) => f.file.endsWith(`/${file}`))!.jobs.find((j) => j.id === job)!.steps.map((s) => String(s.raw.run ?? ''));
      const pin = steps.findIndex((r) => r.startsWith('bash scripts/pin-deployed-images.sh "$STACK"'));
      const preview = steps.findIndex((r) => /pulumi preview --stack "\$STACK"/.test(r));
      expect({ file, pin: pin > -1, before: pin < preview }).toEqual({ file, pin: true, before: true });
    }
  });

  describe('the script', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pin-images-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the script with a fake `pulumi` that answers `stack output images` with `images` (or fails) and logs the rest. */
    const run = (images: string | undefined) => {
      writeFileSync(join(dir, 'images.json'), images ?? '');
      const answer = images === undefined ? 'echo "error: current stack does not have output property images" >&2; exit 1' : `cat "${dir}/images.json"; exit 0`;
      writeFileSync(join(dir, 'pulumi'), `#!/bin/sh\nif [ "$1 $2" = "stack output" ]; then ${answer}; fi\necho "$@" >> "${dir}/calls"\n`);
      chmodSync(join(dir, 'pulumi'), 0o755);
      rmSync(join(dir, 'calls'), { force: true });
      const result = spawnSync('bash', [join(ROOT, 'scripts/pin-deployed-images.sh'), 'prod'], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}` } });
      let calls: string[] = [];
      try {
        calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
      } catch {
        calls = [];
      }
      return { status: result.status, stderr: result.stderr, calls };
    };

    it('sets apps.imageDigests.<app> to each deployed digest, and nothing for a ref without one', () => {
      const a = `sha256:${'a'.repeat(64)}`;
      const c = `sha256:${'c'.repeat(64)}`;
      const images = JSON.stringify({ api: `cr1.azurecr.io/aks-platform/api@${a}`, agent: '', frontend: `cr1.azurecr.io/aks-platform/frontend@${c}` });
      expect(run(images)).toEqual({
        status: 0,
        stderr: '',
        calls: [`config set --stack prod --path aks-platform:apps.imageDigests.api ${a}`, `config set --stack prod --path aks-platform:apps.imageDigests.frontend ${c}`],
      });
    });

    it('pins nothing, and succeeds, for a stack never deployed', () => {
      expect(run(undefined)).toEqual({ status: 0, stderr: '', calls: [] });
    });
  });
});
