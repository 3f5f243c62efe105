/**
 * Rendering helpers for the chart tests: values files, `helm template` and
 * `helm lint` with the real helm binary (scripts/helm.ts), cached by their
 * inputs, multi-document YAML parsing and offline schema validation of every
 * rendered object.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { z } from 'zod';
import { isJsonData, workerMemo } from '../../apps/common/test-support/worker-store';
import { chartDirectory } from '../../lib/app-profiles';
import { ChartCase } from '../../scripts/chart-fixtures';
import { HelmResult, helmBinary, runHelm } from '../../scripts/helm';
import { recordTiming } from '../../scripts/test-timings';
import { tempDir } from '../../apps/common/test-support/temp-dir';

/** A rendered Kubernetes object (loosely typed; tests narrow what they read). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any };

/** The test file's scratch directory for values files (removed after the file: tempDir). */
let tmpDir: string | undefined;
function scratch(): string {
  tmpDir ??= tempDir('chart-test-');
  return tmpDir;
}

/** Writes values to a fresh file in a per-process scratch directory. */
export function valuesFile(values: unknown, label: string): string {
  const file = path.join(scratch(), `${label}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, YAML.stringify(values));
  return file;
}

/** Hash of every file in the chart directory (path and content), once per test file. */
let chartDigest: string | undefined;
function digestChart(): string {
  if (chartDigest) return chartDigest;
  const hash = crypto.createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(`${path.relative(chartDirectory(), file)}\0`).update(fs.readFileSync(file)).update('\0');
    }
  };
  walk(chartDirectory());
  chartDigest = hash.digest('hex');
  return chartDigest;
}

/**
 * YAML.stringify(values), once per jest worker for each distinct value (workerMemo, keyed by its
 * JSON: for plain data, JSON text is the same exactly when the values and their key order are); the
 * chart tests render the same values in several files. Values JSON cannot carry unchanged are
 * stringified each time.
 */
function valuesYaml(values: unknown): string {
  return isJsonData(values) ? workerMemo('yaml.stringify', JSON.stringify(values), () => YAML.stringify(values)) : YAML.stringify(values);
}

const HELM_CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'aks-platform-helm');

/**
 * `helm <args> apps/chart ... -f <values>`, cached by everything its result depends on: the helm
 * binary, every chart file, the arguments and the values. helm template and lint read nothing
 * else (no cluster), so a cached result is the result. The cache is on disk
 * (node_modules/.cache/aks-platform-helm), shared by the test files, the jest workers and later
 * runs; HELM_TEST_CACHE=off turns it off.
 */
function cachedHelm(args: string[], values: unknown, label: string): HelmResult {
  const text = valuesYaml(values);
  const bin = helmBinary();
  const key = crypto
    .createHash('sha256')
    .update(JSON.stringify([bin, fs.statSync(bin).size, digestChart(), args, text]))
    .digest('hex');
  const file = path.join(HELM_CACHE_DIR, `${key}.json`);
  const useCache = process.env.HELM_TEST_CACHE !== 'off';
  if (useCache && fs.existsSync(file)) {
    const started = performance.now();
    const hit = JSON.parse(fs.readFileSync(file, 'utf8')) as HelmResult;
    recordTiming(`helm ${args[0]} (cached)`, performance.now() - started);
    return hit;
  }
  const valuesPath = path.join(scratch(), `${label}-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(valuesPath, text);
  const result = runHelm([...args, chartDirectory(), '-f', valuesPath]);
  if (useCache) {
    fs.mkdirSync(HELM_CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(result));
    fs.renameSync(tmp, file);
  }
  return result;
}

/** `helm template <release> apps/chart -n <namespace> -f <values>` (cached: see cachedHelm). */
export function helmTemplate(release: string, namespace: string, values: unknown): HelmResult {
  return cachedHelm(['template', release, '--namespace', namespace], values, release);
}

/** `helm lint --strict apps/chart -n <namespace> -f <values>` (cached: see cachedHelm). */
export function helmLint(namespace: string, values: unknown): HelmResult {
  return cachedHelm(['lint', '--strict', '--namespace', namespace], values, 'lint');
}

/**
 * Parses helm's multi-document output. Once per jest worker for each output text (workerMemo): the
 * chart test files render many of the same cases, and each parse of a release's YAML is milliseconds.
 */
export function parseManifests(text: string): Manifest[] {
  return workerMemo('yaml.parseAllDocuments', text, (t) =>
    YAML.parseAllDocuments(t)
      .map((d) => d.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null && typeof m === 'object'),
  );
}

/** Renders one case; throws with helm's message when rendering fails. */
export function renderCase(c: ChartCase): Manifest[] {
  const r = helmTemplate(c.app, c.namespace, c.values);
  if (r.status !== 0) throw new Error(`helm template ${c.app}/${c.environment} failed:\n${r.stderr}`);
  return parseManifests(r.stdout);
}

/** SecretProviderClass (secrets-store.csi.x-k8s.io/v1) — no model package ships it; the CRD's shape for the azure provider. */
const secretProviderClassSchema = z
  .object({
    apiVersion: z.literal('secrets-store.csi.x-k8s.io/v1'),
    kind: z.literal('SecretProviderClass'),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1) }).passthrough(),
    spec: z
      .object({
        provider: z.literal('azure'),
        parameters: z.record(z.string(), z.string()),
        secretObjects: z.array(z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

/** Traefik Middleware (traefik.io/v1alpha1) as the chart renders it: only the buffering body limit. */
const traefikMiddlewareSchema = z
  .object({
    apiVersion: z.literal('traefik.io/v1alpha1'),
    kind: z.literal('Middleware'),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1), labels: z.record(z.string(), z.string()) }).strict(),
    spec: z.object({ buffering: z.object({ maxRequestBodyBytes: z.number().int().positive() }).strict() }).strict(),
  })
  .strict();

