/** Headless Debian Chromium driven by playwright-core (no downloaded browser). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/**
 * Chromium features turned off on top of playwright-core's own list. Chromium 156's headless
 * mode builds the browser window's omnibox popup as two WebUI pages
 * (chrome://omnibox-popup.top-chrome/ and its AI-mode variant) in a renderer of their own that
 * no test ever shows: measured, that renderer and the work it gives the browser process cost
 * ~0.1 CPU-s per second of the browser's life (1.4 CPU-s per 10 s idle; 0.1 without them) and
 * ~0.5 CPU-s at launch.
 */
export const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

/**
 * The features playwright-core itself turns off (one `--disable-features=` switch of its default
 * arguments). Chromium keeps only the LAST `--disable-features=` of a command line, so ours must
 * carry playwright's list, or it would turn them back on. playwright-core exports no API for its
 * default arguments: the list is read from its bundle, and a version that moved it fails here,
 * loudly, rather than dropping its features.
 */
export function playwrightDisabledFeatures(): string[] {
  const lib = join(dirname(require.resolve('playwright-core/package.json')), 'lib', 'coreBundle.js');
  const list = /\bdisabledFeatures = \[([^\]]*)\]/.exec(readFileSync(lib, 'utf8'))?.[1];
  const features = list ? [...list.replace(/\/\/[^\n]*/g, '').matchAll(/"([A-Za-z0-9]+)"/g)].map((m) => m[1]) : [];
  if (features.length === 0) throw new Error(`playwright-core's disabled-features list was not found in ${lib}; update playwrightDisabledFeatures() in ${__filename}`);
  return features;
}

/** The one `--disable-features=` switch: playwright's list and {@link DISABLED_FEATURES}. */
export function disableFeaturesArg(): string {
  return `--disable-features=${[...new Set([...playwrightDisabledFeatures(), ...DISABLED_FEATURES])].join(',')}`;
}

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
      args: [...CHROMIUM_ARGS, disableFeaturesArg(), ...(opts.extraArgs ?? [])],
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
