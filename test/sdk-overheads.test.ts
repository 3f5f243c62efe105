/**
 * offline/sdk-overheads.ts: with the SDK's unused work turned off, a program
 * records the same resources (inputs, the serialized dynamic provider,
 * options, dependencies) as without; V8's debugger, which the closure
 * serialization turns on, is off again once it is done; registrations carry no
 * source position; promises are chained without the SDK's bookkeeping; and a
 * change of the SDK internals it relies on fails loudly.
 *
 * One small program, run in this file's SDK first as the SDK runs it
 * (`installMocks({ keepSdkOverheads: true })`), then as `installMocks` runs it by
 * default, with `trimSdkOverheads` (which is for good, per SDK copy).
 */
import type { Session } from 'inspector';
import { runInThisContext } from 'vm';
import * as pulumi from '@pulumi/pulumi';
import { installMocks, resolveOutput, settle, type OfflineRecorder, type RecordedResource } from '../offline/mocks';
import { trimSdkOverheads } from '../offline/sdk-overheads';

interface RegisterRequest {
  getSourceposition(): unknown;
}
interface Monitor {
  registerResource(req: RegisterRequest, callback: unknown): unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require('@pulumi/pulumi/runtime/settings') as { getMonitor(): Monitor };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const v8Hooks = require('@pulumi/pulumi/runtime/closure/v8Hooks') as { getSessionAsync(): Promise<Session> };
/** The SDK's promise wrapper (offline/sdk-overheads.ts, 3.). */
type DebuggablePromise = <T>(p: Promise<T>, ctx: string) => Promise<T>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require('@pulumi/pulumi/runtime/debuggable') as { debuggablePromise: DebuggablePromise };

/** A new provider object each time (the SDK serializes a provider object once), the same code. */
function provider(label: string): pulumi.dynamic.ResourceProvider {
  return {
    async create(inputs: Record<string, unknown>) {
      return { id: `${label}-${String(inputs.size)}`, outs: { ...inputs, label } };
    },
  };
}

class Sized extends pulumi.dynamic.Resource {
  declare readonly label: pulumi.Output<string>;
  constructor(name: string, size: pulumi.Input<number>, opts: pulumi.CustomResourceOptions) {
    super(provider('sized'), name, { size, label: undefined }, opts, 'aks-platform', 'Sized');
  }
}

/** A custom resource of a type only the mocks know. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super('test:index:Thing', name, props, opts);
  }
}

class Holder extends pulumi.ComponentResource {
  readonly label: pulumi.Output<string>;
  constructor(name: string) {
    super('aks-platform:index:Holder', name, {}, {});
    const thing = new Thing(`${name}-thing`, { size: 3, tags: { team: 'platform' } }, { parent: this, protect: true });
    const sized = new Sized(`${name}-sized`, thing.id.apply((id: string) => id.length), { parent: this, dependsOn: [thing] });
    this.label = sized.label;
    this.registerOutputs({ label: this.label });
  }
}

/** Runs the program under the offline mocks; what it recorded, and the source position of every registration the monitor got. */
async function runProgram(keepSdkOverheads?: boolean): Promise<{ recorder: OfflineRecorder; label: unknown; sourcePositions: unknown[] }> {
  const recorder = installMocks({ stack: 'dev', keepSdkOverheads });
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  const sourcePositions: unknown[] = [];
  monitor.registerResource = (req, callback) => {
    sourcePositions.push(req.getSourceposition());
    return register(req, callback);
  };
  const holder = new Holder('h');
  const label = await resolveOutput(holder.label);
  await settle();
  return { recorder, label, sourcePositions };
}

/** How many scripts V8 reports to the SDK's inspector session while one is compiled: none unless its debugger is on. */
async function scriptsReported(): Promise<number> {
  const session = await v8Hooks.getSessionAsync();
  let reported = 0;
  const count = () => reported++;
  session.on('Debugger.scriptParsed', count);
  runInThisContext('"a script"');
  await new Promise((resolve) => setImmediate(resolve));
  session.off('Debugger.scriptParsed', count);
  return reported;
}

describe('an offline run, which installMocks runs with the SDK work it does not use turned off (offline/sdk-overheads.ts)', () => {
  let untrimmed: Awaited<ReturnType<typeof runProgram>>;
  let trimmed: Awaited<ReturnType<typeof runProgram>>;
  /** A run whose serialization enables the debugger again (the SDK's session has it off by then). */
  let trimmedAgain: Awaited<ReturnType<typeof runProgram>>;
  let debuggerReportsBefore: number;
  /** The SDK's own `debuggablePromise`, before installMocks replaced it. */
  let sdkDebuggablePromise: DebuggablePromise;

  beforeAll(async () => {
    untrimmed = await runProgram(true);
    debuggerReportsBefore = await scriptsReported();
    sdkDebuggablePromise = debuggable.debuggablePromise;
    trimmed = await runProgram();
    trimmedAgain = await runProgram();
  }, 60_000);

  it('records the same resources, serialized provider included, and the same outputs', () => {
    const dynamic = (run: typeof trimmed): RecordedResource => run.recorder.one('pulumi-nodejs:dynamic/aks-platform:Sized');
    expect(String(dynamic(trimmed).inputs.__provider)).toContain('sized');
    expect(trimmed.recorder.resources.map((r) => r.type)).toEqual(['aks-platform:index:Holder', 'test:index:Thing', 'pulumi-nodejs:dynamic/aks-platform:Sized']);
    expect(trimmed.recorder.resources).toStrictEqual(untrimmed.recorder.resources);
    expect(trimmed.recorder.calls).toStrictEqual(untrimmed.recorder.calls);
    expect(trimmed.label).toStrictEqual(untrimmed.label);
    expect(trimmedAgain.recorder.resources).toStrictEqual(untrimmed.recorder.resources);
  });

  it('leaves V8’s debugger off once the provider is serialized (the SDK left it on)', async () => {
    expect(debuggerReportsBefore).toBeGreaterThan(0);
    expect(await scriptsReported()).toBe(0);
  });

  it('registers resources without a source position (the SDK took a stack trace for each)', () => {
    expect(untrimmed.sourcePositions).toHaveLength(3);
    expect(untrimmed.sourcePositions.every((position) => position !== undefined)).toBe(true);
    expect(trimmed.sourcePositions).toEqual([undefined, undefined, undefined]);
    expect(trimmedAgain.sourcePositions).toEqual([undefined, undefined, undefined]);
  });

  it('chains the SDK’s promises as the SDK does, without its bookkeeping (an id, a context and a stack trace on each)', async () => {
    const kept = Promise.resolve('kept');
    await expect(sdkDebuggablePromise(kept, 'ctx')).resolves.toBe('kept');
    expect(Object.getOwnPropertyNames(kept)).toEqual(['_debugId', '_debugCtx', '_debugStackTrace']);

    expect(debuggable.debuggablePromise).not.toBe(sdkDebuggablePromise);
    const plain = Promise.resolve('plain');
    await expect(debuggable.debuggablePromise(plain, 'ctx')).resolves.toBe('plain');
    expect(Object.getOwnPropertyNames(plain)).toEqual([]);
    // A rejection names its promise, as the SDK's does.
    const rejected = Promise.reject(new Error('boom'));
    const error = (await debuggable.debuggablePromise(rejected, 'ctx').catch((err: unknown) => err)) as Error & { promise: unknown };
    expect(error.message).toBe('boom');
    expect(error.promise).toBe(rejected);
  });

  it('wraps once, however often it is called', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const serializeClosure = require('@pulumi/pulumi/runtime/closure/serializeClosure') as { serializeFunction: unknown };
    const wrapped = serializeClosure.serializeFunction;
    const chained = debuggable.debuggablePromise;
    trimSdkOverheads();
    expect(serializeClosure.serializeFunction).toBe(wrapped);
    expect(debuggable.debuggablePromise).toBe(chained);
  });
});

