/**
 * The schema Pulumi infers for the source-based package (PulumiPlugin.yaml,
 * provider/), as `pulumi package add` gets it from provider/index.ts: the SDK's
 * `ComponentProvider.getSchema()`, whose analyzer builds its own TypeScript
 * program over provider/tsconfig.json (the facade, the program and everything
 * they import, with the SDKs' typings: ~4,000 files) and reads the components'
 * types with its checker. test/provider-schema.test.ts asserts on the result.
 *
 * In `npm test` the type-check lane infers it (scripts/typecheck-root.ts, right
 * after it has created the root program, which holds the same typings): the
 * analyzer's program gets its compiler host wrapped by `cachingHost`
 * (scripts/tsc-api.ts), so every file the root program has parsed is reused, not
 * parsed again, and bound once for both checkers: the declaration and JSON files,
 * and the sources too, since the two tsconfigs differ only in `types`, `include`
 * and output settings, none of which changes how a file is parsed and bound.
 * The outcome goes to the JSON file named by PROVIDER_SCHEMA_STATUS
 * (scripts/test.sh sets it; the test waits for it). Run alone (`npx jest
 * test/provider-schema.test.ts`), the test infers the schema itself with
 * {@link inferSchema}, the SDK's inference as it is.
 *
 * Both cache the schema by its inputs (offline/input-cache.ts), so an unchanged
 * provider costs neither its inference; the lane then reports before it even
 * creates the root program.
 */
import { writeLaneReport } from './lane-report';
import Module from 'module';
import * as ts from 'typescript';
import type * as Experimental from '@pulumi/pulumi/provider/experimental';
import { componentNames, packageOptions } from '../provider/package-options';
import { cached, hashInputs, storedEntry } from '../offline/input-cache';
import { cachingHost, SourceFileCache, TSC_JSDOC } from './tsc-api';

/** What test/provider-schema.test.ts reads: the schema (JSON text) or why there is none. */
export type ProviderSchemaStatus = { ok: true; schema: string } | { ok: false; error: string };

/** The options `getSchema` reads: the host's (provider/host-options.ts) or their light copy (package-options.ts). */
export type SchemaOptions = Experimental.ComponentProviderOptions & { version?: string };

/**
 * What the inferred schema depends on: the sources the analyzer reads from provider/index.ts
 * on (the facade, the program and everything they import, with their typings), the package
 * name, version and description, and the installed SDK and compiler.
 */
const SCHEMA_INPUTS = ['provider', 'stack.ts', 'components', 'lib', 'config', 'tsconfig.json', 'package.json', 'package-lock.json'];
const CACHE_KIND = 'aks-platform-provider-schema';

/** The input cache's key of the current inputs. */
function cacheKey(): string {
  return `${hashInputs(SCHEMA_INPUTS).slice(0, 32)}.json`;
}

/**
 * The schema, from the input cache or inferred by the SDK's `ComponentProvider` with `options`.
 * With `typings`, the analyzer's program takes its declaration and JSON files from that cache
 * (see {@link sharingTypings}); without, it is the SDK's inference untouched.
 */
export async function inferSchema(options: SchemaOptions, typings?: SourceFileCache, log: (line: string) => void = () => {}): Promise<string> {
  const schema = await cached(CACHE_KIND, cacheKey(), async () => {
    if (!typings) {
      const { ComponentProvider } = await import('@pulumi/pulumi/provider/experimental');
      return Buffer.from(await new ComponentProvider(options).getSchema());
    }
    return Buffer.from(await sharingTypings(typings, options, log));
  });
  return schema.toString('utf8');
}

/**
 * The lane's options: the host's identity and its components' names (getSchema reads only
 * their names), without loading the components and, with them, the whole program.
 */
function laneOptions(): SchemaOptions {
  const byName = (name: string) => ({ [name]: class {} })[name] as unknown as Experimental.ComponentResourceConstructor;
  return { ...packageOptions, components: componentNames.map(byName) };
}

/** Writes `status` to PROVIDER_SCHEMA_STATUS (whole, by a rename: the test polls for it). */
function report(status: ProviderSchemaStatus): void {
  writeLaneReport(process.env.PROVIDER_SCHEMA_STATUS as string, status);
}

/**
 * The lane's first step, before the root program exists: reports the stored schema when its
 * inputs are unchanged. True when reported, or when nobody asked (no PROVIDER_SCHEMA_STATUS).
 */
