/**
 * Cheap stack traces for the Pulumi SDK's own bookkeeping under jest.
 *
 * The SDK reads `new Error().stack` for every promise it makes
 * (runtime/debuggable.js: kept for the leaked-promise report a Pulumi program
 * prints when it exits) and for every resource it constructs
 * (Resource.callsites in resource.js, with no frame limit: the source position
 * sent to the engine, which the mocks ignore). Under jest each of those stacks
 * goes through jest's source-mapping formatter, frame by frame: measured, a
 * quarter to a third of a component test's CPU. These two stacks get V8's
 * own, unmapped format instead (the SDK only parses file:line:column out of
 * them), cut short; every other error — a test's assertion, an error a
 * component throws — keeps jest's source-mapped stack, and every message stays
 * as it is.
 *
 * Node formats an error's stack with `Error.prepareStackTrace` of the realm
 * the error was made in, falling back to the main realm's (jest's); the test
 * file's realm gets this one (test/support/environment.ts).
 */

/** A bookkeeping stack read: the SDK file and function that reads it, and how many frames it keeps. */
interface Bookkeeping {
  file: RegExp;
  fn: string;
  frames: number;
}

/**
 * The SDK's stack reads for its own bookkeeping. A promise's stack is printed
 * only in a program's leak report at exit, which a test file never reaches (a
 * jest realm's `process` is a copy that never exits): none of its frames is
 * kept. A resource's stack keeps V8's default 10 frames: the SDK takes the
 * constructor's caller, a few frames down, as the source position.
 */
const BOOKKEEPING: readonly Bookkeeping[] = [
  { file: /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/, fn: 'debuggablePromise', frames: 0 },
  { file: /[\\/]@pulumi[\\/]pulumi[\\/]resource\.js$/, fn: 'callsites', frames: 10 },
];

/** The bookkeeping read that made an error, by its top frame; undefined for any other error. */
export function sdkBookkeeping(frames: readonly NodeJS.CallSite[]): Bookkeeping | undefined {
  const top = frames[0];
  if (!top) return undefined;
  const fn = top.getFunctionName();
  if (fn === null) return undefined;
  const file = top.getFileName() ?? '';
  return BOOKKEEPING.find((b) => b.fn === fn && b.file.test(file));
}

/** V8's own format: the error's first line, then one `at` line per frame (at most `limit`), positions as run (not source-mapped). */
export function unmappedStack(error: Error, frames: readonly NodeJS.CallSite[], limit = frames.length): string {
  const name = error.name || 'Error';
  let stack = error.message ? `${name}: ${error.message}` : name;
  const n = Math.min(limit, frames.length);
  for (let i = 0; i < n; i++) stack += `\n    at ${String(frames[i])}`;
  return stack;
}

/**
 * Installs, on the Error of a test file's realm, a `prepareStackTrace` that
 * formats the SDK's bookkeeping stacks unmapped and short, and hands every
 * other stack to the main realm's formatter (jest's, source-mapped), as Node
 * would.
 */
export function installCheapSdkStacks(realmGlobal: object): void {
  const RealmError = (realmGlobal as { Error: ErrorConstructor }).Error;
  RealmError.prepareStackTrace = function prepareStackTrace(error: Error, frames: NodeJS.CallSite[]): unknown {
    const bookkeeping = sdkBookkeeping(frames);
    if (bookkeeping) return unmappedStack(error, frames, bookkeeping.frames);
    // Read at each call: jest installs its formatter on the main realm's Error for every test file.
    const main = Error.prepareStackTrace;
    return main ? main(error, frames) : unmappedStack(error, frames);
  };
}
