// The dashboard of `breakwater demo` in a real browser (Debian chromium, playwright-core): the
// page loads from the demo's port, a breaker shows open and then closed again, and screenshots
// of a laptop and a phone screen are saved under test/artifacts/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardSnapshot } from '../../src/dashboard/index.js';
import {
  CHROMIUM,
  launchChromium,
  pageErrors,
  screenshot,
  viewports,
} from '../dashboard/browser.js';
import { skipWithout } from '../fixtures/services.js';
import { startDemo } from './demo-process.js';
import { SUITE_LIMIT_MS } from '../fixtures/limits.js';

const skip = skipWithout(CHROMIUM, 'chromium');

describe('breakwater demo in chromium', { skip, timeout: SUITE_LIMIT_MS }, () => {
  it('shows payments open, then closed again, live', async () => {
    // At 2.5x, payments fails from 2.4 s to 5.6 s of real time.
    const demo = await startDemo(['--port', '0', '--duration', '40s', '--speed', '2.5']);
    const browser = await launchChromium();
    try {
      const laptop = await browser.newPage({ viewport: viewports.laptop });
      const errors = pageErrors(laptop);
      await laptop.goto(demo.url);
      await laptop.locator('body[data-connection="live"]').waitFor({ timeout: 5000 });
      assert.deepEqual(await laptop.locator('article.card h2').allTextContents(), [
        'inventory',
        'payments',
        'shipping',
      ]);
      const payments = laptop.locator('article.card[data-breaker="payments"]');
      assert.equal(await payments.getAttribute('data-state'), 'closed');

      await laptop
        .locator('article.card[data-breaker="payments"][data-state="open"]')
        .waitFor({ timeout: 15_000 });
      // The phase comes with the next update (each second).
      await payments.locator('.detail', { hasText: /^HTTP 127\.0\.0\.1:\d+ · failing$/ }).waitFor({
        timeout: 2000,
      });
      await screenshot(laptop, 'dashboard-demo-open');

      await laptop
        .locator('article.card[data-breaker="payments"][data-state="closed"]')
        .waitFor({ timeout: 15_000 });
      // The card lists the breaker's last six transitions, as the server has them.
      const moves = await payments.locator('ol.transitions .move').allTextContents();
      const served = (await (await fetch(`${demo.url}api/snapshot`)).json()) as DashboardSnapshot;
      const kept = served.breakers.find((b) => b.name === 'payments')?.transitions ?? [];
      assert.equal(moves[0], 'half-open → closed');
      assert.deepEqual(
        moves,
        kept
          .slice(-6)
          .reverse()
          .map((t) => `${t.from} → ${t.to}`),
      );
      assert.deepEqual(kept[0] && [kept[0].from, kept[0].to], ['closed', 'open']);
      // The sparkline has bars: calls were drawn, failures among them.
      assert.notEqual(
        await payments.locator('path[fill="var(--failed-bar)"]').getAttribute('d'),
        '',
      );
      await screenshot(laptop, 'dashboard-demo-laptop');

      const phone = await browser.newPage({ viewport: viewports.phone, deviceScaleFactor: 2 });
      await phone.goto(demo.url);
      await phone.locator('body[data-connection="live"]').waitFor({ timeout: 5000 });
      await phone.locator('article.card').nth(2).waitFor();
      await screenshot(phone, 'dashboard-demo-phone', true);
      assert.deepEqual(errors, []);

      assert.deepEqual(await demo.stop('SIGTERM'), { code: 0, signal: null });
      await laptop
        .locator('body[data-connection="reconnecting"], body[data-connection="closed"]')
        .waitFor({ timeout: 5000 });
    } finally {
      await browser.close();
      await demo.stop('SIGKILL');
    }
  });
});
