// CountWindow: the last `size` successes and failures (subtract-on-evict totals), exclusions that
// take no slot, save/restore, and a differential check against a plain list on a random trace.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { totals, totalsOf } from '../../../test/fixtures/core/support.js';
import { seededRandom } from '../../testing/seeded-random.js';
import { CountWindow } from './count-window.js';
import { EXCLUDED, FAILURE, SLOW, SUCCESS, type WindowTotals } from './window.js';

describe('CountWindow', () => {
  it('starts empty', () => {
    assert.deepEqual(totalsOf(new CountWindow(5)), totals(0, 0));
  });

  it('keeps the last size outcomes', () => {
    const w = new CountWindow(4);
    const steps: [number, WindowTotals][] = [
      [FAILURE, totals(0, 1)],
      [SUCCESS, totals(1, 1)],
      [SUCCESS, totals(2, 1)],
      [SUCCESS, totals(3, 1)],
      [SUCCESS, totals(4, 0)], // the failure slid out
      [FAILURE, totals(3, 1)],
    ];
    for (const [code, expected] of steps) {
      w.record(code, 0);
      assert.deepEqual(totalsOf(w), expected);
    }
  });

  it('counts slow successes and slow failures, and forgets them as they slide out', () => {
    const w = new CountWindow(2);
    w.record(FAILURE + SLOW, 0);
    assert.deepEqual(totalsOf(w), totals(0, 1, 0, 1));
    w.record(SUCCESS + SLOW, 0);
    assert.deepEqual(totalsOf(w), totals(1, 1, 0, 2));
    w.record(SUCCESS, 0);
    assert.deepEqual(totalsOf(w), totals(2, 0, 0, 1));
    w.record(SUCCESS, 0);
    assert.deepEqual(totalsOf(w), totals(2, 0, 0, 0));
  });

  it('a window of one', () => {
    const w = new CountWindow(1);
    w.record(FAILURE, 0);
    w.record(SUCCESS + SLOW, 0);
    assert.deepEqual(totalsOf(w), totals(1, 0, 0, 1));
  });

  it('exclusions take no slot and leave with the outcome recorded after them', () => {
    const w = new CountWindow(2);
    w.record(EXCLUDED, 0);
    w.record(EXCLUDED, 0);
    assert.deepEqual(totalsOf(w), totals(0, 0, 2));
    w.record(FAILURE, 0);
    w.record(EXCLUDED, 0);
    w.record(FAILURE, 0);
    for (let i = 0; i < 50; i++) w.record(EXCLUDED, 0);
    assert.deepEqual(totalsOf(w), totals(0, 2, 53));
    w.record(SUCCESS, 0); // evicts the first failure and the two exclusions before it
    assert.deepEqual(totalsOf(w), totals(1, 1, 51));
    w.record(SUCCESS, 0); // evicts the second failure and the one exclusion before it
    assert.deepEqual(totalsOf(w), totals(2, 0, 50));
    w.record(SUCCESS, 0);
    assert.deepEqual(totalsOf(w), totals(2, 0, 0));
  });

  it('does not age', () => {
    const w = new CountWindow(3);
    w.record(FAILURE, 0);
    w.advance(Number.MAX_SAFE_INTEGER);
    assert.deepEqual(totalsOf(w), totals(0, 1));
  });

  it('reset empties it', () => {
    const w = new CountWindow(3);
    w.record(FAILURE + SLOW, 0);
    w.record(EXCLUDED, 0);
    w.reset();
    assert.deepEqual(totalsOf(w), totals(0, 0));
    assert.deepEqual(w.save(), { kind: 'count', data: [], exclusions: [0] });
    w.record(SUCCESS, 0);
    w.record(SUCCESS, 0);
    w.record(SUCCESS, 0);
    w.record(FAILURE, 0);
    assert.deepEqual(totalsOf(w), totals(2, 1));
  });

  it('save() lists outcomes oldest first, with the exclusions around them', () => {
    const w = new CountWindow(3);
    for (const code of [SUCCESS, EXCLUDED, FAILURE + SLOW, SUCCESS, FAILURE, EXCLUDED, EXCLUDED])
      w.record(code, 0);
    assert.deepEqual(w.save(), {
      kind: 'count',
      data: [FAILURE + SLOW, SUCCESS, FAILURE],
      exclusions: [1, 0, 0, 2],
    });
  });

  it('restore() rebuilds the same window, and a smaller one keeps the newest entries', () => {
    const a = new CountWindow(4);
    for (const code of [FAILURE, EXCLUDED, SUCCESS + SLOW, FAILURE, SUCCESS, EXCLUDED])
      a.record(code, 0);
    const same = new CountWindow(4);
    same.restore(a.save());
    assert.deepEqual(totalsOf(same), totalsOf(a));
    assert.deepEqual(same.save(), a.save());
    const smaller = new CountWindow(2);
    smaller.restore(a.save());
    assert.deepEqual(totalsOf(smaller), totals(1, 1, 1));
  });

  it('restore() takes EXCLUDED codes in data when there is no exclusions list', () => {
    const w = new CountWindow(2);
    w.restore({ kind: 'count', data: [FAILURE, EXCLUDED, SUCCESS, EXCLUDED] });
    assert.deepEqual(totalsOf(w), totals(1, 1, 2));
    assert.deepEqual(w.save(), { kind: 'count', data: [FAILURE, SUCCESS], exclusions: [0, 1, 1] });
  });

  it('restore() validates', () => {
    const w = new CountWindow(2);
    assert.throws(
      () => {
        w.restore({ kind: 'time', data: [] });
      },
      {
        name: 'TypeError',
        message: 'initialState.window: expected a count window, got {"kind":"time","data":[]}',
      },
    );
    assert.throws(
      () => {
        w.restore({ kind: 'count', data: [3] });
      },
      {
        name: 'TypeError',
        message: 'initialState.window.data: bad outcome code 3',
      },
    );
    assert.throws(
      () => {
        w.restore({ kind: 'count', data: [0], exclusions: [0, -1] });
      },
      {
        name: 'TypeError',
        message: 'initialState.window.exclusions: expected 2 integers >= 0, got [0,-1]',
      },
    );
  });

  it('matches a plain list over a long random trace', () => {
    const random = seededRandom(7);
    for (const size of [1, 2, 5, 17]) {
      const w = new CountWindow(size);
      const list: number[] = [];
      for (let i = 0; i < 5000; i++) {
        const r = random();
        const code = r < 0.3 ? EXCLUDED : r < 0.6 ? SUCCESS : FAILURE;
        const slow = code !== EXCLUDED && random() < 0.3 ? SLOW : 0;
        w.record(code + slow, 0);
        list.push(code + slow);
        // The model: the last `size` non-excluded entries, and every exclusion after the one
        // before them.
        let seen = 0;
        let from = list.length;
        for (; from > 0; from--) {
          if (list[from - 1] === EXCLUDED) continue;
          if (seen === size) break;
          seen++;
        }
        const inWindow = list.slice(from);
        const expected = totals(
          inWindow.filter((c) => (c & 3) === SUCCESS && c !== EXCLUDED).length,
          inWindow.filter((c) => (c & 3) === FAILURE).length,
          inWindow.filter((c) => c === EXCLUDED).length,
          inWindow.filter((c) => (c & SLOW) !== 0).length,
        );
        assert.deepEqual(totalsOf(w), expected, `size ${size}, step ${i}`);
        if (i % 997 === 0) {
          const copy = new CountWindow(size);
          copy.restore(JSON.parse(JSON.stringify(w.save())) as ReturnType<CountWindow['save']>);
          assert.deepEqual(totalsOf(copy), expected);
        }
      }
    }
  });
});
