/**
 * The reports the type-check lane of `npm test` (scripts/test.sh) hands to jest: the
 * consumer build (scripts/consumer-build.ts, CONSUMER_BUILD_STATUS) and the provider
 * schema (scripts/provider-schema.ts, PROVIDER_SCHEMA_STATUS). Each is a JSON file the
 * lane writes whole and the test that needs it polls for (the lane is another process).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'fs';

/** Writes `report` to `file` whole (a temporary file, then a rename): a polling reader never sees half of it. */
export function writeLaneReport(file: string, report: unknown): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(report));
  renameSync(`${file}.tmp`, file);
}

/** The report at `file` once the lane has written it; throws, naming `what`, when none comes within `waitMs`. */
export async function waitForLaneReport<T>(file: string, what: string, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no ${what} report at ${file} after ${waitMs / 1000} s (scripts/test.sh's typecheck lane writes it)`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
