/**
 * Helpers for component tests under the offline mocks: construct a component
 * that must refuse its arguments, and check what it left registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { OfflineRecorder, settle } from '../../offline/mocks';

/**
 * Runs `construct` (a component constructor call) and returns the error it
 * throws; fails the test unless it is a `pulumi.ResourceError`.
 */
export function resourceErrorOf(construct: () => unknown): pulumi.ResourceError {
  let error: unknown;
  try {
    construct();
  } catch (err) {
    error = err;
  }
  if (!(error instanceof pulumi.ResourceError)) {
    throw new Error(`expected a pulumi.ResourceError, got ${error === undefined ? 'no error' : String(error)}`);
  }
  return error;
}

/** Waits for pending registrations and returns the types of everything registered (for "created nothing" checks). */
export async function registeredTypes(recorder: OfflineRecorder): Promise<string[]> {
  await settle();
  return recorder.resources.map((r) => r.type);
}
