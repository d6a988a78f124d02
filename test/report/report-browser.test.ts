// The report shell in a real browser: a generated page opened from a file:// URL with every
// network request blocked renders its uPlot charts (canvas drawn, state lanes painted), shows
// hostile labels as text, and logs no error. Screenshots go to test/artifacts/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { dataTable, html, renderReport, timelineChart } from '../../src/report/index.js';
import {
  CHROMIUM,
  launchChromium,
  offlineContext,
  pageErrors,
  screenshot,
  viewports,
} from '../dashboard/browser.js';
import { skipWithout } from '../fixtures/services.js';

const skip = skipWithout(CHROMIUM, 'chromium');
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function samplePage(): string {
  const times = Array.from({ length: 120 }, (_, i) => i * 1000);
  const rate = times.map((_, i) => 50 + 10 * Math.sin(i / 8));
  const failures = times.map((_, i) => (i >= 40 && i < 70 ? 40 : 1));
  const latency = times.map((_, i) => (i >= 40 && i < 70 ? 900 : 40 + (i % 7)));
  return renderReport({
    title: `tuning report: ${HOSTILE}`,
    subtitle: 'trace.jsonl, 2 min, 1 service',
    sections: [
      {
        heading: 'payments',
        body: [
          timelineChart({
            title: 'traffic',
            times,
            series: [
              { label: 'calls/s', values: rate, unit: '/s' },
              { label: `failures/s ${HOSTILE}`, values: failures, unit: '/s', kind: 'bars' },
              { label: 'p99 latency', values: latency, unit: 'ms', axis: 'right' },
            ],
            lanes: [
              {
                label: 'current',
                segments: [
                  { from: 0, to: 45_000, state: 'closed' },
                  { from: 45_000, to: 105_000, state: 'open' },
                  { from: 105_000, to: 106_000, state: 'half-open' },
                  { from: 106_000, to: 120_000, state: 'closed' },
                ],
              },
              {
                label: 'recommended',
                segments: [
                  { from: 0, to: 41_000, state: 'closed' },
                  { from: 41_000, to: 71_000, state: 'open' },
                  { from: 71_000, to: 72_000, state: 'half-open' },
                  { from: 72_000, to: 120_000, state: 'closed' },
                ],
              },
            ],
            leftLabel: 'calls/s',
            rightLabel: 'ms',
          }),
          dataTable({
            headers: ['term', 'current', 'recommended'],
            rows: [
              ['cost', 1520, 310],
              [html`<i>lost goodput</i>`, 1200, 40],
            ],
            rowClasses: ['better', undefined],
          }),
        ],
      },
    ],
  });
}

describe('the report shell in chromium', { skip, timeout: 60_000 }, () => {
  let browser: Browser;
  let dir: string;
  let url: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'breakwater-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, samplePage());
    url = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, viewport] of Object.entries(viewports)) {
    it(`renders offline on a ${name}`, async () => {
      const { context, requested } = await offlineContext(browser, url, viewport);
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(url);
      await page.locator('figure.chart[data-rendered="true"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('figure.chart[data-error]').count(), 0);
      assert.equal(await page.locator('figure.chart canvas').count(), 1);
      // The canvas is drawn on: some pixels of the plot are the lanes' red (open).
      const painted = await page.evaluate<{ drawn: number; red: number; width: number }>(`(() => {
        const canvas = document.querySelector('figure.chart canvas');
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        let red = 0;
        let drawn = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 0) drawn++;
          if (data[i] > 180 && data[i + 1] < 120 && data[i + 2] < 120 && data[i + 3] > 20) red++;
        }
        return { drawn, red, width: canvas.width };
      })()`);
      assert.ok(painted.drawn > 1000, `canvas has ${painted.drawn} drawn pixels`);
      assert.ok(painted.red > 0, 'the open state is painted');
      assert.ok(painted.width >= 280);
      // Hostile labels are text, never markup.
      assert.equal(await page.evaluate('window.__pwned'), undefined);
      assert.match((await page.locator('h1').textContent()) ?? '', /<img src=x/);
      assert.match((await page.locator('.u-legend').textContent()) ?? '', /failures\/s <img/);
      const fits = await page.evaluate<boolean>(
        'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
      );
      assert.ok(fits, 'no horizontal scroll');
      await screenshot(page, `report-shell-${name}`, true);
      assert.deepEqual(errors, []);
      assert.deepEqual(requested, []);
      await context.close();
    });
  }
});