/** PodMonitor of Azure Monitor managed Prometheus (azmonitoring.coreos.com/v1) — the fields the chart sets, after the CRD. */
const podMonitorSchema = z
  .object({
    apiVersion: z.literal('azmonitoring.coreos.com/v1'),
    kind: z.literal('PodMonitor'),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1) }).passthrough(),
    spec: z
      .object({
        selector: z.object({ matchLabels: z.record(z.string(), z.string()) }).strict(),
        podMetricsEndpoints: z
          .array(
            z
              .object({
                port: z.string().min(1),
                path: z.string().regex(/^\//),
                interval: z.string().regex(/^\d+(s|m)$/),
                scheme: z.enum(['http', 'https']),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

/** KEDA TriggerAuthentication (keda.sh/v1alpha1) as the chart renders it: workload identity only, no secret. */
const triggerAuthenticationSchema = z
  .object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    kind: z.literal('TriggerAuthentication'),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1), labels: z.record(z.string(), z.string()) }).strict(),
    spec: z.object({ podIdentity: z.object({ provider: z.literal('azure-workload'), identityId: z.string().uuid() }).strict() }).strict(),
  })
  .strict();

/** KEDA ScaledObject (keda.sh/v1alpha1) — the fields the chart sets, after the CRD (keda.sh/docs "ScaledObject specification"). */
const scaledObjectSchema = z
  .object({
    apiVersion: z.literal('keda.sh/v1alpha1'),
    kind: z.literal('ScaledObject'),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1), labels: z.record(z.string(), z.string()) }).strict(),
    spec: z
      .object({
        scaleTargetRef: z.object({ apiVersion: z.literal('apps/v1'), kind: z.literal('Deployment'), name: z.string().min(1) }).strict(),
        minReplicaCount: z.number().int().min(0),
        maxReplicaCount: z.number().int().min(1),
        pollingInterval: z.number().int().positive(),
        advanced: z.object({ horizontalPodAutoscalerConfig: z.object({ behavior: z.record(z.string(), z.unknown()) }).strict() }).strict(),
        triggers: z
          .array(
            z.union([
              z
                .object({
                  type: z.literal('prometheus'),
                  name: z.string().regex(/^[a-z0-9-]+$/),
                  metadata: z.object({ serverAddress: z.string().url(), query: z.string().min(1), threshold: z.string().regex(/^\d+(\.\d+)?$/), activationThreshold: z.string() }).strict(),
                  authenticationRef: z.object({ name: z.string().min(1) }).strict(),
                })
                .strict(),
              z.object({ type: z.literal('cpu'), metricType: z.literal('Utilization'), metadata: z.object({ value: z.string().regex(/^\d+$/) }).strict() }).strict(),
            ]),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

// eslint-disable-next-line @typescript-eslint/no-require-imports
const manifestModels = require('./manifest-models.cjs') as {
  MANIFEST_MODELS_GLOBAL: string;
  problemOf(manifest: Manifest): string | null | undefined;
};

/**
 * What the object's kubernetes-models class finds wrong with it (null: valid; undefined: no class
 * for its kind). Under the infra environment, by the worker's one copy of the classes, which it
 * gets as JSON (./manifest-models.cjs: loaded and, for HTTPRoute, compiled once per worker instead
 * of once per test file); in this realm outside jest or for an object JSON would change.
 */
function modelProblem(m: Manifest): string | null | undefined {
  const worker = (globalThis as Record<string, unknown>)[manifestModels.MANIFEST_MODELS_GLOBAL] as ((json: string) => string | null | undefined) | undefined;
  return worker && isJsonData(m) ? worker(JSON.stringify(m)) : manifestModels.problemOf(m);
}

/** Validates one object against its Kubernetes schema; throws naming the object and the problem. */
export function validateManifest(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`;
  if (key === 'secrets-store.csi.x-k8s.io/v1/SecretProviderClass') {
    const r = secretProviderClassSchema.safeParse(m);
    if (!r.success) throw new Error(`${m.kind}/${m.metadata.name}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  if (key === 'traefik.io/v1alpha1/Middleware') {
    const r = traefikMiddlewareSchema.safeParse(m);
    if (!r.success) throw new Error(`${m.kind}/${m.metadata.name}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  if (key === 'azmonitoring.coreos.com/v1/PodMonitor') {
    const r = podMonitorSchema.safeParse(m);
    if (!r.success) throw new Error(`${m.kind}/${m.metadata.name}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  const crd = { 'keda.sh/v1alpha1/ScaledObject': scaledObjectSchema, 'keda.sh/v1alpha1/TriggerAuthentication': triggerAuthenticationSchema }[key];
  if (crd) {
    const r = crd.safeParse(m);
    if (!r.success) throw new Error(`${m.kind}/${m.metadata.name}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return;
  }
  const problem = modelProblem(m);
  if (problem === undefined) throw new Error(`no schema for ${key} (${m.metadata?.name}); add it to test/support/manifest-models.cjs`);
  if (problem !== null) throw new Error(`${m.kind}/${m.metadata.name}: ${problem}`);
}

/** The single object of a kind (and name); throws when absent or ambiguous. */
export function one(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0];
}

/**
 * Paths of null or empty values (null, "", {}, []) in a rendered object: strict
 * validators reject them and they hide template mistakes. `allowed` lists paths
 * where an empty value means something (a NetworkPolicy's `podSelector: {}`
 * selects every pod).
 */
export function emptyValuePaths(value: unknown, allowed: RegExp[] = [/^spec\.podSelector$/], at = ''): string[] {
  const isEmpty = value === null || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
  if (isEmpty) return at && allowed.some((a) => a.test(at)) ? [] : [at || '(root)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => emptyValuePaths(v, allowed, `${at}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => emptyValuePaths(v, allowed, at ? `${at}.${k}` : k));
  return [];
}
