import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scenarios } from '../scenarios/catalog.js';
import { contenders, evaluate } from './evaluation.js';
import { reportTable } from './table.js';

const pick = (...labels: string[]) => contenders.filter((c) => labels.includes(c.label));

// The figures of docs/adaptive.md (seed 1), as regression guards: the runs are deterministic,
// so a change to a control or to the scenario library that moves them fails here.
describe('adaptive evaluation (docs/adaptive.md table)', () => {
  it('noisy: the baseline rule rejects far fewer successes than the static default', async () => {
    const runs = await evaluate(scenarios.noisy, 1, pick('static default', 'baseline'));
    const fixed = runs.get('static default');
    const baseline = runs.get('baseline');
    assert.ok(fixed && baseline, 'both ran');
    assert.equal(fixed.falseRejections, 556);
    assert.equal(baseline.falseRejections, 24);
    assert.equal(baseline.leaked, 694);
    assert.equal(baseline.callsToDetect, 7);
    assert.ok(
      (baseline.timeToRecover ?? Infinity) < 2_000,
      `recovered in ${baseline.timeToRecover}`,
    );
  });

  it('spike-100: fewer false rejections, detected after 5 calls instead of 7', async () => {
    const runs = await evaluate(scenarios['spike-100'], 1, pick('static default', 'baseline'));
    const fixed = runs.get('static default');
    const baseline = runs.get('baseline');
    assert.ok(fixed && baseline, 'both ran');
    assert.ok(
      baseline.falseRejections < fixed.falseRejections / 10,
      'a tenth of the static default',
    );
    assert.equal(baseline.callsToDetect, 5);
    assert.equal(fixed.callsToDetect, 7);
  });

  it('low traffic (1 call/s): the outage is detected within 5 calls', async () => {
    const runs = await evaluate(
      scenarios['low-traffic-outage'],
      1,
      pick('baseline', 'static tuned'),
    );
    const baseline = runs.get('baseline');
    assert.ok(baseline, 'ran');
    assert.equal(baseline.detected, 1);
    assert.ok((baseline.callsToDetect ?? Infinity) <= 5, `${baseline.callsToDetect} calls`);
    assert.match(
      reportTable(runs),
      /^\| protection \|[^\n]+\n\| --- [^\n]+\n\| static tuned \| 4 \| 26 \| 1\/1 \| 4\.3 s \| 6 \| 2\.3 s \|\n\| baseline \| 57 \| 10 \| 1\/1 \| 3\.2 s \| 4 \| 48\.1 s \|$/,
    );
  });
});
