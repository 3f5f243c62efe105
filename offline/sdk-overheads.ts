/**
 * Work the Pulumi SDK does for every program run that the offline engine (./mocks.ts) does
 * not use, turned off once per SDK copy by {@link trimSdkOverheads}: `installMocks` calls it,
 * so every offline run (the program-run server's, ./run-stack.ts, and every jest file that
 * runs components in its own SDK copy) has it off. What a run records is unchanged:
 * test/sdk-overheads.test.ts compares a run's result with and without it.
 *
 * Both reach into SDK internals; a change of their shape throws here, naming what changed,
 * rather than silently making runs slow again (or different).
 *
 * 1. V8's debugger, left on by closure serialization ({@link quietClosureDebugger}).
 *
 *    The SDK serializes a dynamic provider (components/private-link-approval.ts, its
 *    `__provider` input) with V8's inspector: on first use it opens an inspector session and
 *    enables the `Debugger` domain (to map script ids to files: @pulumi/pulumi
 *    runtime/closure/v8Hooks.js), and leaves it enabled for the life of the process. While a
 *    debugger is enabled, V8 reports every promise it creates and settles to it, off its fast
 *    path: a promise-heavy loop costs ~4× the CPU, and a program run makes hundreds of
 *    thousands of promises (outputs). The SDK serializes a provider once per process (it
 *    caches the text by provider object), so every later run of the process — the program-run
 *    server makes all of a jest run's — paid for a debugger nobody used: measured, the server's
 *    21 runs of a cold `npm test` took 21–24 CPU-s with it, 13–16 without (with the source
 *    positions of 2. off too; three runs each, 2026-12-01). The debugger is the process's, not
 *    the SDK copy's: in a jest worker, a test file that serialized a provider left it on for
 *    every later file of the worker, whatever they ran; the infra project's files took 89.7
 *    CPU-s with it, 78.3 without (jest --selectProjects infra, 2026-12-01).
 *
 *    The SDK's `serializeFunction` is wrapped so that the debugger is enabled only while a
 *    serialization is under way: enabled before it (when a former serialization disabled it;
 *    V8 then reports every script again, which refills the SDK's script map) and disabled when
 *    the last one under way ends.
 *
 * 2. Source positions ({@link skipSourcePositions}).
 *
 *    Every resource's constructor takes a full stack trace (`Resource.stackTrace`: the limit
 *    raised to Infinity, every frame formatted, parsed back with a regular expression and
 *    turned into a file URL) for the engine's `sourcePosition` and `stackTrace` of the
 *    registration. The mock monitor reads neither, so offline the SDK's `Resource.stackTrace`
 *    gives none: the registration carries no source position.
 *
 * 3. Promise bookkeeping ({@link skipPromiseBookkeeping}).
 *
 *    The SDK passes ~10,000 promises a prod run makes (every output property of every
 *    resource, four times; every registration and awaited input) through `debuggablePromise`
 *    (runtime/debuggable.js), which defines three properties on each (an id, a context, a
 *    stack trace, taken afresh) and keeps it in a set until it settles, for the leaked-promise
 *    report a Pulumi program prints at exit. Offline the program never exits (the program-run
 *    server, a jest worker), and nothing else reads them. Offline the promise is chained as the
 *    SDK chains it (the same two reactions, so every registration happens in the same order
 *    and tick), without the bookkeeping: the program-run server's 21 runs of a cold `npm test`
 *    record byte-identical results with and without it, and a run costs the server ~13 % less
 *    CPU (six kinds of prod, dev and two-region runs, 30 of each way alternated in one server
 *    process, 23.1 against 20.0 CPU-s; 2026-12-01).
 */
import type { Session } from 'inspector';

/** The parts of @pulumi/pulumi/runtime/closure/serializeClosure this module wraps. */
interface SerializeClosureModule {
  serializeFunction: (...args: unknown[]) => Promise<unknown>;
}

/** The parts of @pulumi/pulumi/runtime/closure/v8Hooks this module uses. */
interface V8HooksModule {
  getSessionAsync(): Promise<Session>;
}

