// Debian's chromium driven by playwright-core, for the tests that look at the page in a real
// browser. Screenshots go to test/artifacts/ (ignored by git).
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots are saved. */
export const artifacts = new URL('../artifacts/', import.meta.url);

/** Launches headless chromium with no network of its own beyond what the page asks for. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Viewports the page must read well on. */
export const viewports = {
  laptop: { width: 1366, height: 768 },
  phone: { width: 390, height: 844 },
} as const;

/** Saves a screenshot as test/artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(artifacts, { recursive: true });
  const path = new URL(`${name}.png`, artifacts).pathname;
  await page.screenshot({ path, fullPage });
  return path;
}

/** Collects what the page logs as errors (console errors and uncaught exceptions). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * A browser context that may load `url` and nothing else: every other request is aborted and
 * listed in `requested`, so a test can assert that a self-contained page fetched nothing.
 */
export async function offlineContext(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; requested: string[] }> {
  const context = await browser.newContext({ viewport });
  const requested: string[] = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    requested.push(u);
    return route.abort();
  });
  return { context, requested };
}

/**
 * Pixels of the first chart canvas painted in the reports' "open" red: red above 180, green and
 * blue below `maxOther`, not transparent.
 */
export function redPixels(page: Page, maxOther: number): Promise<number> {
  return page.evaluate<number>(`(() => {
    const canvas = document.querySelector('figure.chart canvas');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let red = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] > 180 && data[i + 1] < ${maxOther} && data[i + 2] < ${maxOther} && data[i + 3] > 20) red++;
    }
    return red;
  })()`);
}
