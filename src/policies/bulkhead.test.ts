import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { BreakerError } from '../core/errors.js';
import { bulkhead } from './bulkhead.js';
import { BulkheadRejectedError, isBulkheadRejection, isPolicyRejection } from './errors.js';
import { assertInstanceOf, deferred, flush, track } from './support.test.js';

/** Work items that finish when the test says so, recording the order they start in. */
function gate() {
  const started: string[] = [];
  const pending = new Map<string, ReturnType<typeof deferred<string>>>();
  const work = (id: string) => () => {
    started.push(id);
    const d = deferred<string>();
    pending.set(id, d);
    return d.promise;
  };
  const finish = (id: string, error?: Error) => {
    const d = pending.get(id);
    if (!d) throw new Error(`${id} has not started`);
    if (error) d.reject(error);
    else d.resolve(id);
  };
  return { work, finish, started };
}

describe('bulkhead', () => {
  it('runs at most limit calls; without a queue the next is rejected at once, fn not called', async () => {
    const pool = bulkhead({ limit: 2, name: 'db' });
    const { work, finish, started } = gate();
    const a = track(pool.execute(work('a')));
    const b = track(pool.execute(work('b')));
    const c = track(pool.execute(work('c')));
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(pool.executing, 2);
    assert.equal(pool.available, 0);
    await flush();
    assertInstanceOf(c.error, BulkheadRejectedError);
    assert.equal(c.error.code, 'ERR_BULKHEAD_FULL');
    assert.equal(c.error.name, 'BulkheadRejectedError');
    assert.equal(c.error.message, 'bulkhead is full');
    assert.equal(c.error.breakerName, 'db');
    assert.equal(c.error.limit, 2);
    assert.equal(c.error.queue, 0);
    assertInstanceOf(c.error, BreakerError);
    assert.equal(isBulkheadRejection(c.error), true);
    assert.equal(isPolicyRejection(c.error), true);
    finish('a');
    await flush();
    assert.equal(a.value, 'a');
    assert.equal(pool.executing, 1);
    const d = track(pool.execute(work('d')));
    assert.deepEqual(started, ['a', 'b', 'd']);
    finish('b');
    finish('d');
    await flush();
    assert.equal(b.value, 'b');
    assert.equal(d.value, 'd');
    assert.equal(pool.executing, 0);
  });

  it('queues up to queue calls and starts them first come first served', async () => {
    const pool = bulkhead({ limit: 1, queue: 2 });
    const { work, finish, started } = gate();
    const results = ['a', 'b', 'c', 'd'].map((id) => track(pool.execute(work(id))));
    assert.deepEqual(started, ['a']);
    assert.equal(pool.queued, 2);
    await flush();
    assertInstanceOf(results[3]?.error, BulkheadRejectedError);
    finish('a');
    await flush();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(pool.queued, 1);
    finish('b', new Error('b failed'));
    await flush();
    assert.deepEqual(started, ['a', 'b', 'c']);
    assert.equal((results[1]?.error as Error).message, 'b failed');
    finish('c');
    await flush();
    assert.deepEqual(
      results.slice(0, 3).map((r) => r.value),
      ['a', undefined, 'c'],
    );
    assert.equal(pool.executing, 0);
    assert.equal(pool.queued, 0);
  });

  it('a queued call whose signal aborts leaves the queue at once and takes no slot', async () => {
    const pool = bulkhead({ limit: 1, queue: 1 });
    const { work, finish, started } = gate();
    const controller = new AbortController();
    track(pool.execute(work('a')));
    const b = track(pool.execute(work('b'), { signal: controller.signal }));
    assert.equal(pool.queued, 1);
    controller.abort('caller left');
    await flush();
    assert.equal(b.error, 'caller left');
    assert.equal(pool.queued, 0);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    // The place is free again, and the aborted call never runs (no starvation, cockatiel#112).
    const c = track(pool.execute(work('c')));
    finish('a');
    await flush();
    assert.deepEqual(started, ['a', 'c']);
    finish('c');
    await flush();
    assert.equal(c.value, 'c');
  });

  it('a running call gets the caller signal and keeps its slot until fn settles', async () => {
    const pool = bulkhead({ limit: 1 });
    const controller = new AbortController();
    const work = deferred<string>();
    let seen: AbortSignal | undefined;
    const a = track(
      pool.execute(
        (signal) => {
          seen = signal;
          return work.promise;
        },
        { signal: controller.signal },
      ),
    );
    assert.equal(seen, controller.signal);
    controller.abort();
    await flush();
    assert.equal(a.settled, false);
    assert.equal(pool.executing, 1);
    work.reject(controller.signal.reason);
    await flush();
    assert.equal(a.rejected, true);
    assert.equal(pool.executing, 0);
  });

  it('a synchronous throw releases the slot', async () => {
    const pool = bulkhead({ limit: 1 });
    await assert.rejects(
      pool.execute(() => {
        throw new Error('sync');
      }),
      { message: 'sync' },
    );
    assert.equal(pool.executing, 0);
    assert.equal(await pool.execute(() => 5), 5);
  });

  it('an already aborted signal rejects with its reason and neither runs nor queues', async () => {
    const pool = bulkhead({ limit: 1, queue: 1 });
    let calls = 0;
    await assert.rejects(
      pool.execute(
        () => {
          calls++;
        },
        { signal: AbortSignal.abort('gone') },
      ),
      (e) => e === 'gone',
    );
    assert.equal(calls, 0);
    assert.equal(pool.executing + pool.queued, 0);
  });

  it('1000 queued calls with one signal leave no listener and run in order', async () => {
    const pool = bulkhead({ limit: 2, queue: Infinity });
    const controller = new AbortController();
    const order: number[] = [];
    const all = Array.from({ length: 1000 }, (_, i) =>
      pool.execute(
        async () => {
          order.push(i);
          await Promise.resolve();
          return i;
        },
        { signal: controller.signal },
      ),
    );
    assert.equal(pool.queued, 998);
    const values = await Promise.all(all);
    assert.deepEqual(values, order);
    assert.deepEqual(
      order,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  it('validates its options, naming them and quoting the value', () => {
    const cases: [unknown, string, string][] = [
      [undefined, 'TypeError', 'bulkhead option limit is required'],
      [{ limit: 0 }, 'RangeError', 'bulkhead option limit must be an integer >= 1, got 0'],
      [
        { limit: Infinity },
        'RangeError',
        'bulkhead option limit must be an integer >= 1, got Infinity',
      ],
      [
        { limit: 2, queue: -1 },
        'RangeError',
        'bulkhead option queue must be an integer >= 0 (or Infinity), got -1',
      ],
      [{ limit: 2, queue: '5' }, 'TypeError', 'bulkhead option queue must be a number, got "5"'],
      [{ limt: 2 }, 'TypeError', 'unknown bulkhead option limt (did you mean limit?)'],
    ];
    for (const [options, name, message] of cases) {
      assert.throws(() => bulkhead(options as { limit: number }), { name, message }, message);
    }
  });
});
