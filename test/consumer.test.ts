/**
 * The library as another Pulumi program sees it: the packed library installed
 * into a scratch project, a small consumer program compiled with strict tsc
 * against the published typings, and run under mocks.
 *
 * The typecheck lane of `npm test` builds it (scripts/consumer-build.ts, from
 * the root program's emit in scripts/typecheck-root.ts: the SDK typings are
 * parsed once for the root check, the library and the consumer) and reports
 * to CONSUMER_BUILD_STATUS; this file waits for that report and runs the
 * consumer. Run alone (`npx jest test/consumer.test.ts`), it runs
 * typecheck-root.ts itself (incremental: an unchanged project costs its parse).
 */
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { ConsumerStatus } from '../scripts/consumer-build';
import { waitForLaneReport } from '../scripts/lane-report';

const root = path.resolve(__dirname, '..');
const WAIT_MS = 300_000;

/** Runs the root program and the consumer build in a child process, as the lane does. */
function ownStatus(): ConsumerStatus {
  const dir = mkdtempSync(path.join(tmpdir(), 'aks-platform-consumer-status-'));
  try {
    const file = path.join(dir, 'status.json');
    // Its exit code is the root program's: a type error elsewhere is the lane's to report, not this test's.
    const res = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'scripts/typecheck-root.ts', '-p', 'tsconfig.json'], {
      cwd: root,
      env: { ...process.env, CONSUMER_BUILD_STATUS: file },
      encoding: 'utf8',
    });
    if (!existsSync(file)) throw new Error(`scripts/typecheck-root.ts wrote no consumer build report (exit ${res.status}):\n${res.stdout}${res.stderr}`);
    return JSON.parse(readFileSync(file, 'utf8')) as ConsumerStatus;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('consumer program', () => {
  let status: ConsumerStatus;
  beforeAll(async () => {
    const file = process.env.CONSUMER_BUILD_STATUS;
    status = file ? await waitForLaneReport<ConsumerStatus>(file, 'consumer build', WAIT_MS) : ownStatus();
  }, WAIT_MS + 10_000);

  it('imports a component from the packed library and registers it under mocks', () => {
    if (!status.ok) throw new Error(status.error);
    const { shipped, consumerDir } = status;
    expect(shipped).toContain('dist/components/index.js');
    expect(shipped).toContain('dist/components/index.d.ts');
    expect(shipped.some((f) => f.startsWith('test/') || f.startsWith('apps/api') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toBe(false);

    const out = execFileSync(process.execPath, [path.join(consumerDir, 'dist', 'index.js')], { cwd: consumerDir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const result = JSON.parse(out) as { loginServer: string; registered: Array<{ type: string; name: string; inputs: Record<string, unknown> }> };

    expect(result.registered.map((r) => `${r.type} ${r.name}`)).toEqual([
      'aks-platform:index:ContainerRegistry shared',
      'azure-native_containerregistry_v20251101:containerregistry:Registry shared-acr',
    ]);
    const registry = result.registered[1].inputs;
    expect(registry).toMatchObject({ adminUserEnabled: false, anonymousPullEnabled: false, sku: { name: 'Standard' } });
    expect(result.loginServer).toBe(`${String(registry.registryName)}.azurecr.io`);
  }, 120_000);
});
