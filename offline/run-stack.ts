/**
 * Runs the real program for one stack, offline: the stack's YAML becomes the
 * program's config, the mocks answer for Azure, and the result is every
 * registered resource plus the resolved stack outputs.
 *
 * Under jest's infra environment (test/support/environment.ts) a run is made
 * once, on the jest run's program-run server (offline/run-server.ts: one Node
 * process that loads the SDK and the program once) when there is one, and
 * shared: by every test file of every worker, and by the next `npm test` while
 * the program is unchanged. The recorded run is kept in
 * node_modules/.cache/aks-platform-stack-runs/, keyed by a hash of everything
 * the run depends on: the program's sources (stack.ts, components/, lib/,
 * config/, offline/, provider/, the chart), the installed packages, the git commit the
 * image tag is derived from (and whether the work tree is dirty), the stack's
 * config file, the overrides and the clock's day. A file that reads a cached
 * run does not load the Pulumi SDK at all. `TEST_CACHE=off` turns the cache off
 * (runs are still shared within a worker). See offline/input-cache.ts.
 */
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { deserialize, serialize } from 'v8';
import type * as pulumiType from '@pulumi/pulumi';
import { OfflineRecorder, type RecordedCall, type RecordedPackage, type RecordedResource } from './recorded';
import { readStackConfig, REPO_ROOT } from './stack-config';
import { cached, hashInputs } from './input-cache';
import { recordTiming, timedAsync } from '../scripts/test-timings';
import { readGitSource, type GitSource } from '../lib/image-source';
import { systemClock, type Clock } from '../lib/aks-versions';

/** Where jest's infra environment (test/support/environment.ts) keeps what a worker's test files share. */
const SHARED_STORE_GLOBAL = '__aksPlatformSharedStackRuns';

/** The per-worker store of the infra environment: the serialized runs by key. */
interface SharedStore {
  runs: Map<string, Promise<Buffer>>;
}

/** A stack output, resolved, and whether Pulumi would store it as a secret. */
export interface ResolvedOutput {
  value: unknown;
  secret: boolean;
}

/** What one offline run produced. */
export interface StackRun {
  stack: string;
  recorder: OfflineRecorder;
  outputs: Record<string, ResolvedOutput>;
}

/** Options for {@link runStack}. */
export interface RunStackOptions {
  /** Config values that replace or add to the YAML, in Pulumi `--path` form: `aks-platform:registry.sku`. */
  overrides?: Record<string, unknown>;
  /** A config file other than `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The clock the program reads the AKS version calendar with; default the system clock. Tests pass a fixed date. */
  clock?: Clock;
  /**
   * Build the platform through the `PlatformStack` facade of the source-based package
   * (provider/platform-stack.ts) instead of running stack.ts: the stack's `aks-platform:*` values
   * become its args (./platform-stack-run.ts), the outputs are the facade's. It reads the system
   * clock (the facade takes none): `clock` is for stack.ts runs only.
   */
  facade?: boolean;
  /**
   * Run one build of a component-build module instead of stack.ts: `builds[name]()` of the
   * module (a path from the repository root) constructs components under the mocks and returns
   * (or resolves to) the one whose outputs the run resolves (every Output it has but its URN). The
   * module's folder is part of the run's key (a build module may import its siblings, as
   * test/support/builds/common.ts); what else it imports must be in {@link PROGRAM_INPUTS}.
   * For component tests: the build is made once, on the program-run server, and cached.
   */
  build?: ComponentBuild;
}

/** A named build of a component-build module ({@link RunStackOptions.build}). */
export interface ComponentBuild {
  /** The module, as a path from the repository root; it exports `builds`, a record of functions. */
  module: string;
  /** The build's name in `builds`. */
  name: string;
}

/** What a component-build module exports: each build constructs components and returns the one whose outputs to resolve. */
export type ComponentBuilds = Record<string, () => object | Promise<object>>;

/**
 * What the program's result depends on besides the stack config, as paths from
 * the repository root: every source it (and the offline engine) loads or
 * reads, and the installed packages.
 */
export const PROGRAM_INPUTS = ['stack.ts', 'components', 'lib', 'config', 'offline', 'provider', 'apps/chart', 'Pulumi.yaml', 'package.json', 'package-lock.json'];

/** This module's memo of deserialized runs: one object per run and test file. */
const runs = new Map<string, Promise<StackRun>>();
/**
 * The program's fingerprint and the git facts it includes, read once per test file (a worker that
 * outlives an edit, as in `jest --watch`, sees the edit).
 */
