// Emitter and disposer: listeners added or removed during delivery, errors isolated and
// reported as process warnings, disposers that work once and with `using`.
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Emitter, disposer, reportListenerError } from './emitter.js';

describe('Emitter', () => {
  it('delivers to every listener in subscription order', () => {
    const e = new Emitter<number>('test');
    const seen: string[] = [];
    e.subscribe((n) => seen.push(`a${n}`));
    e.subscribe((n) => seen.push(`b${n}`));
    assert.equal(e.size, 2);
    assert.equal(e.active, true);
    e.emit(1);
    assert.deepEqual(seen, ['a1', 'b1']);
  });

  it('a listener added during delivery gets the next event only; a removed one still gets this one', () => {
    const e = new Emitter<number>('test');
    const seen: string[] = [];
    const holder: { removeB?: () => void } = {};
    e.subscribe((n) => {
      seen.push(`a${n}`);
      if (n === 1) {
        e.subscribe((m) => seen.push(`c${m}`));
        holder.removeB?.();
      }
    });
    holder.removeB = e.subscribe((n) => seen.push(`b${n}`));
    e.emit(1);
    e.emit(2);
    assert.deepEqual(seen, ['a1', 'b1', 'a2', 'c2']);
  });

  it('the same listener twice is two subscriptions; each disposer removes one', () => {
    const e = new Emitter<number>('test');
    let calls = 0;
    const listener = (): void => {
      calls++;
    };
    const first = e.subscribe(listener);
    e.subscribe(listener);
    e.emit(0);
    assert.equal(calls, 2);
    first();
    first();
    e.emit(0);
    assert.equal(calls, 3);
    assert.equal(e.size, 1);
  });

  it('100000 subscribe/unsubscribe cycles leave no listener behind', () => {
    const e = new Emitter<number>('test');
    for (let i = 0; i < 100_000; i++) e.subscribe(() => undefined)();
    assert.equal(e.size, 0);
    assert.equal(e.active, false);
  });

  it('clear() drops every listener', () => {
    // Counted, not assert.fail: the emitter reports a throwing listener as a warning, so a
    // failed assertion inside one would never fail the test.
    const e = new Emitter<number>('test');
    const calls: string[] = [];
    e.subscribe(() => calls.push('a'));
    e.subscribe(() => calls.push('b'));
    e.emit(1);
    assert.deepEqual(calls, ['a', 'b'], 'delivered before clear()');
    e.clear();
    e.emit(2);
    assert.deepEqual(calls, ['a', 'b'], 'no listener runs after clear()');
    assert.equal(e.size, 0);
    assert.equal(e.active, false);
    e.subscribe(() => calls.push('c'));
    e.emit(3);
    assert.deepEqual(calls, ['a', 'b', 'c'], 'a listener added after clear() runs alone');
  });

  it('a throwing listener is reported as a warning and the others still run', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const e = new Emitter<number>('onThing');
      let after = 0;
      e.subscribe(() => {
        throw new TypeError('bad listener');
      });
      e.subscribe(() => after++);
      assert.doesNotThrow(() => {
        e.emit(1);
      });
      assert.equal(after, 1);
      reportListenerError('custom place', 'a string');
      await tick();
      assert.equal(warnings.length, 2);
      assert.equal(warnings[0]?.name, 'BreakwaterListenerError');
      assert.match(warnings[0].message, /^onThing listener threw: TypeError: bad listener\n/);
      assert.equal(warnings[1]?.message, 'custom place threw: a string');
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('disposer', () => {
  it('runs once, also through Symbol.dispose', () => {
    let runs = 0;
    const d = disposer(() => runs++);
    d[Symbol.dispose]();
    d();
    assert.equal(runs, 1);
  });
});
