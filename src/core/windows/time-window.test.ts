// TimeWindow: buckets aligned on multiples of the bucket width, expiry at exact bucket
// boundaries, clock jumps backwards (nothing expires early) and forwards (past the whole window,
// huge jumps), a window of one bucket, save/restore, and a differential check against a plain
// list on a random trace with jumps both ways.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { T0, totals, totalsOf } from '../../../test/fixtures/core/support.js';
import { seededRandom } from '../../testing/seeded-random.js';
import { TimeWindow } from './time-window.js';
import { EXCLUDED, FAILURE, SLOW, SUCCESS, type WindowState, type WindowTotals } from './window.js';

function at(w: TimeWindow, now: number): WindowTotals {
  w.advance(now);
  return totalsOf(w);
}

describe('TimeWindow', () => {
  it('a call stays until its bucket is a full window old', () => {
    const w = new TimeWindow(1000, 10); // 100 ms buckets
    w.record(FAILURE, T0 + 150); // bucket [T0+100, T0+200)
    assert.deepEqual(at(w, T0 + 1099), totals(0, 1));
    assert.deepEqual(at(w, T0 + 1100), totals(0, 0));
  });

  it('lives between size - width and size ms, depending on where in its bucket it fell', () => {
    const early = new TimeWindow(1000, 10);
    early.record(SUCCESS, T0);
    assert.deepEqual(at(early, T0 + 999), totals(1, 0));
    assert.deepEqual(at(early, T0 + 1000), totals(0, 0));
    const late = new TimeWindow(1000, 10);
    late.record(SUCCESS, T0 + 99);
    assert.deepEqual(at(late, T0 + 999), totals(1, 0));
    assert.deepEqual(at(late, T0 + 1000), totals(0, 0));
  });

  it('buckets expire one by one', () => {
    const w = new TimeWindow(500, 5);
    for (let i = 0; i < 5; i++) w.record(i % 2 === 0 ? SUCCESS : FAILURE + SLOW, T0 + i * 100);
    w.record(EXCLUDED, T0 + 450);
    assert.deepEqual(at(w, T0 + 499), totals(3, 2, 1, 2));
    assert.deepEqual(at(w, T0 + 500), totals(2, 2, 1, 2));
    assert.deepEqual(at(w, T0 + 600), totals(2, 1, 1, 1));
    assert.deepEqual(at(w, T0 + 700), totals(1, 1, 1, 1));
    assert.deepEqual(at(w, T0 + 800), totals(1, 0, 1, 0));
    assert.deepEqual(at(w, T0 + 900), totals(0, 0, 0, 0));
  });

  it('a clock that goes backwards expires nothing early; its calls go to the newest bucket', () => {
    const w = new TimeWindow(1000, 10);
    w.record(FAILURE, T0 + 950); // bucket T0+900
    w.advance(T0 - 10_000);
    assert.deepEqual(totalsOf(w), totals(0, 1));
    w.record(SUCCESS, T0 - 10_000); // recorded into the bucket of T0+900
    assert.deepEqual(at(w, T0 + 1899), totals(1, 1));
    assert.deepEqual(at(w, T0 + 1900), totals(0, 0));
  });

  it('a jump forward past the whole window clears it, however far', () => {
    for (const jump of [1000, 1001, 5000, 10 * 86_400_000, Number.MAX_SAFE_INTEGER - T0 - 900]) {
      const w = new TimeWindow(1000, 10);
      for (let i = 0; i < 10; i++) w.record(FAILURE, T0 + i * 100);
      w.record(SUCCESS, T0 + 900 + jump); // a jump of a window or more from the newest bucket
      assert.deepEqual(totalsOf(w), totals(1, 0), `jump ${jump}`);
    }
  });

  it('a jump forward of k buckets clears k of them', () => {
    const w = new TimeWindow(1000, 10);
    for (let i = 0; i < 10; i++) w.record(FAILURE, T0 + i * 100);
    assert.deepEqual(at(w, T0 + 999 + 300), totals(0, 7));
  });

  it('a window of one bucket (record, advance twice, record)', () => {
    const w = new TimeWindow(1000, 1);
    w.record(FAILURE, T0);
    assert.deepEqual(at(w, T0 + 999), totals(0, 1));
    assert.deepEqual(at(w, T0 + 1000), totals(0, 0));
    assert.deepEqual(at(w, T0 + 2000), totals(0, 0));
    w.record(SUCCESS, T0 + 2000);
    assert.deepEqual(totalsOf(w), totals(1, 0));
  });

  it('a window of 1 ms in 1 bucket', () => {
    const w = new TimeWindow(1, 1);
    w.record(FAILURE, T0);
    assert.deepEqual(at(w, T0), totals(0, 1));
    assert.deepEqual(at(w, T0 + 1), totals(0, 0));
  });

  it('huge windows and huge jumps cost O(buckets), not O(elapsed)', () => {
    const w = new TimeWindow(3_600_000, 3600);
    w.record(FAILURE, T0);
    const started = performance.now();
    for (let day = 1; day <= 1000; day++) w.record(SUCCESS, T0 + day * 86_400_000);
    const elapsed = performance.now() - started;
    assert.deepEqual(totalsOf(w), totals(1, 0));
    assert.ok(elapsed < 2000, `1000 jumps took ${elapsed} ms`);
  });

  it('works near Number.MAX_SAFE_INTEGER and below 0', () => {
    const big = new TimeWindow(1000, 10);
    const top = Number.MAX_SAFE_INTEGER - 1_000_000;
    for (let i = 0; i < 20; i++) big.record(SUCCESS, top + i * 100);
    assert.deepEqual(totalsOf(big), totals(10, 0));
    const neg = new TimeWindow(1000, 10);
    neg.record(FAILURE, -50);
    neg.record(SUCCESS, 40);
    assert.deepEqual(at(neg, 899), totals(1, 1));
    assert.deepEqual(at(neg, 900), totals(1, 0));
  });

  it('reset empties it and forgets the head', () => {
    const w = new TimeWindow(1000, 10);
    w.record(FAILURE, T0 + 5000);
    w.reset();
    assert.deepEqual(totalsOf(w), totals(0, 0));
    w.record(SUCCESS, T0); // an earlier time is fine after a reset
    assert.deepEqual(at(w, T0 + 999), totals(1, 0));
    assert.deepEqual(w.save().head, Math.floor((T0 + 999) / 100));
  });

  it('save() and restore() keep the buckets at their times', () => {
    const a = new TimeWindow(1000, 10);
    a.record(FAILURE + SLOW, T0 + 100);
    a.record(SUCCESS, T0 + 550);
    a.record(EXCLUDED, T0 + 550);
    const saved = JSON.parse(JSON.stringify(a.save())) as WindowState;
    assert.equal(saved.head, (T0 + 500) / 100);
    assert.equal(saved.data.length, 40);
    const b = new TimeWindow(1000, 10);
    b.restore(saved);
    assert.deepEqual(totalsOf(b), totals(1, 1, 1, 1));
    assert.deepEqual(at(b, T0 + 1100), totals(1, 0, 1, 0));
    assert.deepEqual(at(b, T0 + 1500), totals(0, 0, 0, 0));
    const empty = new TimeWindow(1000, 10);
    assert.deepEqual(empty.save(), { kind: 'time', data: [] });
    empty.restore({ kind: 'time', data: [] });
    assert.deepEqual(totalsOf(empty), totals(0, 0));
  });

  it('restore() validates', () => {
    const w = new TimeWindow(1000, 2);
    assert.throws(
      () => {
        w.restore({ kind: 'count', data: [] });
      },
      {
        name: 'TypeError',
        message: 'initialState.window: expected a time window, got {"kind":"count","data":[]}',
      },
    );
    assert.throws(
      () => {
        w.restore({ kind: 'time', data: [0, 0, 0, 0, 0, 0, 0, 0] });
      },
      {
        name: 'TypeError',
        message: 'initialState.window.head: expected an integer, got undefined',
      },
    );
    assert.throws(
      () => {
        w.restore({ kind: 'time', data: [0, 0, 0, 0, 0, 0, 0, 0.5], head: 1 });
      },
      {
        name: 'TypeError',
        message: 'initialState.window.data: bad count 0.5',
      },
    );
  });

  it('matches a plain list over a long random trace with jumps both ways', () => {
    const random = seededRandom(11);
    for (const [size, buckets] of [
      [1000, 10],
      [1000, 1],
      [60, 3],
      [7, 7],
    ] as const) {
      const width = size / buckets;
      const w = new TimeWindow(size, buckets);
      const entries: { bucket: number; code: number }[] = [];
      let head = -Infinity;
      let now = T0;
      for (let i = 0; i < 4000; i++) {
        const r = random();
        if (r < 0.05)
          now -= Math.floor(random() * size * 2); // backwards
        else if (r < 0.1)
          now += Math.floor(random() * size * 5); // far forwards
        else now += Math.floor(random() * width);
        head = Math.max(head, Math.floor(now / width));
        if (random() < 0.7) {
          const kind = [SUCCESS, FAILURE, EXCLUDED][Math.floor(random() * 3)] ?? SUCCESS;
          const code = kind !== EXCLUDED && random() < 0.3 ? kind + SLOW : kind;
          w.record(code, now);
          entries.push({ bucket: head, code });
        } else w.advance(now);
        const inWindow = entries.filter((e) => e.bucket > head - buckets).map((e) => e.code);
        const expected = totals(
          inWindow.filter((c) => (c & 3) === SUCCESS).length,
          inWindow.filter((c) => (c & 3) === FAILURE).length,
          inWindow.filter((c) => c === EXCLUDED).length,
          inWindow.filter((c) => (c & SLOW) !== 0).length,
        );
        assert.deepEqual(totalsOf(w), expected, `window ${size}/${buckets}, step ${i}`);
        assert.ok(w.successes >= 0 && w.failures >= 0 && w.exclusions >= 0 && w.slow >= 0);
      }
    }
  });
});