export function reportStoredSchema(): boolean {
  if (!process.env.PROVIDER_SCHEMA_STATUS) return true;
  const stored = storedEntry(CACHE_KIND, cacheKey());
  if (stored) report({ ok: true, schema: stored.toString('utf8') });
  return stored !== undefined;
}

/**
 * The lane's inference, with the root program's parsed typings; reports the schema or the
 * error to PROVIDER_SCHEMA_STATUS and returns a line for the lane's log. Never throws.
 */
export async function reportSchema(typings: SourceFileCache): Promise<string> {
  let status: ProviderSchemaStatus;
  let line = 'provider schema: from the input cache';
  try {
    status = { ok: true, schema: await inferSchema(laneOptions(), typings, (l) => (line = l)) };
  } catch (err) {
    status = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  report(status);
  return status.ok ? line : `provider schema: failed: ${status.error.split('\n')[0]}`;
}

/** The typings cache the analyzer's program uses while {@link sharingTypings} runs. */
let sharing: { typings: SourceFileCache; programs: ts.Program[] } | undefined;

function isRootNames(arg: ts.CreateProgramOptions | readonly string[]): arg is readonly string[] {
  return Array.isArray(arg);
}

/**
 * `ts.createProgram` for the SDK's analyzer: its `{ rootNames, options }` call gets the host
 * tsc would create (`ts.createCompilerHost(options)`), wrapped to share `sharing.typings`.
 */
function createProgram(...args: unknown[]): ts.Program {
  const options = args[0] as ts.CreateProgramOptions | readonly string[];
  if (!sharing || isRootNames(options) || options.host) return (ts.createProgram as (...a: unknown[]) => ts.Program)(...args);
  // The analyzer reads the documentation of our sources (JSDoc: the schema's descriptions), so it
  // parses them in full (its host's mode, not the root program's, which is tsc's); the packages'
  // typings it takes as the root program parsed them: it reads no documentation there (other
  // packages' types are references in the schema; the same schema, byte for byte, either way).
  const host = cachingHost(ts.createCompilerHost(options.options), sharing.typings, options.options, false, TSC_JSDOC);
  const program = ts.createProgram({ ...options, host });
  sharing.programs.push(program);
  return program;
}

/**
 * The SDK's analyzer takes TypeScript from @pulumi/pulumi/typescript-shim (`require('typescript')`),
 * whose exports cannot be patched (getters): this process's copy of the shim module becomes
 * TypeScript with {@link createProgram} in place of its own, before the analyzer is loaded.
 */
function installShim(): void {
  const shimFile = require.resolve('@pulumi/pulumi/typescript-shim');
  if ((require.cache[shimFile]?.exports as { createProgram?: unknown } | undefined)?.createProgram === createProgram) return;
  if (require.cache[require.resolve('@pulumi/pulumi/provider/experimental/analyzer')]) {
    throw new Error('the SDK\'s analyzer was loaded before scripts/provider-schema.ts could share the typings with it');
  }
  const shim = new Module(shimFile);
  shim.filename = shimFile;
  shim.loaded = true;
  shim.exports = Object.create(ts, { createProgram: { value: createProgram, enumerable: true } });
  require.cache[shimFile] = shim;
}

/** `getSchema` with the analyzer's program sharing `typings`; fails when the analyzer did not use it. */
async function sharingTypings(typings: SourceFileCache, options: SchemaOptions, log: (line: string) => void): Promise<string> {
  installShim();
  // Loaded with require (not import()) so that it is this process's module cache, with the shim, that it comes from.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ComponentProvider } = require('@pulumi/pulumi/provider/experimental') as typeof Experimental;
  const parsedBefore = new Set(typings.values());
  sharing = { typings, programs: [] };
  try {
    const schema = await new ComponentProvider(options).getSchema();
    const [program, ...more] = sharing.programs;
    if (!program || more.length > 0) {
      throw new Error(`the SDK's analyzer created ${sharing.programs.length} programs through ts.createProgram({ rootNames, options }), not one: scripts/provider-schema.ts needs an update for this @pulumi/pulumi`);
    }
    const files = program.getSourceFiles();
    log(`provider schema: ${files.length} files in the analyzer's program, ${files.filter((f) => parsedBefore.has(f)).length} of them parsed by the root program`);
    return schema;
  } finally {
    sharing = undefined;
  }
}
