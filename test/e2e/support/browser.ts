import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser } from 'playwright-core';

/** The playwright-core whose own `--disable-features` list {@link DISABLED_FEATURES} repeats. */
const PLAYWRIGHT = '1.65.1';

/**
 * Features turned off. Chromium takes only the last `--disable-features` it is given, and playwright
 * passes its own list before ours: so ours repeats playwright-core's (its chromiumSwitches.ts, bundled
 * in lib/coreBundle.js) and adds the last two. Without them, Chromium 156 loads its omnibox popups,
 * two WebUI pages in a renderer of their own, for every new browser context: traced, about 1.9 cores'
 * worth for some 1.5 s after each page opens, on a 2-core machine exactly while a test or benchmark
 * measures the page.
 */
const DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
];

function checkPlaywright(): void {
  const { version } = createRequire(import.meta.url)('playwright-core/package.json') as {
    version: string;
  };
  if (version !== PLAYWRIGHT) {
    throw new Error(
      `launchChromium repeats playwright-core ${PLAYWRIGHT}'s --disable-features list, but playwright-core is ${version}: ` +
        'compare its list (search node_modules/playwright-core/lib/coreBundle.js for "disabledFeatures = [") ' +
        'with DISABLED_FEATURES in test/e2e/support/browser.ts, then update PLAYWRIGHT.',
    );
  }
}

/** Debian's Chromium, or `CHROME_PATH`. Never downloads a browser. */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      'No Chromium found: install it with `apt-get install -y chromium` (or set CHROME_PATH).',
    );
  return found;
}

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  checkPlaywright();
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-features=${DISABLED_FEATURES.join(',')}`,
    ],
  });
  return {
    browser,
    // playwright launches with a fresh, temporary user-data dir of its own and removes it on close.
    close: () => browser.close(),
  };
}
