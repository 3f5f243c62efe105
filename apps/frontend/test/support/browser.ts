/** Headless Debian Chromium driven by playwright-core (no downloaded browser). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { requireBinary } from '../../../common/test-support';
import { timedAsync } from '../../../common/test-support/timings';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** One browser per test file: a persistent context on a fresh, throwaway user-data-dir. */
export async function launchChromium(opts: { extraArgs?: string[] } = {}): Promise<Browser> {
  const executablePath = requireBinary(process.env.CHROMIUM_BIN ?? '/usr/bin/chromium', 'install Debian chromium (apt-get install chromium) or set CHROMIUM_BIN');
  const userDataDir = mkdtempSync(join(tmpdir(), 'fe-chromium-'));
  const context = await timedAsync('chromium launch', () =>
    chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(opts.extraArgs ?? [])],
      viewport: { width: 1280, height: 860 },
      timeout: 30_000,
    }),
  );
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