/** Marks the wrapper, so that a second call does not wrap it again. */
const WRAPPED = Symbol.for('aks-platform.sdkOverheads');

/** Serializations under way. */
let active = 0;

function post(session: Session, method: 'Debugger.enable' | 'Debugger.disable'): Promise<void> {
  return new Promise((resolve, reject) => session.post(method, (err) => (err ? reject(err) : resolve())));
}

function sdkModule<T>(request: string, member: keyof T & string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(request) as T;
  if (typeof mod?.[member] !== 'function') {
    throw new Error(`offline/sdk-overheads.ts: ${request} has no function ${member} any more (the Pulumi SDK changed); adapt this module to it`);
  }
  return mod;
}

/** Makes the SDK's closure serialization enable V8's debugger only while it runs (1. above). Idempotent. */
export function quietClosureDebugger(): void {
  const serializeClosure = sdkModule<SerializeClosureModule>('@pulumi/pulumi/runtime/closure/serializeClosure', 'serializeFunction');
  const v8Hooks = sdkModule<V8HooksModule>('@pulumi/pulumi/runtime/closure/v8Hooks', 'getSessionAsync');
  const original = serializeClosure.serializeFunction as SerializeClosureModule['serializeFunction'] & { [WRAPPED]?: true };
  if (original[WRAPPED]) return;
  const wrapped = async (...args: unknown[]): Promise<unknown> => {
    active++;
    let session: Session | undefined;
    try {
      // The SDK's one session: made (with the debugger enabled) on first use.
      session = await v8Hooks.getSessionAsync();
      await post(session, 'Debugger.enable');
      return await original(...args);
    } finally {
      if (--active === 0 && session) await post(session, 'Debugger.disable');
    }
  };
  serializeClosure.serializeFunction = Object.assign(wrapped, { [WRAPPED]: true as const });
}

/** The part of @pulumi/pulumi's Resource class {@link skipSourcePositions} replaces. */
interface ResourceClass {
  stackTrace: ((skip: number) => unknown[]) & { [WRAPPED]?: true };
}

/** Registrations carry no source position and no stack trace (2. above). Idempotent. */
export function skipSourcePositions(): void {
  const { Resource } = sdkModule<{ Resource: ResourceClass }>('@pulumi/pulumi/resource', 'Resource');
  if (typeof Resource.stackTrace !== 'function') {
    throw new Error("offline/sdk-overheads.ts: @pulumi/pulumi/resource's Resource has no static stackTrace any more (the Pulumi SDK changed); adapt skipSourcePositions");
  }
  if (Resource.stackTrace[WRAPPED]) return;
  Resource.stackTrace = Object.assign(() => [], { [WRAPPED]: true as const });
}

/** The part of @pulumi/pulumi/runtime/debuggable {@link skipPromiseBookkeeping} replaces. */
interface DebuggableModule {
  debuggablePromise: (<T>(p: Promise<T>, ctx: unknown) => Promise<T>) & { [WRAPPED]?: true };
}

/** `debuggablePromise` chains a promise as the SDK does, without its bookkeeping (3. above). Idempotent. */
export function skipPromiseBookkeeping(): void {
  const debuggable = sdkModule<DebuggableModule>('@pulumi/pulumi/runtime/debuggable', 'debuggablePromise');
  if (debuggable.debuggablePromise[WRAPPED]) return;
  const chained = <T>(p: Promise<T>): Promise<T> =>
    p
      .then((value) => value)
      .catch((err: unknown) => {
        // As the SDK does: the rejection names its promise.
        (err as { promise?: unknown }).promise = p;
        throw err;
      });
  debuggable.debuggablePromise = Object.assign(chained, { [WRAPPED]: true as const });
}

/** Turns off, in the SDK this process loaded, the work an offline run does not use (see the module's comment). Idempotent. */
export function trimSdkOverheads(): void {
  quietClosureDebugger();
  skipSourcePositions();
  skipPromiseBookkeeping();
}
