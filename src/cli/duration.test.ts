import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads each unit', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('2h'), 7_200_000);
  });

  it('reads a bare number as milliseconds', () => {
    assert.equal(parseDuration('1500'), 1500);
    assert.equal(parseDuration('0'), 0);
  });

  it('reads decimals and combined units', () => {
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('.5s'), 500);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h2m3s4ms'), 3_723_004);
    assert.equal(parseDuration('2.5'), 2.5);
  });

  it('ignores surrounding white space', () => {
    assert.equal(parseDuration(' 3s\n'), 3000);
  });

  for (const bad of [
    'thirty',
    '',
    's',
    '3 s',
    '-5s',
    '+5s',
    '1e3',
    '3sec',
    '3S',
    '1.2.3s',
    'ms3',
    '3s ms',
  ]) {
    it(`refuses ${JSON.stringify(bad)}, quoting it`, () => {
      assert.throws(() => parseDuration(bad), {
        name: 'RangeError',
        message: `${JSON.stringify(bad)} is not a duration: use a number with a unit (250ms, 30s, 5m, 1h, 1m30s) or a number of milliseconds`,
      });
    });
  }

  it('refuses a duration too long to be finite', () => {
    const huge = `${'9'.repeat(400)}h`;
    assert.throws(() => parseDuration(huge), {
      name: 'RangeError',
      message: `${JSON.stringify(huge)} is too long a duration`,
    });
  });
});