describe('an SDK whose internals changed', () => {
  function trimWith(mocks: Record<string, () => unknown>): () => void {
    return () =>
      jest.isolateModules(() => {
        for (const [name, factory] of Object.entries(mocks)) jest.doMock(name, factory);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('../offline/sdk-overheads') as typeof import('../offline/sdk-overheads')).trimSdkOverheads();
      });
  }
  const serializeClosure = () => ({ serializeFunction: async () => ({ text: '' }) });
  const v8Hooks = () => ({ getSessionAsync: async () => ({}) });

  it('fails naming the module and the function that is gone', () => {
    expect(trimWith({ '@pulumi/pulumi/runtime/closure/serializeClosure': serializeClosure, '@pulumi/pulumi/runtime/closure/v8Hooks': () => ({}) })).toThrow(
      'offline/sdk-overheads.ts: @pulumi/pulumi/runtime/closure/v8Hooks has no function getSessionAsync any more (the Pulumi SDK changed); adapt this module to it',
    );
    expect(trimWith({ '@pulumi/pulumi/runtime/closure/serializeClosure': () => ({}), '@pulumi/pulumi/runtime/closure/v8Hooks': v8Hooks })).toThrow(
      '@pulumi/pulumi/runtime/closure/serializeClosure has no function serializeFunction any more',
    );
    expect(
      trimWith({
        '@pulumi/pulumi/runtime/closure/serializeClosure': serializeClosure,
        '@pulumi/pulumi/runtime/closure/v8Hooks': v8Hooks,
        '@pulumi/pulumi/resource': () => ({ Resource: class {} }),
      }),
    ).toThrow("@pulumi/pulumi/resource's Resource has no static stackTrace any more");
    expect(
      trimWith({
        '@pulumi/pulumi/runtime/closure/serializeClosure': serializeClosure,
        '@pulumi/pulumi/runtime/closure/v8Hooks': v8Hooks,
        '@pulumi/pulumi/resource': () => ({ Resource: class { static stackTrace = () => []; } }),
        '@pulumi/pulumi/runtime/debuggable': () => ({}),
      }),
    ).toThrow('@pulumi/pulumi/runtime/debuggable has no function debuggablePromise any more');
  });
});
