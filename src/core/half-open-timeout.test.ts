// halfOpenTimeout: half-open probes that never settle send the breaker back to open, which later
// admits a new probe; the hung probe's late result is ignored.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  T0,
  boom,
  counts,
  failUnchecked,
  makeBreaker,
  recordTransitions,
  type ClockedBreaker,
} from '../../test/fixtures/core/support.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, TooManyRequestsError } from './errors.js';
import type { StateChangeEvent } from './events.js';
import type { BreakerOptions } from './options.js';

// This file's breakers wait 1000 ms when open and give up on a half-open probe after 5000 ms
// unless a test says otherwise.
function make(options: BreakerOptions = {}): ClockedBreaker & { events: StateChangeEvent[] } {
  const { clock, breaker } = makeBreaker({ timeout: 1000, halfOpenTimeout: 5000, ...options });
  return { clock, breaker, events: recordTransitions(breaker) };
}

async function trip(b: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 6; i++) await failUnchecked(b);
}

function hang(b: CircuitBreaker): { settle: (ok: boolean) => Promise<void> } {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  const call = b.execute(
    () =>
      new Promise<string>((res, rej) => {
        resolve = res;
        reject = rej;
      }),
  );
  return {
    async settle(ok) {
      if (ok) resolve('late');
      else reject(boom);
      await call.catch(() => undefined);
    },
  };
}

describe('halfOpenTimeout', () => {
  it('a hung probe: open again at admission + halfOpenTimeout, then a new probe later', async () => {
    const { clock, breaker, events } = make();
    await trip(breaker);
    clock.advance(1000);
    clock.advance(200);
    const hung = hang(breaker); // admitted at T0 + 1200
    clock.set(T0 + 6199);
    assert.equal(breaker.state, 'half-open');
    await assert.rejects(
      breaker.execute(() => 1),
      TooManyRequestsError,
    );
    clock.set(T0 + 6200);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 1000);
    await assert.rejects(
      breaker.execute(() => 1),
      BreakerOpenError,
    );
    assert.deepEqual(
      events.map((e) => [e.from, e.to, e.reason, e.at]),
      [
        ['closed', 'open', 'tripped', T0],
        ['open', 'half-open', 'timeout-elapsed', T0 + 1000],
        ['half-open', 'open', 'probe-timeout', T0 + 6200],
      ],
    );
    clock.set(T0 + 7200);
    assert.equal(await breaker.execute(() => 'new probe'), 'new probe');
    assert.equal(breaker.state, 'closed');
    // The hung probe finally fails: ignored.
    await hung.settle(false);
    assert.equal(breaker.state, 'closed');
    assert.deepEqual(breaker.counts, counts());
  });

  it('the deadline is applied by the call that arrives after it, not only by reads', async () => {
    const { clock, breaker } = make();
    await trip(breaker);
    clock.advance(1000);
    hang(breaker);
    clock.advance(5000 + 1000); // past the probe deadline and the following open wait
    // One execute applies both: half-open -> open at the deadline, open -> half-open 1 s later.
    assert.equal(await breaker.execute(() => 'probe'), 'probe');
    assert.equal(breaker.state, 'closed');
  });

  it('a hung probe with a late success does not close the breaker', async () => {
    const { clock, breaker } = make();
    await trip(breaker);
    clock.advance(1000);
    const hung = hang(breaker);
    clock.advance(5000);
    assert.equal(breaker.state, 'open');
    await hung.settle(true);
    assert.equal(breaker.state, 'open');
  });

  it('probes that settle in time leave no deadline behind', async () => {
    const { clock, breaker } = make({ maxRequests: 2 });
    await trip(breaker);
    clock.advance(1000);
    await breaker.execute(() => 'quick');
    clock.advance(60_000);
    assert.equal(breaker.state, 'half-open');
    await breaker.execute(() => 'quick');
    assert.equal(breaker.state, 'closed');
  });

  it('the default is 60000 ms; Infinity turns it off', async () => {
    const def = make({ halfOpenTimeout: undefined });
    assert.equal(def.breaker.settings.halfOpenTimeout, 60_000);
    await trip(def.breaker);
    def.clock.advance(1000);
    hang(def.breaker);
    def.clock.advance(59_999);
    assert.equal(def.breaker.state, 'half-open');
    def.clock.advance(1);
    assert.equal(def.breaker.state, 'open');

    const off = make({ halfOpenTimeout: Infinity });
    await trip(off.breaker);
    off.clock.advance(1000);
    hang(off.breaker);
    off.clock.advance(365 * 86_400_000);
    assert.equal(off.breaker.state, 'half-open');
  });

  it('the open wait after a probe timeout follows the timeout function', async () => {
    const { clock, breaker } = make({ timeout: (opens) => opens * 1000 });
    await trip(breaker);
    clock.advance(1000);
    hang(breaker);
    clock.advance(5000);
    assert.equal(breaker.state, 'open');
    assert.equal(breaker.retryAfter, 2000); // second open since the breaker was closed
  });

  it("a probe timeout's event shows the window aged to the instant it fell due", async () => {
    // The probe timeout falls due at T0 + 1000 + 10 + 5000, long after the probe's success at
    // T0 + 1000 left the 1 s window; the state is read later still. The event must show the
    // window of its own instant (the success gone), not of the last recording.
    const { clock, breaker, events } = make({
      maxRequests: 2,
      window: { kind: 'time', size: 1000, buckets: 10 },
      failureRateThreshold: 50,
      minimumCalls: 1,
    });
    await failUnchecked(breaker);
    assert.equal(breaker.state, 'open');
    clock.advance(1000);
    assert.equal(await breaker.execute(() => 'ok'), 'ok');
    clock.advance(10);
    hang(breaker);
    clock.advance(5500);
    assert.equal(breaker.state, 'open');
    const timeout = events.at(-1);
    assert.equal(timeout?.reason, 'probe-timeout');
    assert.equal(timeout.at, T0 + 6010);
    assert.deepEqual(timeout.counts, counts({ consecutiveSuccesses: 1 }));
  });
});
