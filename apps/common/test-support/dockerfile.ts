/**
 * Dockerfile rules shared by the apps' image tests, checked on the parsed file (dockerfile-ast).
 * Returns the list of violations (empty = compliant) so a test can show all of them at once.
 */
import { readFileSync } from 'node:fs';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';

export interface DockerfileRules {
  /** Port the app listens on: EXPOSE and the HEALTHCHECK URL must use it. */
  port: number;
  /** Liveness path the HEALTHCHECK must request. */
  healthPath: string;
  /** Expected numeric UID of the final stage (non-root). */
  uid?: number;
  /** Base image name prefix that must be pinned (e.g. "node:22."). */
  basePrefix?: string;
  /**
   * HTTP clients the HEALTHCHECK may use because the runtime image ships them and has no
   * node (the frontend's nginx alpine image: busybox wget). Default: none.
   */
  allowHttpClients?: Array<'wget' | 'curl'>;
}

export function lintDockerfile(path: string, rules: DockerfileRules): string[] {
  const df = DockerfileParser.parse(readFileSync(path, 'utf8'));
  const problems: string[] = [];
  const initialArgs = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    const p = a.getProperty();
    if (p) initialArgs.set(p.getName(), p.getValue() ?? '');
  }
  const expand = (s: string) => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => initialArgs.get(n) ?? '');

  const instructions = df.getInstructions();
  const froms = df.getFROMs();
  if (froms.length < 2) problems.push(`multi-stage build expected, found ${froms.length} FROM`);
  const stageNames = new Set(froms.map((f) => f.getBuildStage()).filter((n): n is string => !!n));

  // Split instructions by stage.
  const stages: Array<{ name: string | null; image: string; body: Instruction[] }> = [];
  for (const ins of instructions) {
    if (ins.getKeyword() === 'FROM') {
      const args = ins.getArguments().map((a) => a.getValue());
      const asIdx = args.findIndex((a) => a.toUpperCase() === 'AS');
      const image = expand(args.filter((a) => !a.startsWith('--'))[0] ?? '');
      stages.push({ name: asIdx >= 0 ? args[asIdx + 1] : null, image, body: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].body.push(ins);
    }
  }
  for (const s of stages) {
    if (stageNames.has(s.image)) continue;
    const m = /^(?:[^/]+\/)*([^:@/]+):([^@]+)(@sha256:[0-9a-f]{64})?$/.exec(s.image);
    if (!m) problems.push(`base image "${s.image}" has no tag`);
    else if (m[2] === 'latest' || !/\d+\.\d+\.\d+/.test(m[2])) problems.push(`base image "${s.image}" must be pinned to a full version (not latest)`);
    else if (!m[3]) problems.push(`base image "${s.image}" must be pinned by digest too (<image>:<version>@sha256:<64 hex>)`);
    if (rules.basePrefix && !s.image.startsWith(rules.basePrefix)) problems.push(`base image "${s.image}" must start with ${rules.basePrefix}`);
  }
  const final = stages[stages.length - 1];
  if (!final) return [...problems, 'no FROM'];
  const of = (kw: string) => final.body.filter((i) => i.getKeyword() === kw);

  const users = of('USER');
  const user = users[users.length - 1]?.getArgumentsContent() ?? '';
  if (!/^\d+(:\d+)?$/.test(user)) problems.push(`final stage USER must be numeric uid[:gid], found "${user || '(none)'}"`);
  else if (Number(user.split(':')[0]) === 0) problems.push('final stage USER must not be root (0)');
  else if (rules.uid !== undefined && Number(user.split(':')[0]) !== rules.uid) problems.push(`final stage USER must be ${rules.uid}, found ${user}`);

  const exposed = of('EXPOSE').flatMap((i) => i.getArguments().map((a) => a.getValue().split('/')[0]));
  if (exposed.length !== 1 || exposed[0] !== String(rules.port)) problems.push(`final stage must EXPOSE exactly ${rules.port}, found [${exposed.join(', ')}]`);

  const hc = of('HEALTHCHECK');
  const hcText = hc.map((i) => i.getArgumentsContent() ?? '').join(' ');
  if (hc.length !== 1) problems.push(`final stage needs one HEALTHCHECK, found ${hc.length}`);
  else {
    if (!hcText.includes(rules.healthPath)) problems.push(`HEALTHCHECK must request ${rules.healthPath}`);
    if (!hcText.includes(String(rules.port))) problems.push(`HEALTHCHECK must use port ${rules.port}`);
    for (const tool of ['curl', 'wget'] as const) {
      if (new RegExp(`\\b${tool}\\b`).test(hcText) && !rules.allowHttpClients?.includes(tool)) problems.push(`HEALTHCHECK must not depend on ${tool}`);
    }
  }

  // No package installation in the final stage; stages it copies from install production deps only.
  for (const run of of('RUN')) {
    const t = run.getArgumentsContent() ?? '';
    if (/\b(npm|yarn|pnpm)\s+(ci|install|add|i)\b/.test(t)) problems.push(`final stage must not install packages: "${t.trim()}"`);
  }
  for (const copy of of('COPY')) {
    // dockerfile-ast keeps flags out of getArguments(): read --from from the flags.
    const from = (copy as Copy).getFromFlag()?.getValue() ?? undefined;
    const src = stages.find((s) => s.name === from);
    if (!src) continue;
    // Build output folders (dist/) hold compiled files only, never the stage's node_modules.
    const sources = copy.getArguments().map((a) => a.getValue()).filter((a) => !a.startsWith('--')).slice(0, -1);
    if (sources.length > 0 && sources.every((p) => /\/dist\/?$/.test(p))) continue;
    for (const run of src.body.filter((i) => i.getKeyword() === 'RUN')) {
      const t = run.getArgumentsContent() ?? '';
      if (/\bnpm\s+(ci|install)\b/.test(t) && !/--omit=dev/.test(t)) {
        problems.push(`final stage copies from "${from}", which installs dev dependencies: "${t.trim()}"`);
      }
    }
  }

  for (const ins of instructions.filter((i) => ['ENV', 'ARG'].includes(i.getKeyword()))) {
    const t = ins.getArgumentsContent() ?? '';
    if (/(PASSWORD|SECRET|TOKEN|API_?KEY)\s*=/i.test(t)) problems.push(`${ins.getKeyword()} must not carry secrets: "${t}"`);
  }
  return problems;
}
