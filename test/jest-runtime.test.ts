/**
 * The jest machinery that keeps the suite inside its budget does what it says,
 * and still fits the jest and Pulumi SDK versions installed: an upgrade that
 * silently turned it off would only show as a slower suite.
 *  - test/support/code-cache-runtime.cjs: V8's code cache across the test files of a worker, and on disk.
 *  - test/support/shared-internals.cjs: the worker's one copy of a few pure packages for jest's framework modules.
 *  - test/support/sdk-stacks.ts: the SDK's bookkeeping stacks unmapped, every other stack source-mapped.
 *  - test/support/lazy/: the SDK's modules an offline run does not use (closure serialization's,
 *    the Automation API, gRPC, ...) load when first used (in jest, the program-run server and the
 *    policy pack's runner).
 *  - apps/common/test-support/async-storages.ts: the AsyncLocalStorage instances a test file
 *    turned on are off once it ends (both projects' environments).
 *  - apps/common/test-support/worker-store.ts workerMemo: pure work on the same text done once per
 *    worker (parsed YAML of stack configs, helm output and workflows), keyed by content
 *    (test/chart.test.ts checks parseManifests with it).
 */
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { AsyncLocalStorage } from 'async_hooks';
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { storagesAreListed } from '../apps/common/test-support/async-storages';
import { isJsonData, WORKER_STORE_GLOBAL, workerMemo } from '../apps/common/test-support/worker-store';
import { readStackConfig } from '../offline/stack-config';
import InfraEnvironment from './support/environment';
import { sdkBookkeeping, unmappedStack } from './support/sdk-stacks';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { standIn, STAND_INS } = require('./support/lazy/resolver.cjs') as {
  standIn(request: string, basedir: string): string | undefined;
  STAND_INS: Array<{ from?: string; request: string | RegExp; file: string }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lazyModule } = require('./support/lazy/lazy.cjs') as { lazyModule<T extends object>(load: () => T): T };

const SDK = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const LAZY = path.join(__dirname, 'support', 'lazy');