let program: ProgramState | undefined;

/**
 * Runs `createStack()` for `stack` under mocks. Throws what the program throws
 * (a bad config is a `pulumi.RunError` naming the key) — in that case the
 * recorder given to `onRecorder` shows that nothing was registered. Shared
 * and cached too: a config the program rejects (a `RunError`, deterministic),
 * kept with what was registered until then and thrown again as the program
 * threw it (same message, recognised by `RunError.isInstance`); any other
 * failure is not kept.
 */
export async function runStack(stack: string, options: RunStackOptions = {}, onRecorder?: (recorder: OfflineRecorder) => void): Promise<StackRun> {
  if (options.facade && options.clock) throw new Error('runStack: a PlatformStack facade run reads the system clock; it takes no clock option');
  if (options.facade && options.build) throw new Error('runStack: a run is a PlatformStack facade run or a component build, not both');
  const shared = (globalThis as Record<string, unknown>)[SHARED_STORE_GLOBAL] as SharedStore | undefined;
  if (!shared) {
    // A process a test started (`tsx plan/cli.ts` in test/plan/cli.test.ts) asks the jest run's
    // program-run server too; anywhere else the program runs in this process.
    if (process.env[RUN_SERVER_ENV]) return fromSerialized(await makeRun(stack, options, false), onRecorder);
    return timedAsync('pulumi program run', () => run(stack, options, onRecorder));
  }
  // The program reads the clock only for the AKS version calendar, whose unit is the UTC day
  // (lib/aks-versions.ts): the clock's day is part of the key, so a fixed clock and the system
  // clock on that day share a run.
  const date = (options.clock ?? systemClock)().toISOString().slice(0, 10);
  const configPath = options.configFile ?? path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const configText = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  program ??= programState();
  const { fingerprint, git } = program;
  const variant = options.facade ? ['PlatformStack'] : options.build ? ['build', options.build.module, options.build.name] : [];
  const variantInputs = options.build ? [path.posix.dirname(options.build.module)] : [];
  const key = `${fingerprint.slice(0, 16)}-${hashInputs(variantInputs, JSON.stringify([stack, configPath, configText, options.overrides ?? {}, date, ...variant])).slice(0, 32)}.v8`;
  let result = onRecorder ? undefined : runs.get(key);
  if (!result) {
    let serialized = shared.runs.get(key);
    if (serialized) recordTiming('pulumi program run (shared)', 0);
    else {
      serialized = cached('aks-platform-stack-runs', key, () => makeRun(stack, options, true, git), (ms) => recordTiming('pulumi program run (cached)', ms));
      shared.runs.set(key, serialized);
      // A failed run is not kept: the next caller runs it again and sees the error.
      serialized.catch(() => shared.runs.delete(key));
    }
    result = serialized.then((buffer) => fromSerialized(buffer, onRecorder));
    if (!onRecorder) runs.set(key, result);
  }
  return result;
}

/** What a run's key says of the program: a hash of {@link PROGRAM_INPUTS} and the git facts (the image tag's input; `null`: no checkout), and those facts. */
interface ProgramState {
  fingerprint: string;
  git: GitSource | null;
}

function programState(): ProgramState {
  const git = readGitSource(REPO_ROOT) ?? null;
  return { fingerprint: hashInputs(PROGRAM_INPUTS, JSON.stringify(git)), git };
}

/** What is kept of a run: plain data (the v8 serializer keeps undefined, Maps and Dates as they are). */
interface SerializedRun {
  stack: string;
  /** A config the program rejected: the RunError's name and message. */
  failure?: { name: string; message: string };
  resources: RecordedResource[];
  calls: RecordedCall[];
  packages: RecordedPackage[];
  outputs: Record<string, ResolvedOutput>;
}

function fromSerialized(buffer: Buffer, onRecorder?: (recorder: OfflineRecorder) => void): StackRun {
  const data = ownRealm(deserialize(buffer)) as SerializedRun;
  const recorder = new OfflineRecorder();
  recorder.resources.push(...data.resources);
  recorder.calls.push(...data.calls);
  recorder.packages.push(...(data.packages ?? []));
  onRecorder?.(recorder);
  if (data.failure) {
    // The SDK recognises a RunError by this member (RunError.isInstance), as across SDK copies.
    throw Object.assign(new Error(data.failure.message), { name: data.failure.name, __pulumiRunError: true });
  }
  // Read-only: a test that changed the run would change what the other tests of its file see.
  return deepFreeze({ stack: data.stack, recorder, outputs: data.outputs });
}

