import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseInteger, parsePercent } from './values.js';

describe('parseDuration', () => {
  it('reads numbers of ms and strings with one unit', () => {
    const cases: [unknown, number][] = [
      [0, 0],
      [250, 250],
      [1.5, 1.5],
      ['250ms', 250],
      ['30s', 30_000],
      ['1.5s', 1500],
      ['.5s', 500],
      ['5m', 300_000],
      ['2h', 7_200_000],
      ['10 s', 10_000],
      ['0ms', 0],
      // One grammar with the CLI: compound forms too.
      ['1m30s', 90_000],
      ['1h 2m 3s', 3_723_000],
      ['1h2m3s4ms', 3_723_004],
      [' 3s\n', 3000],
    ];
    for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, String(input));
  });

  it('refuses anything else, quoting the value', () => {
    const cases: [unknown, string, string][] = [
      ['thirty', 'TypeError', 'expected a duration like "30s", got "thirty"'],
      ['30', 'TypeError', 'expected a duration like "30s", got "30"'],
      ['30S', 'TypeError', 'expected a duration like "30s", got "30S"'],
      ['1d', 'TypeError', 'expected a duration like "30s", got "1d"'],
      ['-5s', 'TypeError', 'expected a duration like "30s", got "-5s"'],
      ['3s ms', 'TypeError', 'expected a duration like "30s", got "3s ms"'],
      ['1e3s', 'TypeError', 'expected a duration like "30s", got "1e3s"'],
      [true, 'TypeError', 'expected a duration like "30s", got true'],
      [null, 'TypeError', 'expected a duration like "30s", got null'],
      [undefined, 'TypeError', 'expected a duration like "30s", got nothing'],
      [Infinity, 'TypeError', 'expected a duration like "30s", got Infinity'],
      [NaN, 'TypeError', 'expected a duration like "30s", got NaN'],
      [-1, 'RangeError', 'expected a duration >= 0, got -1'],
    ];
    for (const [input, name, message] of cases) {
      assert.throws(() => parseDuration(input), { name, message }, String(input));
    }
  });

  it('applies bounds', () => {
    assert.throws(() => parseDuration('0s', { positive: true }), {
      name: 'RangeError',
      message: 'expected a duration > 0, got "0s"',
    });
    assert.equal(parseDuration('1h', { max: 3_600_000 }), 3_600_000);
    assert.throws(() => parseDuration('600h', { max: 2 ** 31 - 1 }), {
      name: 'RangeError',
      message: 'expected a duration of at most 2147483647 ms, got "600h"',
    });
  });
});

describe('parsePercent', () => {
  it('reads numbers and "n%" strings in (0, 100]', () => {
    assert.equal(parsePercent(50), 50);
    assert.equal(parsePercent('50%'), 50);
    assert.equal(parsePercent('12.5 %'), 12.5);
    assert.equal(parsePercent(100), 100);
    assert.equal(parsePercent(0.1), 0.1);
  });

  it('refuses the rest', () => {
    const cases: [unknown, string, string][] = [
      ['half', 'TypeError', 'expected a percentage like 50 or "50%", got "half"'],
      ['50', 'TypeError', 'expected a percentage like 50 or "50%", got "50"'],
      [0, 'RangeError', 'expected a percentage in (0, 100], got 0'],
      ['0%', 'RangeError', 'expected a percentage in (0, 100], got "0%"'],
      [150, 'RangeError', 'expected a percentage in (0, 100], got 150'],
      [-5, 'RangeError', 'expected a percentage in (0, 100], got -5'],
    ];
    for (const [input, name, message] of cases) {
      assert.throws(() => parsePercent(input), { name, message }, String(input));
    }
  });
});

describe('parseInteger', () => {
  it('reads integers >= min and refuses the rest', () => {
    assert.equal(parseInteger(3), 3);
    assert.throws(() => parseInteger(0), {
      name: 'RangeError',
      message: 'expected an integer >= 1, got 0',
    });
    assert.throws(() => parseInteger(2.5), {
      name: 'RangeError',
      message: 'expected an integer >= 1, got 2.5',
    });
    assert.throws(() => parseInteger('3'), {
      name: 'TypeError',
      message: 'expected an integer >= 1, got "3"',
    });
  });
});
