// The shipped experiments against their targets, through `breakwater chaos run` in process:
// the verdict, the exit code, the journal, and the HTML report opened in chromium.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startHttpTarget, startInventory } from '../../examples/chaos/http-target.js';
import type { Target } from '../../examples/chaos/target.js';
import { cliInProcess } from '../fixtures/cli.js';
import {
  CHROMIUM,
  launchChromium,
  offlineContext,
  pageErrors,
  redPixels,
  screenshot,
} from '../dashboard/browser.js';
import { skipWithout } from '../fixtures/services.js';

const dir = mkdtempSync(join(tmpdir(), 'breakwater-chaos-'));
const experiments = new URL('../../experiments/', import.meta.url);

const cli = (argv: string[]) => cliInProcess(argv);

interface Journal {
  title: string;
  passed: boolean;
  checks: { name: string; passed: boolean; measured: number | null; limit: number }[];
  samples: { t: number; state: string }[];
}

describe('experiments/slow-dependency.yaml', { timeout: 60_000 }, () => {
  let inventory: Target;
  let target: Target;
  before(async () => {
    inventory = await startInventory(17422);
    target = await startHttpTarget(17420, 'http://127.0.0.1:17421/');
  });
  after(async () => {
    await target.close();
    await inventory.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('passes: the breaker opens, the caller fails fast, it closes after the clear', async () => {
    const journal = join(dir, 'slow.json');
    const report = join(dir, 'slow.html');
    const file = new URL('slow-dependency.yaml', experiments).pathname;
    const r = await cli(['chaos', 'run', file, '--journal', journal, '--report', report]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /PASSED\n$/);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.equal(j.passed, true);
    assert.deepEqual(
      j.checks.map((c) => c.name),
      [
        'hypothesis.successRate.before',
        'hypothesis.successRate.after',
        'opensWithin',
        'closesWithin',
        'p99WhileOpen',
        'falseOpens',
      ],
    );
    for (const c of j.checks) assert.equal(c.passed, true, JSON.stringify(c));
    // The gauge was read at least every 100 ms (with slack for a loaded machine) and went
    // closed -> open -> closed.
    const states = j.samples.map((s) => s.state);
    assert.ok(states.includes('open') && states.at(-1) === 'closed', states.join(' '));
    assert.ok(j.samples.length >= 30, `${j.samples.length} samples in 6 s`);
    await checkReport(report, j.title);
  });

  test('fails with exit 1 when the fault is too mild to open the breaker', async () => {
    const text = readFileSync(new URL('slow-dependency.yaml', experiments), 'utf8')
      .replace('latency: 3000', 'latency: 20')
      .replace('duration: 6s', 'duration: 4s');
    const file = join(dir, 'mild.yaml');
    writeFileSync(file, text);
    const journal = join(dir, 'mild.json');
    const r = await cli(['chaos', 'run', file, '--journal', journal]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /FAIL {2}opensWithin: measured never, limit 2000/);
    assert.match(r.stdout, /FAILED: \d of 6 checks\n$/);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.equal(j.passed, false);
    assert.deepEqual(
      j.checks.find((c) => c.name === 'opensWithin'),
      {
        name: 'opensWithin',
        passed: false,
        measured: null,
        limit: 2000,
        detail: 'ms from the first fault to the gauge reading open',
      },
    );
  });
});

const skipBrowser = skipWithout(CHROMIUM, 'chromium');

async function checkReport(file: string, title: string): Promise<void> {
  const html = readFileSync(file, 'utf8');
  assert.doesNotMatch(html, /<script src=|<link /);
  if (skipBrowser !== false) return;
  const browser = await launchChromium();
  try {
    const url = pathToFileURL(file).href;
    const { context, requested } = await offlineContext(browser, url, { width: 1200, height: 900 });
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(url);
    await page.locator('figure.chart[data-rendered="true"]').waitFor({ timeout: 10_000 });
    assert.match((await page.locator('h1').textContent()) ?? '', new RegExp(title.slice(0, 20)));
    assert.equal(await page.locator('table.data tbody tr').count(), 6);
    const red = await redPixels(page, 120);
    assert.ok(red > 0, 'the open state is painted');
    await screenshot(page, 'chaos-report', true);
    assert.deepEqual(errors, []);
    assert.deepEqual(requested, []);
  } finally {
    await browser.close();
  }
}