describe('code cache runtime', () => {
  type Stats = {
    installed: boolean;
    compiled: number;
    fromCache: number;
    rejected: number;
    fromDisk: number;
    written: number;
    sharedInternals: Record<string, number>;
    requireShared(from: string, request: unknown): { exports: unknown } | undefined;
    forgetInMemory(): void;
  };
  const stats = () => ({ ...((globalThis as Record<string, unknown>).__aksPlatformCodeCache as Stats) });

  it('is jest-runtime of this worker, with the code cache installed', () => {
    expect(stats().installed).toBe(true);
  });

  it("gives jest's framework modules the worker's copy of each shared package, by the name they ask for (a jest upgrade that renamed one fails here)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SHARED_INTERNAL_PACKAGES } = require('./support/shared-internals.cjs') as { SHARED_INTERNAL_PACKAGES: Set<string> };
    // This file's framework (jest-circus, expect, jest-snapshot) asked for every one of them as it loaded.
    const shared = stats().sharedInternals;
    expect([...SHARED_INTERNAL_PACKAGES].filter((name) => !(shared[name] > 0))).toEqual([]);
    // And for nothing else: what keeps a file's state or compares its values loads in its realm.
    expect(Object.keys(shared).sort()).toEqual([...SHARED_INTERNAL_PACKAGES].sort());
  });

  it("answers a shared package with the worker's copy, made in Node's realm, and leaves every other request to jest", () => {
    const { requireShared } = stats();
    const from = require.resolve('jest-message-util');
    const picomatch = requireShared(from, 'picomatch')?.exports as (glob: string) => (path: string) => boolean;
    expect(requireShared(from, 'picomatch')?.exports).toBe(picomatch);
    expect(picomatch('*.ts')('a.ts')).toBe(true);
    // Made in Node's realm, not this file's.
    expect(picomatch).not.toBeInstanceOf(Function);
    // A test's own require still gets a copy of its own.
    expect(require('picomatch')).not.toBe(picomatch);
    expect([requireShared(from, 'pretty-format'), requireShared(from, '@jest/expect-utils'), requireShared(from, undefined)]).toEqual([undefined, undefined, undefined]);
  });

  it('compiles a module that a registry loads again from the code cache, and V8 takes it', () => {
    jest.isolateModules(() => require('./support/clock'));
    const before = stats();
    jest.isolateModules(() => require('./support/clock'));
    const after = stats();
    expect({ fromCache: after.fromCache - before.fromCache, compiled: after.compiled - before.compiled }).toEqual({ fromCache: 1, compiled: 0 });
    // None rejected in this worker so far: same flags, same source.
    expect(after.rejected).toBe(0);
  });

  it('keeps the code cache on disk: a new worker, or the next run, reads a module V8 has compiled before', () => {
    // Compiled now (and written), or by an earlier file or run (and on disk since).
    jest.isolateModules(() => require('./support/clock'));
    const before = stats();
    // As a worker starts: nothing in memory.
    before.forgetInMemory();
    jest.isolateModules(() => require('./support/clock'));
    const after = stats();
    expect({ fromDisk: after.fromDisk - before.fromDisk, compiled: after.compiled - before.compiled }).toEqual({ fromDisk: 1, compiled: 0 });
    expect(after.rejected).toBe(0);
  });

  it('prunes the disk entries no run has used for a week, and keeps the others', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { pruneDiskCache } = require('./support/code-cache-runtime.cjs') as { pruneDiskCache(dir: string, unusedDays?: number, now?: number): number };
    const dir = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
    try {
      const now = Date.UTC(2026, 11, 1);
      const day = 24 * 3600 * 1000;
      const entry = (name: string, ageDays: number) => {
        const file = path.join(dir, name.slice(0, 2), name.slice(2));
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, 'v8');
        utimesSync(file, new Date(now - ageDays * day), new Date(now - ageDays * day));
        return file;
      };
      const unused = entry('aa0001', 8);
      const leftover = entry('ab0002.123.tmp', 30);
      const used = entry('aa0003', 6);
      expect(pruneDiskCache(dir, 7, now)).toBe(2);
      expect([unused, leftover, used].map((f) => existsSync(f))).toEqual([false, false, true]);
      expect(pruneDiskCache(path.join(dir, 'none'), 7, now)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stamps a disk entry it reads as used, so a module that is still loaded is not pruned', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { readDisk } = require('./support/code-cache-runtime.cjs') as { readDisk(file: string): Buffer | undefined };
    const dir = mkdtempSync(path.join(tmpdir(), 'code-cache-'));
    try {
      const file = path.join(dir, 'entry');
      writeFileSync(file, 'v8');
      const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
      utimesSync(file, weekAgo, weekAgo);
      expect(readDisk(file)?.toString()).toBe('v8');
      expect(statSync(file).mtimeMs).toBeGreaterThan(weekAgo.getTime() + 24 * 3600 * 1000);
      expect(readDisk(path.join(dir, 'none'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SDK bookkeeping stacks', () => {
  /** A stack made from a file and function named as given: V8's call sites are read-only, so a stand-in. */
  function frame(file: string, fn: string | null, text = `${fn ?? '<anonymous>'} (${file}:1:1)`): NodeJS.CallSite {
    return { getFileName: () => file, getFunctionName: () => fn, toString: () => text } as unknown as NodeJS.CallSite;
  }

  it("are formatted by this file's realm's own prepareStackTrace", () => {
    expect(Error.prepareStackTrace?.name).toBe('prepareStackTrace');
  });

  it("recognises the SDK's promise and resource stack reads by their top frame, and nothing else", () => {
    const debuggable = path.join(SDK, 'runtime', 'debuggable.js');
    const resource = path.join(SDK, 'resource.js');
    expect(sdkBookkeeping([frame(debuggable, 'debuggablePromise')])?.frames).toBe(0);
    expect(sdkBookkeeping([frame(resource, 'callsites')])?.frames).toBe(10);
    // The same function names elsewhere, another function of those files, an empty stack: not bookkeeping.
    expect(sdkBookkeeping([frame('/src/debuggable.js', 'debuggablePromise')])).toBeUndefined();
    expect(sdkBookkeeping([frame(resource, 'constructor')])).toBeUndefined();
    expect(sdkBookkeeping([frame(resource, null)])).toBeUndefined();
    expect(sdkBookkeeping([])).toBeUndefined();
  });

  it("still reads those stacks where the installed SDK does (an SDK upgrade that moved them fails here)", () => {
    expect(readFileSync(path.join(SDK, 'runtime', 'debuggable.js'), 'utf8')).toMatch(/function debuggablePromise\([^)]*\) \{[\s\S]*?new Error\(\)\.stack/);
    expect(readFileSync(path.join(SDK, 'resource.js'), 'utf8')).toMatch(/static callsites\(\) \{[\s\S]*?new Error\(\)\.stack/);
  });

  it("formats them as V8 does, cut to the frames kept", () => {
    const frames = [frame('/a.js', 'f', 'f (/a.js:1:2)'), frame('/b.js', 'g', 'g (/b.js:3:4)')];
    expect(unmappedStack(new Error(), frames, 1)).toBe('Error\n    at f (/a.js:1:2)');
    expect(unmappedStack(Object.assign(new Error('bad'), { name: 'RunError' }), frames)).toBe('RunError: bad\n    at f (/a.js:1:2)\n    at g (/b.js:3:4)');
    expect(unmappedStack(new Error('x'), frames, 0)).toBe('Error: x');
  });

  it("leaves every other stack source-mapped by jest: this file's line, not the transpiled one", () => {
    const line = Number(/* mapped line */ new Error().stack!.match(/jest-runtime\.test\.ts:(\d+):\d+/)?.[1]);
    const source = readFileSync(__filename, 'utf8').split('\n');
    expect(source[line - 1]).toContain('/* mapped line */ new Error()');
  });
});

describe('lazy SDK dependencies', () => {
  /** Where the installed SDK asks for each module that has a stand-in: [SDK file, request, stand-in]. */
  const SDK_REQUESTS: Array<[file: string, request: string, standIn: string]> = [
    ['runtime/closure/codePaths.js', '@npmcli/arborist', 'npmcli-arborist.cjs'],
    ['runtime/closure/parseFunction.js', '../../typescript-shim', 'pulumi-typescript-shim.cjs'],
    ['runtime/closure/codePaths.js', 'normalize-package-data', 'normalize-package-data.cjs'],
    ['index.js', './automation', 'pulumi-automation.cjs'],
    ['errors.js', '@grpc/grpc-js', 'grpc-js.cjs'],
    ['runtime/settings.js', '@grpc/grpc-js', 'grpc-js.cjs'],
    ['runtime/settings.js', './callbacks', 'pulumi-callbacks.cjs'],
    ['runtime/settings.js', '../proto/engine_grpc_pb', 'pulumi-engine-grpc.cjs'],
    ['runtime/settings.js', '../proto/resource_grpc_pb', 'pulumi-resource-grpc.cjs'],
    ['provider/server.js', '../proto/provider_grpc_pb', 'pulumi-provider-grpc.cjs'],
    ['runtime/settings.js', '@opentelemetry/api', 'opentelemetry-api.cjs'],
    ['runtime/rpc.js', 'semver', 'semver.cjs'],
  ];

  it("resolve to the stand-ins for the SDK's own requests only", () => {
    for (const [file, request, lazy] of SDK_REQUESTS) expect([file, standIn(request, path.dirname(path.join(SDK, file)))]).toEqual([file, path.join(LAZY, lazy)]);
    expect(standIn('./typescript-shim', SDK)).toBe(path.join(LAZY, 'pulumi-typescript-shim.cjs'));
    // A test's or a script's own import, or the stand-ins' own, resolve as usual.
    expect(standIn('@npmcli/arborist', LAZY)).toBeUndefined();
    expect(standIn('@pulumi/pulumi/typescript-shim', LAZY)).toBeUndefined();
    expect(standIn('@grpc/grpc-js', LAZY)).toBeUndefined();
    expect(standIn('typescript', path.join(__dirname, '..', 'scripts'))).toBeUndefined();
    expect(standIn('semver', path.join(__dirname, '..', 'scripts'))).toBeUndefined();
    expect(standIn('./resource', SDK)).toBeUndefined();
    // A relative request only from the folder it means: ./automation of the SDK's root, ./callbacks of runtime/.
    expect(standIn('./automation', path.join(SDK, 'runtime'))).toBeUndefined();
    expect(standIn('./callbacks', SDK)).toBeUndefined();
    expect(standIn('../proto/engine_grpc_pb', path.join(SDK, 'automation'))).toBeUndefined();
  });

  it('are what the installed SDK asks for (an SDK upgrade that renamed them fails here), and each is asked for', () => {
    for (const [file, request] of SDK_REQUESTS) expect([file, readFileSync(path.join(SDK, file), 'utf8').includes(`require("${request}")`)]).toEqual([file, true]);
    expect(new Set(SDK_REQUESTS.map(([, , lazy]) => lazy))).toEqual(new Set(STAND_INS.map((s) => s.file)));
  });

  it('load the packages the SDK would: the hoisted copy, the SDK has none of its own', () => {
    // Node looks in the SDK's node_modules, then @pulumi's, then the repository's, where the stand-ins' `require` finds them.
    for (const pkg of ['@npmcli/arborist', 'normalize-package-data', '@grpc/grpc-js', '@opentelemetry/api', 'semver']) {
      const nested = [path.join(SDK, 'node_modules', pkg), path.join(SDK, '..', 'node_modules', pkg)].filter((dir) => existsSync(dir));
      expect([pkg, nested, require.resolve(pkg).startsWith(path.join(__dirname, '..', 'node_modules', pkg) + path.sep)]).toEqual([pkg, [], true]);
    }
  });

  it('leave every module they stand for unloaded in a program run under the offline mocks', async () => {
    const pulumi = await import('@pulumi/pulumi');
    const { installMocks, settle } = await import('../offline/mocks');
    const recorder = installMocks({ project: 'p', stack: 'dev' });
    class Thing extends pulumi.CustomResource {
      constructor() {
        super('test:index:Thing', 'thing', { size: 3 });
      }
    }
    const thing = new Thing();
    expect(await new Promise((resolve) => thing.urn.apply(resolve))).toBe('urn:pulumi:dev::p::test:index:Thing::thing');
    await settle();
    expect(recorder.resources.map((r) => r.type)).toEqual(['test:index:Thing']);
    const loaded = new Set(Object.keys(require.cache));
    const real = [
      '@npmcli/arborist',
      'typescript',
      'normalize-package-data',
      '@grpc/grpc-js',
      '@opentelemetry/api',
      'semver',
      '@pulumi/pulumi/automation',
      '@pulumi/pulumi/runtime/callbacks',
      '@pulumi/pulumi/proto/engine_grpc_pb',
      '@pulumi/pulumi/proto/resource_grpc_pb',
      '@pulumi/pulumi/proto/provider_grpc_pb',
    ].map((m) => require.resolve(m));
    expect(real.filter((file) => loaded.has(file))).toEqual([]);
    // The SDK got the stand-ins instead.
    expect(STAND_INS.map((s) => path.join(LAZY, s.file)).filter((file) => !loaded.has(file))).toEqual([]);
  });

  it('load the real module when first used, and answer as it does', () => {
    let loads = 0;
    class Tool {}
    const real = { Tool, version: '1.0.0' };
    const lazy = lazyModule(() => (loads++, real)) as typeof real & { __esModule: boolean; default: unknown };
    // TypeScript's __importStar keeps a module marked __esModule as it is: no load yet.
    expect(lazy.__esModule).toBe(true);
    expect(loads).toBe(0);
    expect(lazy.Tool).toBe(Tool);
    expect(lazy.version).toBe('1.0.0');
    expect(lazy.default).toBe(real);
    expect(Object.keys(lazy)).toEqual(['Tool', 'version']);
    expect('Tool' in lazy).toBe(true);
    expect(loads).toBe(1);
  });

  it('are given to a plain Node process by lazy/register.cjs (the program-run server), and nothing else changes', () => {
    const script = [
      "const Module = require('module');",
      "const from = (dir) => ({ filename: require('path').join(dir, 'x.js'), paths: Module._nodeModulePaths(dir) });",
      `console.log(JSON.stringify([Module._resolveFilename('@npmcli/arborist', from(${JSON.stringify(path.join(SDK, 'runtime', 'closure'))})), Module._resolveFilename('@npmcli/arborist', from(${JSON.stringify(LAZY)}))]));`,
    ].join('\n');
    const out = execFileSync(process.execPath, ['-r', path.join(LAZY, 'register.cjs'), '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([path.join(LAZY, 'npmcli-arborist.cjs'), require.resolve('@npmcli/arborist')]);
  });
});

describe("a test file's AsyncLocalStorage instances", () => {
  it('are recorded where Node keeps every storage that has run in one list for the process (Node 20 and 22)', () => {
    expect(storagesAreListed()).toBe(Number(process.versions.node.split('.')[0]) < 24);
  });

  it('are disabled when its environment is torn down; a storage that was on before it began stays on', async () => {
    if (!storagesAreListed()) return;
    // A second environment, as jest makes for the next file of this worker (without a timings record of its own).
    const timings = process.env.TEST_TIMINGS_FILE;
    delete process.env.TEST_TIMINGS_FILE;
    try {
      const config = { projectConfig: { testEnvironmentOptions: {}, globals: {} }, globalConfig: {} } as unknown as JestEnvironmentConfig;
      const context = { console, docblockPragmas: {}, testPath: path.join(__dirname, 'nested.test.ts') } as EnvironmentContext;
      const before = new AsyncLocalStorage<string>();
      before.enterWith('worker');
      const env = new InfraEnvironment(config, context);
      await env.setup();
      const during = new AsyncLocalStorage<string>();
      during.enterWith('file');
      // Work of the file that goes on after it: its continuation still holds the store it was made with.
      const ranOnce = new AsyncLocalStorage<string>();
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const late = ranOnce.run('file', () => gate.then(() => ranOnce.getStore()));
      expect(during.getStore()).toBe('file');
      await env.teardown();
      release();
      // An enabled storage hands its store to every promise made after it: `during` would still answer 'file'.
      expect({ before: before.getStore(), during: during.getStore(), late: await late }).toEqual({
        before: 'worker',
        during: undefined,
        late: undefined,
      });
      before.disable();
    } finally {
      if (timings !== undefined) process.env.TEST_TIMINGS_FILE = timings;
    }
  });
});

describe('workerMemo: pure work done once per worker, keyed by content', () => {
  const workerStore = () => (globalThis as Record<string, unknown>)[WORKER_STORE_GLOBAL] as Map<string, unknown>;
  const kind = `test-${process.pid}-${Date.now()}`;

  it('makes a result once for a text; every call gets a copy of its own, of this realm', () => {
    const made: string[] = [];
    const parse = (text: string) => (made.push(text), { text, list: [1, 'two', null, { three: true }] });
    const first = workerMemo(kind, 'a', parse);
    const second = workerMemo(kind, 'a', parse);
    expect(made).toEqual(['a']);
    expect(second).toStrictEqual({ text: 'a', list: [1, 'two', null, { three: true }] });
    expect(second).not.toBe(first);
    second.list.push('changed by a caller');
    expect(workerMemo(kind, 'a', parse).list).toEqual([1, 'two', null, { three: true }]);
    expect(made).toEqual(['a']);
  });

  it('makes it again for another text (an edited file), and per kind', () => {
    const made: string[] = [];
    const parse = (text: string) => (made.push(text), { text });
    workerMemo(kind, 'b', parse);
    expect(workerMemo(kind, 'b edited', parse)).toEqual({ text: 'b edited' });
    expect(workerMemo(`${kind}-other`, 'b', parse)).toEqual({ text: 'b' });
    expect(made).toEqual(['b', 'b edited', 'b']);
  });

  it("keeps the result in the worker's store, which the next test file of the worker reads", () => {
    workerMemo(kind, 'c', (text) => ({ text }));
    expect([...workerStore().values()]).toContain(JSON.stringify({ text: 'c' }));
    // Another file: a module registry of its own, the same worker store.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const again = require('../apps/common/test-support/worker-store') as { workerMemo: typeof workerMemo };
      expect(again.workerMemo).not.toBe(workerMemo);
      expect(
        again.workerMemo(kind, 'c', () => {
          throw new Error('made again');
        }),
      ).toEqual({ text: 'c' });
    });
  });

  it('keeps no result that JSON would change: those are made at every call, as without the memo', () => {
    let calls = 0;
    const date = new Date(0);
    for (const result of [undefined, date, { n: NaN }, { at: date }, [1, , 3], { u: undefined }, new Map(), Object.create(null), -0]) {
      const text = `d-${calls}`;
      expect(workerMemo(kind, text, () => (calls++, result))).toBe(result);
      expect(workerMemo(kind, text, () => (calls++, result))).toBe(result);
    }
    expect(calls).toBe(18);
  });

  it.each<[unknown, boolean]>([
    [null, true],
    ['text', true],
    [0, true],
    [1.5, true],
    [false, true],
    [{ a: [1, { b: 'c' }], d: null }, true],
    [undefined, false],
    [-0, false],
    [Infinity, false],
    [NaN, false],
    [10n, false],
    [() => 1, false],
    [new Date(0), false],
    [[1, undefined], false],
    [new Array(2), false],
    [{ [Symbol('s')]: 1 }, false],
    [Object.create(null), false],
    [new (class Thing {})(), false],
  ])('isJsonData(%p) is %p', (value, expected) => {
    expect(isJsonData(value)).toBe(expected);
  });

  it('readStackConfig reads an edited stack file afresh (keyed by its text, not its name)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stack-config-'));
    try {
      const file = path.join(dir, 'Pulumi.memo.yaml');
      writeFileSync(file, 'config:\n  aks-platform:location: westeurope\n');
      expect(readStackConfig('memo', {}, file).values).toEqual({ 'aks-platform:location': 'westeurope' });
      writeFileSync(file, 'config:\n  aks-platform:location: northeurope\n  aks-platform:team:\n    secure: abc\n');
      expect(readStackConfig('memo', {}, file)).toEqual({
        values: { 'aks-platform:location': 'northeurope', 'aks-platform:team': expect.stringContaining('config-aks-platform:team') },
        secretKeys: ['aks-platform:team'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
