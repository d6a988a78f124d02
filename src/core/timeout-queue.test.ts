// TimeoutQueue: one timer for many deadlines, expired in order once, settled entries skipped,
// and no timer re-armed when nothing is left.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { TimeoutQueue, type Expirable } from './timeout-queue.js';

function entry(deadline: number, log: string[], name: string): Expirable {
  return {
    deadline,
    settled: false,
    next: undefined,
    expire() {
      this.settled = true;
      log.push(name);
    },
  };
}

describe('TimeoutQueue', () => {
  it('expires entries in deadline order with one timer armed at a time', () => {
    const clock = new ManualClock(1000);
    const q = new TimeoutQueue(clock);
    const log: string[] = [];
    q.add(entry(1100, log, 'a'));
    q.add(entry(1200, log, 'b'));
    q.add(entry(1200, log, 'c'));
    assert.equal(clock.pendingTimers, 1);
    assert.equal(q.armed, true);
    clock.advance(99);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(log, ['a']);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(100);
    assert.deepEqual(log, ['a', 'b', 'c']);
    assert.equal(q.armed, false);
    assert.equal(clock.pendingTimers, 0);
  });

  it('skips entries settled another way, and does not re-arm for them', () => {
    const clock = new ManualClock();
    const q = new TimeoutQueue(clock);
    const log: string[] = [];
    const a = entry(10, log, 'a');
    const b = entry(20, log, 'b');
    q.add(a);
    q.add(b);
    a.settled = true;
    q.trim();
    b.settled = true;
    q.trim();
    clock.advance(100);
    assert.deepEqual(log, []);
    assert.equal(q.armed, false);
    assert.equal(clock.pendingTimers, 0);
  });

  it('re-arms for an earlier deadline added later', () => {
    const clock = new ManualClock();
    const q = new TimeoutQueue(clock);
    const log: string[] = [];
    q.add(entry(500, log, 'late'));
    q.add(entry(100, log, 'early'));
    assert.equal(clock.pendingTimers, 1);
    clock.advance(100);
    assert.deepEqual(log, ['early']);
    clock.advance(400);
    assert.deepEqual(log, ['early', 'late']);
  });

  it('keeps deadlines in order when one arrives out of order (a clock that went back)', () => {
    const clock = new ManualClock();
    const q = new TimeoutQueue(clock);
    const log: string[] = [];
    q.add(entry(100, log, 'a'));
    q.add(entry(300, log, 'c'));
    q.add(entry(200, log, 'b'));
    q.add(entry(300, log, 'd'));
    q.add(entry(50, log, 'first'));
    const at = (t: number): string[] => {
      clock.set(t);
      return [...log];
    };
    assert.deepEqual(at(50), ['first']);
    assert.deepEqual(at(199), ['first', 'a']);
    assert.deepEqual(at(200), ['first', 'a', 'b']);
    assert.deepEqual(at(300), ['first', 'a', 'b', 'c', 'd']);
    assert.equal(q.armed, false);
  });

  it('works with a clock that has no schedule(), on an unref-ed real timer', async () => {
    const q = new TimeoutQueue({ now: () => Date.now() });
    const log: string[] = [];
    const keepAlive = setTimeout(() => undefined, 5000);
    try {
      q.add(entry(Date.now() + 5, log, 'real'));
      assert.equal(q.armed, true);
      await new Promise((r) => setTimeout(r, 30));
      assert.deepEqual(log, ['real']);
      assert.equal(q.armed, false);
    } finally {
      clearTimeout(keepAlive);
    }
  });
});