/**
 * The environment variable that names the socket of the jest run's program-run server
 * (offline/run-server.ts, started by test/support/program-runs-setup.ts).
 */
export const RUN_SERVER_ENV = 'AKS_PLATFORM_RUN_SERVER';

/** What a test file asks the program-run server for: a run, as {@link runStack} gets it. */
export interface RunRequest {
  stack: string;
  overrides?: Record<string, unknown>;
  configFile?: string;
  /** The instant the clock gives (ISO 8601); absent for the system clock. */
  clock?: string;
  /**
   * The git facts the asker read for the run's key (`null`: no checkout), which the program
   * derives the image tag from; absent: the server reads them (`tsx plan/cli.ts`).
   */
  git?: GitSource | null;
  /** A run through the `PlatformStack` facade ({@link RunStackOptions.facade}). */
  facade?: boolean;
  /** A component build ({@link RunStackOptions.build}). */
  build?: ComponentBuild;
}

/** The server's answer: the serialized run (base64), or the program's failure; its CPU and wall milliseconds. */
export type RunReply = ({ ok: true; run: string } | { ok: false; error: { name: string; message: string; stack?: string } }) & { cpuMs: number; ms: number };

/**
 * A run made where it costs least: under jest, on the run's program-run server, a plain Node
 * process that loads the SDK and the program once for every test file and worker (a test file
 * that ran the program itself would load them again in its own module registry); else, or when
 * the server is not there, in this process.
 */
async function makeRun(stack: string, options: RunStackOptions, inTestFile = true, git?: GitSource | null): Promise<Buffer> {
  const socket = process.env[RUN_SERVER_ENV];
  const request: RunRequest = { stack, overrides: options.overrides, configFile: options.configFile, clock: options.clock?.().toISOString(), git, facade: options.facade, build: options.build };
  const reply = socket ? await askServer(socket, request) : undefined;
  if (!reply) return timedAsync('pulumi program run', () => serializedRun(stack, options, git));
  recordTiming('pulumi program run', reply.ms);
  recordTiming('pulumi program run (server CPU)', reply.cpuMs);
  // The server's CPU for this run is the test file's, as a child process's would be (npm run test:profile).
  if (inTestFile) recordTiming('test file CPU (children)', reply.cpuMs);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
  return Buffer.from(reply.run, 'base64');
}

/** The server's reply to `request`; undefined when there is no server or it went away before replying. */
async function askServer(socket: string, request: RunRequest): Promise<RunReply | undefined> {
  const { createConnection } = await import('net');
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    let received = '';
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(`${JSON.stringify(request)}\n`));
    connection.on('data', (chunk: string) => {
      received += chunk;
      if (!received.endsWith('\n')) return;
      connection.end();
      resolve(JSON.parse(received) as RunReply);
    });
    connection.on('error', () => resolve(undefined));
    connection.on('close', () => resolve(undefined));
  });
}

/**
 * Runs the program in this process and serializes the result (the server calls this too), with
 * `git` as the checkout's git facts when they are read already (see {@link RunRequest}).
 */
export async function serializedRun(stack: string, options: RunStackOptions, git?: GitSource | null): Promise<Buffer> {
  let recorder: OfflineRecorder | undefined;
  let result: StackRun;
  try {
    result = await run(stack, options, (r) => (recorder = r), git);
  } catch (err) {
    if ((err as { __pulumiRunError?: unknown } | undefined)?.__pulumiRunError !== true || !recorder) throw err;
    // What the program registered before it threw reaches the recorder before it is kept.
    await (await import('./mocks')).settle();
    const { name, message } = err as Error;
    return serialize({ stack, failure: { name, message }, resources: recorder.resources, calls: recorder.calls, packages: recorder.packages, outputs: {} } satisfies SerializedRun);
  }
  return serialize({ stack: result.stack, resources: result.recorder.resources, calls: result.recorder.calls, packages: result.recorder.packages, outputs: result.outputs } satisfies SerializedRun);
}

/**
 * A copy of deserialized data made of this module's own arrays and objects: v8's deserializer
 * builds them in Node's main realm, and jest runs each test file in a realm of its own (where
 * `toStrictEqual` would see another realm's Object as a different type).
 */
function ownRealm(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownRealm);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(Object.getPrototypeOf(value) ?? Object) === null) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = ownRealm(v);
    return copy;
  }
  return value;
}

