// External decisions (breaker.decide): open / half-open / close / hold-open / release as a
// fleet coordinator sends them, their transition reasons, retryAfter under a hold, forced
// states winning, and malformed decisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  T0,
  breakerMaker,
  counts,
  fail,
  recordTransitions,
  succeed,
} from '../../test/fixtures/core/support.js';
import type { ExternalDecision } from './decisions.js';
import { BreakerOpenError } from './errors.js';

const make = breakerMaker({ timeout: 1000 });

async function rejectsOpen(promise: Promise<unknown>, retryAfter: number): Promise<void> {
  await assert.rejects(
    promise,
    (e) => e instanceof BreakerOpenError && e.retryAfter === retryAfter,
  );
}

describe('decide', () => {
  it("open from closed: reason 'external-open', half-open after the normal wait", async () => {
    const { clock, breaker } = make();
    const events = recordTransitions(breaker);
    await fail(breaker);
    breaker.decide({ type: 'open' });
    assert.equal(breaker.state, 'open');
    assert.deepEqual(events, [
      {
        name: '',
        from: 'closed',
        to: 'open',
        at: T0,
        reason: 'external-open',
        counts: counts({ requests: 1, totalFailures: 1, consecutiveFailures: 1 }),
      },
    ]);
    assert.equal(breaker.retryAfter, 1000);
    await rejectsOpen(succeed(breaker), 1000);
    clock.advance(999);
    assert.equal(breaker.state, 'open');
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
    assert.equal(events[1]?.reason, 'timeout-elapsed');
    assert.equal(events[1].at, T0 + 1000);
  });

  it('open with at and wait sets the half-open time to at + wait; open again only moves it', () => {
    const { clock, breaker } = make();
    const events = recordTransitions(breaker);
    breaker.decide({ type: 'open', at: T0 - 200, wait: 500 });
    assert.equal(breaker.retryAfter, 300);
    breaker.decide({ type: 'open', at: T0, wait: 5000 });
    assert.equal(events.length, 1, 'already open: no second transition');
    assert.equal(breaker.retryAfter, 5000);
    clock.advance(4999);
    assert.equal(breaker.state, 'open');
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
  });

  it('the default wait follows a timeout function of opens', () => {
    const seen: number[] = [];
    const { breaker } = make({
      timeout: (opens) => {
        seen.push(opens);
        return opens * 100;
      },
    });
    breaker.decide({ type: 'open' });
    assert.deepEqual(seen, [1]);
    assert.equal(breaker.retryAfter, 100);
    breaker.decide({ type: 'open' });
    assert.deepEqual(seen, [1, 1]);
    assert.equal(breaker.retryAfter, 100);
  });

  it("open from half-open: reason 'external-open'; half-open: 'external-half-open'", async () => {
    const { breaker } = make();
    const events = recordTransitions(breaker);
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'half-open' });
    assert.equal(breaker.state, 'half-open');
    assert.equal(events[1]?.reason, 'external-half-open');
    assert.equal(await succeed(breaker), 'ok');
    assert.equal(breaker.state, 'closed');
    assert.equal(events[2]?.reason, 'probes-succeeded');
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'half-open' });
    breaker.decide({ type: 'open' });
    assert.deepEqual(
      events.slice(3).map((e) => `${e.from}>${e.to}:${e.reason}`),
      [
        'closed>open:external-open',
        'open>half-open:external-half-open',
        'half-open>open:external-open',
      ],
    );
  });

  it("close: reason 'external-close', new generation, counts cleared; a late result is stale", async () => {
    const { breaker } = make();
    const events = recordTransitions(breaker);
    let release!: () => void;
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'half-open' });
    const probe = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            resolve('late');
          };
        }),
    );
    breaker.decide({ type: 'close' });
    assert.equal(breaker.state, 'closed');
    assert.equal(events.at(-1)?.reason, 'external-close');
    assert.deepEqual(breaker.counts, counts());
    release();
    assert.equal(await probe, 'late');
    assert.deepEqual(breaker.counts, counts(), 'the probe of the old generation is not counted');
    assert.equal(breaker.callsInFlight, 0);
  });

  it('decisions that do not apply are no-ops: close while closed, half-open while closed', async () => {
    const { breaker } = make();
    const events = recordTransitions(breaker);
    await fail(breaker);
    breaker.decide({ type: 'close' });
    breaker.decide({ type: 'half-open' });
    breaker.decide({ type: 'hold-open' });
    breaker.decide({ type: 'release' });
    assert.equal(events.length, 0);
    assert.equal(breaker.counts.totalFailures, 1, 'a close while closed keeps the counts');
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'half-open' });
    breaker.decide({ type: 'half-open' });
    assert.equal(events.length, 2);
  });

  it('hold-open keeps an open breaker open past its wait until the next decision', async () => {
    const { clock, breaker } = make();
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'hold-open' });
    clock.advance(5000);
    assert.equal(breaker.state, 'open');
    // An indefinite hold reports the remaining normal wait, floored at 0.
    assert.equal(breaker.retryAfter, 0);
    await rejectsOpen(succeed(breaker), 0);
    breaker.decide({ type: 'release' });
    assert.equal(breaker.state, 'half-open', 'released after the wait: half-open at once');
  });

  it('an indefinite hold before the wait is over reports the wait left', () => {
    const { clock, breaker } = make();
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'hold-open' });
    clock.advance(400);
    assert.equal(breaker.retryAfter, 600);
  });

  it('hold-open until a time: half-open at that time, retryAfter counts down to it', () => {
    const { clock, breaker } = make();
    const events = recordTransitions(breaker);
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'hold-open', until: T0 + 3000 });
    assert.equal(breaker.retryAfter, 3000);
    clock.advance(2999);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 1);
    clock.advance(10);
    assert.equal(breaker.state, 'half-open');
    assert.equal(events.at(-1)?.at, T0 + 3000, 'the transition falls due at the end of the hold');
  });

  it('a hold shorter than the wait changes nothing', () => {
    const { clock, breaker } = make();
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'hold-open', until: T0 + 10 });
    assert.equal(breaker.retryAfter, 1000);
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
  });

  it("hold-open in half-open with no probe admitted goes back to open ('lease-held')", async () => {
    const { clock, breaker } = make();
    const events = recordTransitions(breaker);
    breaker.decide({ type: 'open' });
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
    breaker.decide({ type: 'hold-open' });
    assert.equal(breaker.state, 'open');
    assert.equal(events.at(-1)?.reason, 'lease-held');
    clock.advance(60_000);
    assert.equal(breaker.state, 'open', 'held: no half-open by elapsed time');
    await rejectsOpen(succeed(breaker), 0);
  });

  it('hold-open in half-open with a probe admitted keeps the probe running', async () => {
    const { clock, breaker } = make();
    breaker.decide({ type: 'open' });
    clock.advance(1000);
    let release!: () => void;
    const probe = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          release = () => {
            resolve('ok');
          };
        }),
    );
    breaker.decide({ type: 'hold-open' });
    assert.equal(breaker.state, 'half-open');
    release();
    await probe;
    assert.equal(breaker.state, 'closed');
  });

  it('a hold ends when the breaker leaves open: a later local open times out normally', async () => {
    const { clock, breaker } = make();
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'hold-open' });
    breaker.decide({ type: 'half-open' });
    await fail(breaker);
    assert.equal(breaker.state, 'open');
    clock.advance(1000);
    assert.equal(breaker.state, 'half-open');
  });

  it('forced states win: decisions are ignored while forced open or disabled', () => {
    const { breaker } = make();
    const events = recordTransitions(breaker);
    breaker.forceOpen();
    breaker.decide({ type: 'close' });
    breaker.decide({ type: 'half-open' });
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, Infinity);
    breaker.disable();
    breaker.decide({ type: 'open' });
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.forcedState, 'disabled');
    assert.deepEqual(
      events.map((e) => e.reason),
      ['forced-open', 'disabled'],
    );
  });

  it('onStateChange fires for decisions as for local transitions', () => {
    const seen: string[] = [];
    const { breaker } = make({
      onStateChange: (name, from, to) => seen.push(`${name}:${from}>${to}`),
      name: 'svc',
    });
    breaker.decide({ type: 'open' });
    breaker.decide({ type: 'half-open' });
    breaker.decide({ type: 'close' });
    assert.deepEqual(seen, ['svc:closed>open', 'svc:open>half-open', 'svc:half-open>closed']);
  });

  it('a malformed decision is a TypeError naming the field', () => {
    const { breaker } = make();
    const bad: [unknown, RegExp][] = [
      [null, /decision must be an object, got null/],
      [{}, /decision\.type must be .*got undefined/],
      [{ type: 'shut' }, /decision\.type must be .*got "shut"/],
      [{ type: 'open', at: 'now' }, /decision\.at must be a finite time in ms, got "now"/],
      [{ type: 'open', at: NaN }, /decision\.at .* got NaN/],
      [{ type: 'open', wait: -1 }, /decision\.wait must be a finite number of ms >= 0, got -1/],
      [{ type: 'open', wait: Infinity }, /decision\.wait .* got Infinity/],
      [{ type: 'hold-open', until: NaN }, /decision\.until .* got NaN/],
      [{ type: 'hold-open', until: '1' }, /decision\.until .* got "1"/],
    ];
    for (const [decision, message] of bad) {
      assert.throws(
        () => {
          breaker.decide(decision as ExternalDecision);
        },
        (e) => e instanceof TypeError && message.test(e.message),
        JSON.stringify(decision),
      );
    }
    assert.equal(breaker.state, 'closed');
  });
});
