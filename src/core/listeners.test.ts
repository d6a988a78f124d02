// onStateChange, onTransition and onCall: what they are given, when (after the change took effect,
// in transition order, also when a listener changes the state itself), and that a listener that
// throws never reaches the caller nor leaves the breaker broken. Also the diagnostics channels.
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { T0, breakerMaker, counts, fail } from '../../test/fixtures/core/support.js';
import { channelNames } from './channels.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from './errors.js';
import type { CallEvent, StateChangeEvent } from './events.js';
import type { CircuitState, Counts } from './types.js';

// This file's breakers wait 1000 ms when open unless a test sets its own timeout.
const make = breakerMaker({ timeout: 1000 });

// Warnings raised by listener errors, collected per test.
let warnings: Error[] = [];
const onWarning = (w: Error): void => {
  warnings.push(w);
};
beforeEach(() => {
  warnings = [];
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

describe('onStateChange', () => {
  it('gets (name, from, to) for every change, with state already reading `to`', async () => {
    const seen: [string, CircuitState, CircuitState, CircuitState, Counts][] = [];
    const holder: { breaker?: CircuitBreaker } = {};
    const { clock, breaker } = make({
      name: 'svc',
      onStateChange: (name, from, to) => {
        const b = holder.breaker as CircuitBreaker;
        seen.push([name, from, to, b.state, b.counts]);
      },
    });
    holder.breaker = breaker;
    for (let i = 0; i < 6; i++) await fail(breaker);
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    await fail(breaker);
    clock.advance(1000);
    // Here the call itself applies the elapsed time: the event fires inside execute.
    await breaker.execute(() => 'ok');
    assert.deepEqual(seen, [
      ['svc', 'closed', 'open', 'open', counts()],
      ['svc', 'open', 'half-open', 'half-open', counts()],
      ['svc', 'half-open', 'open', 'open', counts()],
      ['svc', 'open', 'half-open', 'half-open', counts()],
      ['svc', 'half-open', 'closed', 'closed', counts()],
    ]);
  });

  it('fires when a state read applies elapsed time, and only once', () => {
    const seen: string[] = [];
    const { clock, breaker } = make({ onStateChange: (_n, f, t) => seen.push(`${f}>${t}`) });
    breaker.forceOpen();
    breaker.reset();
    breaker.disable();
    breaker.reset();
    assert.deepEqual(seen, ['closed>open', 'open>closed']);
    clock.advance(10);
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.state, 'closed');
    assert.equal(seen.length, 2);
  });

  it('a throwing onStateChange never reaches the caller; the breaker keeps working', async () => {
    const { clock, breaker } = make({
      name: 'loud',
      onStateChange: () => {
        throw new Error('listener broke');
      },
    });
    for (let i = 0; i < 6; i++) await fail(breaker);
    assert.equal(breaker.state, 'open');
    await assert.rejects(
      breaker.execute(() => 1),
      BreakerOpenError,
    );
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    assert.equal(await breaker.execute(() => 'probe'), 'probe');
    assert.equal(breaker.state, 'closed');
    await tick();
    // closed>open, open>half-open, half-open>closed: one warning each.
    assert.equal(warnings.length, 3);
    for (const w of warnings) {
      assert.equal(w.name, 'BreakwaterListenerError');
      assert.match(w.message, /^onTransition listener threw: Error: listener broke/);
    }
  });
});

describe('onTransition', () => {
  it('gives name, from, to, at (the rule time), reason, and the counts that caused it', async () => {
    const { clock, breaker } = make({ name: 'n', maxRequests: 2 });
    const events: StateChangeEvent[] = [];
    breaker.onTransition((e) => events.push(e));
    await breaker.execute(() => 1);
    for (let i = 0; i < 6; i++) await fail(breaker);
    clock.advance(1500);
    await breaker.execute(() => 1);
    await breaker.execute(() => 1);
    assert.deepEqual(events, [
      {
        name: 'n',
        from: 'closed',
        to: 'open',
        at: T0,
        reason: 'tripped',
        rule: 'consecutive',
        counts: counts({
          requests: 7,
          totalSuccesses: 1,
          totalFailures: 6,
          consecutiveFailures: 6,
        }),
      },
      {
        name: 'n',
        from: 'open',
        to: 'half-open',
        at: T0 + 1000,
        reason: 'timeout-elapsed',
        counts: counts(),
      },
      {
        name: 'n',
        from: 'half-open',
        to: 'closed',
        at: T0 + 1500,
        reason: 'probes-succeeded',
        counts: counts({ requests: 2, totalSuccesses: 2, consecutiveSuccesses: 2 }),
      },
    ]);
  });

  it('a listener that resets the breaker: events arrive in transition order to every listener', async () => {
    const order: string[] = [];
    const { breaker } = make({
      onStateChange: (_n, from, to) =>
        order.push(`onStateChange ${from}>${to} reads ${breaker.state}`),
    });
    breaker.onTransition((e) => {
      order.push(`A ${e.from}>${e.to}`);
      if (e.to === 'open') breaker.reset();
    });
    breaker.onTransition((e) => order.push(`B ${e.from}>${e.to}`));
    for (let i = 0; i < 6; i++) await fail(breaker);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
    assert.deepEqual(order, [
      'onStateChange closed>open reads open',
      'A closed>open',
      // B still sees the open event before the reset one, although the state already moved on.
      'B closed>open',
      'onStateChange open>closed reads closed',
      'A open>closed',
      'B open>closed',
    ]);
    // The breaker works normally afterwards.
    for (let i = 0; i < 5; i++) await fail(breaker);
    assert.equal(breaker.counts.consecutiveFailures, 5);
  });

  it('a listener may call execute: a probe admitted from the half-open event', async () => {
    const { clock, breaker } = make();
    const probes: Promise<string>[] = [];
    let release!: (v: string) => void;
    const gate = new Promise<string>((r) => (release = r));
    breaker.onTransition((e) => {
      if (e.to === 'half-open') probes.push(breaker.execute(() => gate));
    });
    for (let i = 0; i < 6; i++) await fail(breaker);
    clock.advance(1000);
    // The call that applied the elapsed time finds the only slot taken by the listener's probe.
    await assert.rejects(
      breaker.execute(() => 'second'),
      TooManyRequestsError,
    );
    assert.equal(probes.length, 1);
    release('from listener');
    assert.equal(await probes[0], 'from listener');
    assert.equal(breaker.state, 'closed');
  });

  it('listeners added during delivery see only later events; removed ones stop', async () => {
    const { clock, breaker } = make();
    const late: string[] = [];
    const first: string[] = [];
    const stop = breaker.onTransition((e) => {
      first.push(e.to);
      if (e.to === 'open') breaker.onTransition((x) => late.push(x.to));
    });
    for (let i = 0; i < 6; i++) await fail(breaker);
    stop();
    stop(); // twice does nothing
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(first, ['open']);
    assert.deepEqual(late, ['half-open']);
  });

  it('the disposer also works with `using` ([Symbol.dispose])', () => {
    const { breaker } = make();
    const seen: string[] = [];
    {
      const d = breaker.onTransition((e) => seen.push(e.to));
      breaker.forceOpen();
      d[Symbol.dispose]();
    }
    breaker.reset();
    assert.deepEqual(seen, ['open']);
  });

  it('dispose() drops every listener, onStateChange included', async () => {
    const seen: string[] = [];
    const { breaker } = make({ onStateChange: (_n, _f, to) => seen.push(`osc ${to}`) });
    breaker.onTransition((e) => seen.push(`t ${e.to}`));
    breaker.onCall((e) => seen.push(`c ${e.outcome}`));
    breaker.dispose();
    await fail(breaker);
    breaker.forceOpen();
    assert.deepEqual(seen, []);
  });

  it('rejects a listener that is not a function', () => {
    const { breaker } = make();
    assert.throws(() => breaker.onTransition(42 as never), {
      name: 'TypeError',
      message: 'onTransition listener must be a function, got number',
    });
    assert.throws(() => breaker.onCall('x' as never), {
      name: 'TypeError',
      message: 'onCall listener must be a function, got string',
    });
  });

  it('a throwing listener does not stop the others', async () => {
    const { breaker } = make();
    const seen: string[] = [];
    breaker.onTransition(() => {
      throw new Error('first');
    });
    breaker.onTransition((e) => seen.push(e.to));
    breaker.forceOpen();
    assert.deepEqual(seen, ['open']);
    await tick();
    assert.equal(warnings.length, 1);
  });
});

describe('onCall', () => {
  it('reports every outcome, rejection, duration, slowness and staleness', async () => {
    const excluded = new Error('excluded');
    const { clock, breaker } = make({
      name: 'c',
      slowCallDuration: 100,
      isExcluded: (e) => e === excluded,
    });
    const events: CallEvent[] = [];
    breaker.onCall((e) => events.push(e));
    await breaker.execute(() => 'v');
    let release!: (v: string) => void;
    const slow = breaker.execute(() => new Promise<string>((r) => (release = r)));
    clock.advance(101);
    release('late');
    await slow;
    await assert.rejects(breaker.execute(() => Promise.reject(excluded)));
    breaker.forceOpen();
    await assert.rejects(breaker.execute(() => 1));
    assert.deepEqual(events, [
      {
        name: 'c',
        outcome: 'success',
        duration: 0,
        slow: false,
        stale: false,
        error: undefined,
        state: 'closed',
      },
      {
        name: 'c',
        outcome: 'success',
        duration: 101,
        slow: true,
        stale: false,
        error: undefined,
        state: 'closed',
      },
      {
        name: 'c',
        outcome: 'excluded',
        duration: 0,
        slow: false,
        stale: false,
        error: excluded,
        state: 'closed',
      },
      {
        name: 'c',
        outcome: 'rejected',
        reason: 'open',
        duration: NaN,
        slow: false,
        stale: false,
        error: events[3]?.error,
        state: 'open',
      },
    ]);
    assert.ok(events[3]?.error instanceof BreakerOpenError);
  });

  it('a throwing onCall listener does not change the call result', async () => {
    const { breaker } = make();
    breaker.onCall(() => {
      throw new Error('nope');
    });
    assert.equal(await breaker.execute(() => 5), 5);
    await fail(breaker);
    assert.deepEqual(
      breaker.counts,
      counts({ requests: 2, totalSuccesses: 1, totalFailures: 1, consecutiveFailures: 1 }),
    );
    await tick();
    assert.equal(warnings.length, 2);
  });
});

describe('diagnostics channels', () => {
  it('publishes creation, calls and state changes with the breaker attached', async () => {
    const created: unknown[] = [];
    const calls: { breaker: unknown; outcome: string }[] = [];
    const states: { breaker: unknown; from: string; to: string }[] = [];
    const onCreated = (m: unknown): void => {
      created.push((m as { breaker: unknown }).breaker);
    };
    const onCall = (m: unknown): void => {
      calls.push(m as { breaker: unknown; outcome: string });
    };
    const onState = (m: unknown): void => {
      states.push(m as { breaker: unknown; from: string; to: string });
    };
    diagnosticsChannel.subscribe(channelNames.created, onCreated);
    diagnosticsChannel.subscribe(channelNames.call, onCall);
    diagnosticsChannel.subscribe(channelNames.state, onState);
    try {
      const { breaker } = make({ name: 'dc' });
      await breaker.execute(() => 1);
      breaker.forceOpen();
      await assert.rejects(breaker.execute(() => 1));
      assert.deepEqual(created, [breaker]);
      assert.deepEqual(
        calls.map((c) => [c.breaker === breaker, c.outcome]),
        [
          [true, 'success'],
          [true, 'rejected'],
        ],
      );
      assert.deepEqual(
        states.map((s) => [s.breaker === breaker, s.from, s.to]),
        [[true, 'closed', 'open']],
      );
    } finally {
      diagnosticsChannel.unsubscribe(channelNames.created, onCreated);
      diagnosticsChannel.unsubscribe(channelNames.call, onCall);
      diagnosticsChannel.unsubscribe(channelNames.state, onState);
    }
  });
});
