// Property test of external decisions: random interleavings of decide(), clock advances and
// calls (two-step, settled at once) against a small reference model of the state, the half-open
// time, the hold, and the transition reasons.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ExternalDecision } from './decisions.js';
import { BreakerOpenError } from './errors.js';
import type { TransitionReason } from './events.js';
import type { CircuitState } from './types.js';

const WAIT = 1000;

type Op =
  | { t: 'decide'; decision: ExternalDecision }
  | { t: 'advance'; ms: number }
  | { t: 'call'; ok: boolean };

const decisionArb: fc.Arbitrary<ExternalDecision> = fc.oneof(
  fc.record(
    {
      type: fc.constant('open' as const),
      at: fc.integer({ min: -2000, max: 2000 }),
      wait: fc.integer({ min: 0, max: 3000 }),
    },
    { requiredKeys: ['type'] },
  ),
  fc.constant({ type: 'half-open' as const }),
  fc.constant({ type: 'close' as const }),
  fc.record(
    {
      type: fc.constant('hold-open' as const),
      until: fc.oneof(fc.integer({ min: -500, max: 4000 }), fc.constant(Infinity)),
    },
    { requiredKeys: ['type'] },
  ),
  fc.constant({ type: 'release' as const }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: decisionArb.map((decision) => ({ t: 'decide' as const, decision })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 1500 }), fc.constantFrom(0, 1, 999, 1000))
      .map((ms) => ({ t: 'advance' as const, ms })),
  },
  { weight: 2, arbitrary: fc.boolean().map((ok) => ({ t: 'call' as const, ok })) },
);

/** The reference: what the breaker should be, written from the contract, not from the code. */
class Model {
  state: CircuitState = 'closed';
  halfOpenAt = NaN;
  hold = -Infinity;
  reasons: TransitionReason[] = [];
  now: number;
  constructor(now: number) {
    this.now = now;
  }

  private to(state: CircuitState, reason: TransitionReason): void {
    this.state = state;
    this.reasons.push(reason);
    if (state !== 'open') this.hold = -Infinity;
  }

  private open(reason: TransitionReason, from = this.now, wait = WAIT): void {
    this.to('open', reason);
    this.halfOpenAt = from + wait;
  }

  sync(): void {
    if (this.state === 'open' && this.now >= this.halfOpenAt && this.now >= this.hold) {
      this.to('half-open', 'timeout-elapsed');
    }
  }

  retryAfter(): number {
    if (this.state !== 'open') return 0;
    const at = this.hold === Infinity ? this.halfOpenAt : Math.max(this.halfOpenAt, this.hold);
    return Math.max(0, at - this.now);
  }

  /** True when admitted. */
  call(ok: boolean): boolean {
    this.sync();
    if (this.state === 'open') return false;
    if (this.state === 'closed') {
      if (!ok) this.open('tripped');
    } else if (ok) this.to('closed', 'probes-succeeded');
    else this.open('probe-failed');
    return true;
  }

  decide(d: ExternalDecision): void {
    this.sync();
    switch (d.type) {
      case 'open':
        if (this.state === 'open') this.halfOpenAt = (d.at ?? this.now) + (d.wait ?? WAIT);
        else this.open('external-open', d.at ?? this.now, d.wait ?? WAIT);
        return;
      case 'half-open':
        if (this.state === 'open') this.to('half-open', 'external-half-open');
        return;
      case 'close':
        if (this.state !== 'closed') this.to('closed', 'external-close');
        return;
      case 'hold-open':
        // Calls settle at once here, so a half-open breaker never has a probe admitted.
        if (this.state === 'half-open') this.open('lease-held');
        if (this.state === 'open') this.hold = d.until ?? Infinity;
        return;
      case 'release':
        this.hold = -Infinity;
    }
  }
}

describe('decisions (property)', () => {
  it('agree with the reference model after every step', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const clock = new ManualClock(10_000);
        const breaker = new CircuitBreaker({
          clock,
          timeout: WAIT,
          readyToTrip: () => true,
          halfOpenTimeout: Infinity,
        });
        const reasons: TransitionReason[] = [];
        breaker.onTransition((e) => reasons.push(e.reason));
        const model = new Model(clock.now());
        for (const op of ops) {
          if (op.t === 'advance') {
            clock.advance(op.ms);
            model.now += op.ms;
          } else if (op.t === 'decide') {
            const d: ExternalDecision =
              op.decision.type === 'open' && op.decision.at !== undefined
                ? { ...op.decision, at: model.now + op.decision.at }
                : op.decision.type === 'hold-open' && op.decision.until !== undefined
                  ? { type: 'hold-open', until: model.now + op.decision.until }
                  : op.decision;
            breaker.decide(d);
            model.decide(d);
          } else {
            const admitted = model.call(op.ok);
            if (admitted) breaker.allow()(op.ok);
            else {
              assert.throws(
                () => breaker.allow(),
                (e) => e instanceof BreakerOpenError && e.retryAfter === model.retryAfter(),
              );
            }
          }
          model.sync();
          assert.equal(breaker.state, model.state);
          assert.equal(breaker.retryAfter, model.retryAfter());
          assert.deepEqual(reasons, model.reasons);
        }
      }),
      { numRuns: 300 },
    );
  });
});
