import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDurationFlag } from './duration.js';

// The grammar itself is the manager's parseDuration (src/manager/config/values.test.ts): the
// CLI adds only that a bare number on the command line is milliseconds.
describe('parseDurationFlag', () => {
  it('reads each unit', () => {
    assert.equal(parseDurationFlag('250ms'), 250);
    assert.equal(parseDurationFlag('30s'), 30_000);
    assert.equal(parseDurationFlag('5m'), 300_000);
    assert.equal(parseDurationFlag('2h'), 7_200_000);
  });

  it('reads a bare number as milliseconds', () => {
    assert.equal(parseDurationFlag('1500'), 1500);
    assert.equal(parseDurationFlag('0'), 0);
  });

  it('reads decimals and combined units, as config files do', () => {
    assert.equal(parseDurationFlag('1.5s'), 1500);
    assert.equal(parseDurationFlag('.5s'), 500);
    assert.equal(parseDurationFlag('1m30s'), 90_000);
    assert.equal(parseDurationFlag('1h2m3s4ms'), 3_723_004);
    assert.equal(parseDurationFlag('2.5'), 2.5);
    assert.equal(parseDurationFlag('3 s'), 3000);
  });

  it('ignores surrounding white space', () => {
    assert.equal(parseDurationFlag(' 3s\n'), 3000);
  });

  for (const bad of ['thirty', '', 's', '-5s', '+5s', '1e3', '3sec', '3S', '1.2.3s', 'ms3']) {
    it(`refuses ${JSON.stringify(bad)}, quoting it`, () => {
      assert.throws(() => parseDurationFlag(bad), {
        name: 'TypeError',
        message: `expected a duration like "30s", got ${JSON.stringify(bad)}`,
      });
    });
  }

  it('refuses a duration too long to be finite', () => {
    const huge = `${'9'.repeat(400)}h`;
    assert.throws(() => parseDurationFlag(huge), {
      name: 'RangeError',
      message: `expected a duration of at most ${Number.MAX_SAFE_INTEGER} ms, got ${JSON.stringify(huge)}`,
    });
  });
});
