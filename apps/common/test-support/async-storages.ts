/**
 * Node's AsyncLocalStorage instances that a test file turned on, turned off
 * again when the file ends (./environment.ts, the test environment of both
 * jest projects).
 *
 * Up to Node 22, an AsyncLocalStorage that has run once stays in a list that
 * Node keeps for the whole process (module `async_hooks`), and every new
 * promise and async resource of the process is given the store of each one in
 * that list, until its `disable()`. jest gives every test file a new realm, but
 * its `require('async_hooks')` is Node's one module, so a storage made by a
 * module a file loads stays on that list after the file: jest-circus's own
 * (jestAdapterInit.js, one per file), the Pulumi SDK's (runtime/state.js puts
 * one on each realm's global). In a jest worker the list grows by a storage
 * or two with every file, each new promise costs more than the one before,
 * and each listed storage keeps its file's stores, and so its realm, alive.
 *
 * Here the storages turned on (first `run()` or `enterWith()`) while a file
 * runs are recorded and disabled when it ends. Only those: a storage that was
 * on before the file started is left alone. A storage disabled this way turns
 * on again if it runs again, and is then recorded by the file running then.
 *
 * The recording wraps AsyncLocalStorage's `_enable`, Node's own method that
 * turns a storage on (Node 20 and 22). It is installed once per process on the
 * shared class; a copy of this module loaded in a test file's realm uses that
 * same installation. Where Node has no `_enable` (Node 24 keeps stores in
 * AsyncContextFrame: no process-wide list), nothing is recorded and nothing
 * needs to be.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A storage as Node 20 and 22 implement it: on once it has run, until disabled. */
type Storage = AsyncLocalStorage<unknown> & { enabled?: boolean };

/** The process's one installation, kept on the shared AsyncLocalStorage class under {@link INSTALLATION}. */
interface Installation {
  /** The recordings under way (one per test file running: one at a time in a jest worker). */
  recordings: Set<Set<Storage>>;
}

/** Where the installation is kept: a registered symbol, the same in every realm. */
const INSTALLATION = Symbol.for('aks-platform.test-support.async-storages');

/** The installation, made on first use; undefined where Node's AsyncLocalStorage has no `_enable`. */
function installation(): Installation | undefined {
  const shared = AsyncLocalStorage as unknown as Record<symbol, Installation | undefined>;
  const installed = shared[INSTALLATION];
  if (installed) return installed;
  const prototype = AsyncLocalStorage.prototype as unknown as { _enable?: (this: Storage) => void };
  const enable = prototype._enable;
  if (typeof enable !== 'function') return undefined;
  const made: Installation = { recordings: new Set() };
  prototype._enable = function (this: Storage) {
    if (!this.enabled) for (const recording of made.recordings) recording.add(this);
    return enable.call(this);
  };
  shared[INSTALLATION] = made;
  return made;
}

/** Whether the storages this Node turns on stay on a process-wide list (and so are recorded here). */
export function storagesAreListed(): boolean {
  return installation() !== undefined;
}

/** A recording begun by {@link recordAsyncStorages}. */
export interface AsyncStorageRecording {
  /** Ends the recording and disables every storage turned on since it began that is still on; returns how many it disabled. */
  disable(): number;
}

/** Begins recording the AsyncLocalStorage instances turned on from now (a test file's). */
export function recordAsyncStorages(): AsyncStorageRecording {
  const installed = installation();
  const storages = new Set<Storage>();
  installed?.recordings.add(storages);
  return {
    disable(): number {
      installed?.recordings.delete(storages);
      let disabled = 0;
      for (const storage of storages) {
        if (!storage.enabled) continue;
        storage.disable();
        disabled++;
      }
      storages.clear();
      return disabled;
    },
  };
}

/**
 * Switches off, for the rest of the running hook or test, the storages the running test file
 * turned on: in practice jest-circus's, whose store (the running test or hook) Node copies onto
 * every promise the process makes while any storage is on. For work that makes many promises: a
 * Pulumi component built under the offline mocks makes tens of thousands, and an AksCluster build
 * took ~30 % less CPU with the storages off (measured 2026-12-01).
 *
 * What the rest of the hook or test loses is jest's store: an unhandled rejection in it is
 * reported against the test file instead of the test (the file still fails), and snapshot
 * matchers no longer get the test's identity (jest tells concurrent and retried tests' snapshots
 * apart by it: do not call this in a test that takes snapshots).
 * jest turns its storage on again when it starts the next hook or test. The Pulumi SDK's storage
 * (`asyncLocalStorage` on the realm's global, used only by its provider and Automation API
 * servers) stays as it is. Where Node keeps no list of storages (see {@link storagesAreListed}),
 * this does nothing.
 */
export function leaveTestContext(): void {
  const installed = installation();
  const sdkStorage = (globalThis as { asyncLocalStorage?: unknown }).asyncLocalStorage;
  for (const recording of installed?.recordings ?? []) {
    for (const storage of recording) if (storage.enabled && storage !== sdkStorage) storage.disable();
  }
}
