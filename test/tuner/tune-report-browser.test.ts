// `breakwater tune --report` in a real browser: the page written for the shipped example trace
// opens from a file:// URL with every request blocked, draws one chart per service with the
// current and recommended states painted, shows the cost terms, and logs no error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { runCli } from '../../src/cli/cli.js';
import {
  CHROMIUM,
  launchChromium,
  offlineContext,
  pageErrors,
  redPixels,
  screenshot,
} from '../dashboard/browser.js';
import { skipWithout } from '../fixtures/services.js';

const skip = skipWithout(CHROMIUM, 'chromium');
const trace = fileURLToPath(new URL('../../examples/tuning/trace.jsonl', import.meta.url));

describe('breakwater tune --report in chromium', { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'breakwater-tune-report-'));
    const file = join(dir, 'tuning.html');
    const sink = { write: () => true };
    const code = await runCli(['tune', trace, '--budget', '20', '--report', file], {
      stdout: sink,
      stderr: sink,
      env: {},
      signal: new AbortController().signal,
    });
    assert.equal(code, 0);
    url = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every service offline with its states and cost terms', async () => {
    const { context, requested } = await offlineContext(browser, url, { width: 1366, height: 900 });
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(url);
    await page.locator('figure.chart[data-rendered="true"]').nth(1).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('figure.chart canvas').count(), 2);
    assert.deepEqual(await page.locator('section.block > h2').allTextContents(), [
      'payments',
      'search',
    ]);
    const table = (await page.locator('table.data').first().textContent()) ?? '';
    for (const term of ['cost (API.md)', 'lost goodput', 'time to detect', 'probe calls']) {
      assert.ok(table.includes(term), term);
    }
    assert.match((await page.locator('pre.code').first().textContent()) ?? '', /payments:/);
    // The open state (red) is painted behind the series of the first chart.
    const red = await redPixels(page, 160);
    assert.ok(red > 0, 'open periods are painted');
    await screenshot(page, 'tune-report', true);
    assert.deepEqual(errors, []);
    assert.deepEqual(requested, []);
    await context.close();
  });
});
