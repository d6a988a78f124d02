// The dashboard page in a real browser (Debian chromium through playwright-core): names and
// details are shown as text, transitions and the cascade signal arrive live, the page fits a
// phone, and it says when the connection is lost.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { dashboard, type DashboardHandler } from '../../src/dashboard/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { skipWithout } from '../fixtures/services.js';
import { CHROMIUM, launchChromium, pageErrors, screenshot, viewports } from './browser.js';

const skip = skipWithout(CHROMIUM, 'chromium');

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
const DETAIL = '<b>eu-west</b> & "primary"';
const LONG = `orders-${'x'.repeat(90)}`;

describe('the dashboard in chromium', { skip, timeout: 60_000 }, () => {
  let browser: Browser;
  let server: Server;
  let board: DashboardHandler;
  let url: string;
  // The open wait runs on a clock of the test's own: on real time it could end (and the page
  // show open -> half-open) before the test has made its other changes, in another order.
  const hostileClock = new ManualClock(Date.now());
  const hostile = new CircuitBreaker({
    name: HOSTILE,
    readyToTrip: (c) => c.consecutiveFailures >= 1,
    timeout: 300,
    clock: hostileClock,
  });
  const db = new CircuitBreaker({ name: 'db' });
  const long = new CircuitBreaker({ name: LONG });

  before(async () => {
    board = dashboard([hostile, db, long], {
      title: 'shop <prod>',
      updateInterval: 200,
      describe: (b) => (b === hostile ? DETAIL : undefined),
      links: [{ label: 'metrics', href: '/metrics' }],
      panels: [
        {
          id: 'owner',
          title: 'Owner',
          rows: (b) =>
            b === db
              ? [
                  { label: 'team', value: HOSTILE },
                  { label: 'replicas', value: 3, tone: 'warn' },
                ]
              : undefined,
        },
      ],
    });
    server = createServer((req, res) => {
      board(req, res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  after(async () => {
    board.close();
    await browser.close();
    server.closeAllConnections();
    server.close();
  });

  async function open(viewport: { width: number; height: number }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    await page.locator('body[data-connection="live"]').waitFor({ timeout: 5000 });
    return page;
  }

  const card = (page: Page, id: string) => page.locator(`article.card[data-breaker="${id}"]`);

  it('shows names, details and the title as text, never as markup', async () => {
    const page = await open(viewports.laptop);
    const errors = pageErrors(page);
    assert.equal(await page.title(), 'shop <prod>');
    assert.equal(await page.locator('h1').textContent(), 'shop <prod>');
    const names = await page.locator('article.card h2').allTextContents();
    assert.deepEqual(names, [HOSTILE, 'db', LONG]);
    assert.equal(await page.locator('article.card .detail').first().textContent(), DETAIL);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('article.card b').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('footer a').getAttribute('href'), '/metrics');
    // A panel from the `panels` option, on the card it has rows for only, as text.
    assert.equal(await page.locator('section.panel').count(), 1);
    const panel = card(page, 'db').locator('section.panel[data-panel="owner"]');
    assert.equal(await panel.locator('h3').textContent(), 'Owner');
    assert.deepEqual(await panel.locator('dt').allTextContents(), ['team', 'replicas']);
    assert.deepEqual(await panel.locator('dd').allTextContents(), [HOSTILE, '3']);
    assert.equal(await panel.locator('dd[data-tone="warn"]').textContent(), '3');
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  /** The cards' states, the counts and the cascade banner, read in one go. */
  // A string: tsx would wrap a function's inner functions in a helper the page lacks.
  const whole = (page: Page) =>
    page.evaluate<{
      openCards: number;
      closedCards: number;
      open: string;
      closed: string;
      banner: string;
      active: string | null;
    }>(`(() => {
      const text = (id) => document.getElementById(id).textContent;
      const cards = Array.from(document.querySelectorAll('article.card'), (c) => c.getAttribute('data-state'));
      return {
        openCards: cards.filter((s) => s === 'open').length,
        closedCards: cards.filter((s) => s === 'closed').length,
        open: text('n-open'),
        closed: text('n-closed'),
        banner: text('cascade-why').replace(/ breakers open.*/, ''),
        active: document.getElementById('cascade').getAttribute('data-active'),
      };
    })()`);

  it('turns a card open and closed again as the breaker changes, with the cascade signal', async () => {
    const page = await open(viewports.laptop);
    const errors = pageErrors(page);
    const hostileCard = page.locator('article.card').first();
    assert.equal(await hostileCard.getAttribute('data-state'), 'closed');

    await hostile.tryExecute(() => {
      throw new Error('down');
    });
    await page.locator('article.card[data-state="open"]').waitFor({ timeout: 2000 });
    // The banner and the counts change with the card, not with a later update.
    assert.deepEqual(await whole(page), {
      openCards: 1,
      closedCards: 2,
      open: '1',
      closed: '2',
      banner: '1 of 3',
      active: 'false',
    });
    assert.equal(await hostileCard.getAttribute('data-state'), 'open');
    assert.equal(await hostileCard.locator('.badge').textContent(), 'open');
    assert.match((await hostileCard.locator('.when').textContent()) ?? '', /^Half-open in /);

    // Two of three open is above the default 50 %: a cascade.
    db.forceOpen();
    await page.locator('#cascade[data-active="true"]').waitFor({ timeout: 2000 });
    assert.deepEqual(await whole(page), {
      openCards: 2,
      closedCards: 1,
      open: '2',
      closed: '1',
      banner: '2 of 3',
      active: 'true',
    });
    assert.equal(await page.locator('#cascade-label').textContent(), 'Cascade in progress');
    assert.equal(await card(page, 'db').locator('.badge').textContent(), 'forced open');
    await screenshot(page, 'dashboard-unit-open');
    db.reset();
    await page.locator('#cascade[data-active="false"]').waitFor({ timeout: 2000 });

    hostileClock.advance(300);
    await hostile.execute(() => 'ok'); // the probe closes it
    await page
      .locator('article.card')
      .first()
      .and(page.locator('[data-state="closed"]'))
      .waitFor({ timeout: 2000 });
    const moves = await hostileCard.locator('ol.transitions .move').allTextContents();
    assert.deepEqual(moves, ['half-open → closed', 'open → half-open', 'closed → open']);
    const log = await page.locator('#log .who').allTextContents();
    assert.deepEqual(log, [HOSTILE, HOSTILE, 'db', 'db', HOSTILE]);
    assert.equal(await page.locator('#n-closed').textContent(), '3');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await open(viewports.phone);
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    );
    assert.equal(innerWidth, 390);
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide on a 390px screen`);
    // One card per row.
    const lefts = await page.evaluate<number[]>(
      "Array.from(document.querySelectorAll('article.card'), (c) => c.getBoundingClientRect().left)",
    );
    assert.equal(lefts.length, 3);
    assert.equal(new Set(lefts).size, 1);
    await screenshot(page, 'dashboard-unit-phone', true);
    await page.close();
  });

  it('says so when the connection is lost', async () => {
    const page = await open(viewports.laptop);
    board.close();
    await page
      .locator('body[data-connection="reconnecting"], body[data-connection="closed"]')
      .waitFor({ timeout: 5000 });
    assert.match((await page.locator('#conn').textContent()) ?? '', /^(reconnecting|disconnected)/);
    await page.close();
  });
});