/**
 * `value` and everything in it, frozen. A shared run is read-only: a test that changed it would
 * change what other test files see, so any change throws instead.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * Runs the program. The Pulumi SDK takes a stack trace for every promise it makes (to report
 * leaked ones), and under jest each trace is source-mapped frame by frame: a third of a run's
 * CPU. Errors of the program carry their message and no stack while it runs, unless
 * `OFFLINE_STACK_TRACES=1` (for debugging a failing run).
 */
async function run(stack: string, options: RunStackOptions, onRecorder?: (recorder: OfflineRecorder) => void, git?: GitSource | null): Promise<StackRun> {
  const limit = Error.stackTraceLimit;
  if (process.env.OFFLINE_STACK_TRACES !== '1') Error.stackTraceLimit = 0;
  try {
    return await runProgram(stack, options, onRecorder, git);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * A resource's outputs by property name: every Output it has but its URN (and the SDK's `__`
 * members), those of its records of Outputs as `<property>.<key>` (a Network's
 * `subnetIds.nodes`), and its lists of resources as the list of their URNs (a PostgresDatabase's
 * `readyForClients`).
 */
export function outputsOf(resource: object, pulumi: Pick<typeof pulumiType, 'Output' | 'Resource' | 'all'>): Record<string, pulumiType.Output<unknown>> {
  const outputs: Record<string, pulumiType.Output<unknown>> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'urn' || key.startsWith('__')) continue;
    if (pulumi.Output.isInstance(value)) outputs[key] = value;
    else if (isRecordOfOutputs(value, pulumi)) for (const [k, v] of Object.entries(value)) outputs[`${key}.${k}`] = v;
    else if (Array.isArray(value) && value.length > 0 && value.every((r) => pulumi.Resource.isInstance(r))) {
      outputs[key] = pulumi.all(value.map((r: pulumiType.Resource) => r.urn));
    }
  }
  return outputs;
}

function isRecordOfOutputs(value: unknown, pulumi: Pick<typeof pulumiType, 'Output'>): value is Record<string, pulumiType.Output<unknown>> {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every((v) => pulumi.Output.isInstance(v));
}

async function runProgram(stack: string, options: RunStackOptions, onRecorder?: (recorder: OfflineRecorder) => void, git?: GitSource | null): Promise<StackRun> {
  // Loaded here, not at the top: a test that only reads cached runs does not pay for the SDK.
  const pulumi = (await import('@pulumi/pulumi')) as typeof pulumiType;
  const { installMocks, resolveOutput, settle } = await import('./mocks');
  // A component build reads no stack file (its stack need not have one).
  const config = options.build ? undefined : readStackConfig(stack, options.overrides, options.configFile);
  // installMocks also turns off the SDK work a run does not use (V8's debugger left on by
  // closure serialization, a stack trace per resource): ./sdk-overheads.ts.
  const recorder = installMocks({ project: 'aks-platform', stack });
  onRecorder?.(recorder);
  let exported: Record<string, unknown>;
  if (options.facade) {
    // The facade's args are the values; it reads no Pulumi config (./platform-stack-run.ts).
    exported = outputsOf(await (await import('./platform-stack-run')).buildPlatformStack(config!.values), pulumi);
  } else if (options.build) {
    const { module, name } = options.build;
    const { builds } = (await import(path.join(REPO_ROOT, module))) as { builds: ComponentBuilds };
    if (typeof builds?.[name] !== 'function') throw new Error(`${module} has no build "${name}" (its builds: ${Object.keys(builds ?? {}).join(', ')})`);
    exported = outputsOf(await builds[name](), pulumi);
  } else {
    pulumi.runtime.setAllConfig(config!.values, config!.secretKeys);
    // Imported here, after the mocks, as Pulumi's testing guide asks.
    const { createStack } = await import('../stack');
    // The git facts the run's key was made with, when the asker read them: three `git` processes
    // less per run. Each forks the server, ~850 MB by then: 18 ms of the server's CPU per run,
    // ~0.4 CPU-s of a cold `npm test`'s 21 runs (measured 2026-12-01).
    exported = createStack({ clock: options.clock, gitSource: git }) as Record<string, unknown>;
  }
  const outputs: Record<string, ResolvedOutput> = {};
  for (const [key, value] of Object.entries(exported)) {
    outputs[key] = await resolveOutput(value as pulumiType.Input<unknown>);
  }
  await settle();
  return { stack, recorder, outputs };
}
