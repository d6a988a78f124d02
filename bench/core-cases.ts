// The per-call cases of core.bench.ts, shared with the instruction-count mode
// (instructions.ts): each case is breakwater, cockatiel 3 and opossum 9 in the same
// configuration, plus the bare awaited call its ratios are taken against.
import { TimeoutStrategy } from 'cockatiel';
import type { CircuitBreaker } from '../src/index.js';
import type { Loop } from './harness.js';
import {
  CALL_TIMEOUT,
  MINIMUM_CALLS,
  boom,
  breakwaterConsecutive,
  breakwaterTimeout,
  breakwaterWindow,
  cockatielConsecutive,
  cockatielTimeoutWrapped,
  cockatielWindow,
  ok,
  okWithSignal,
  opossum,
  switchable,
  toError,
  toOk,
} from './core-subjects.js';

export interface Contenders {
  bare: Loop;
  breakwater: Loop;
  cockatiel: Loop | undefined;
  opossum: Loop | undefined;
  /** Measured alongside, printed under the table. */
  extra?: Record<string, Loop>;
}

export interface Case {
  name: string;
  /** Limit for breakwater's ratio to the bare call. */
  target: number;
  contenders: Contenders;
  /** Footnote marks after a peer's figure. */
  marks?: { cockatiel?: string; opossum?: string };
  /** Throws if a breaker left the state the case is about (the figures would be void). */
  check: () => void;
}

// A bare awaited call: the baseline of every ratio. Each case times its own, in the same rounds.
export const bare: Loop = async (n) => {
  for (let i = 0; i < n; i++) await ok();
};

function expect(what: string, actual: unknown, wanted: unknown): void {
  if (actual !== wanted) {
    throw new Error(`bench setup: ${what} is ${String(actual)}, expected ${String(wanted)}`);
  }
}

async function tripBreakwater(b: CircuitBreaker): Promise<void> {
  for (let i = 0; i < 6; i++) await b.execute(boom).catch(() => undefined);
  expect('breakwater state', b.state, 'open');
}

async function tripCockatiel(p: ReturnType<typeof cockatielConsecutive>): Promise<void> {
  for (let i = 0; i < 6; i++) await p.execute(boom).catch(() => undefined);
  expect('cockatiel state', p.state, 1 /* CircuitState.Open */);
}

async function tripOpossum(): Promise<ReturnType<typeof opossum>> {
  const s = switchable();
  const o = opossum(s.action);
  s.fail(true);
  for (let i = 0; i < MINIMUM_CALLS; i++) await o.fire().catch(() => undefined);
  s.fail(false);
  expect('opossum opened', o.opened, true);
  return o;
}

export async function buildCases(): Promise<Case[]> {
  const cases: Case[] = [];

  {
    const b = breakwaterConsecutive();
    const c = cockatielConsecutive();
    const o = opossum(ok);
    cases.push({
      name: 'closed, consecutive rule',
      target: 2,
      marks: { opossum: ' [1]' },
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) await b.execute(ok);
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) await c.execute(ok);
        },
        opossum: async (n) => {
          for (let i = 0; i < n; i++) await o.fire();
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'closed');
        expect('cockatiel state', c.state, 0);
        expect('opossum closed', o.closed, true);
      },
    });
  }

  {
    const b = breakwaterWindow();
    const c = cockatielWindow();
    const o = opossum(ok);
    cases.push({
      name: 'closed, 10-bucket time window + failure rate',
      target: 3,
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) await b.execute(ok);
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) await c.execute(ok);
        },
        opossum: async (n) => {
          for (let i = 0; i < n; i++) await o.fire();
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'closed');
        expect('cockatiel state', c.state, 0);
        expect('opossum closed', o.closed, true);
      },
    });
  }

  {
    const b = breakwaterTimeout();
    const c = cockatielTimeoutWrapped();
    const o = opossum(ok, CALL_TIMEOUT);
    cases.push({
      name: 'callTimeout, fn ignores the signal',
      target: 4,
      marks: { cockatiel: ' [2]' },
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) await b.execute(ok);
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) await c.execute(ok);
        },
        opossum: async (n) => {
          for (let i = 0; i < n; i++) await o.fire();
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'closed');
        expect('breakwater failures', b.counts.totalFailures, 0);
        expect('opossum closed', o.closed, true);
      },
    });
  }

  {
    const b = breakwaterTimeout();
    const c = cockatielTimeoutWrapped();
    const aggressive = cockatielTimeoutWrapped(TimeoutStrategy.Aggressive);
    cases.push({
      name: 'callTimeout, fn takes the signal',
      target: 4,
      marks: { cockatiel: ' [2]', opossum: ' [3]' },
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) await b.execute(okWithSignal);
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) await c.execute(({ signal }) => okWithSignal(signal));
        },
        opossum: undefined,
        extra: {
          'cockatiel, TimeoutStrategy.Aggressive': async (n) => {
            for (let i = 0; i < n; i++) {
              await aggressive.execute(({ signal }) => okWithSignal(signal));
            }
          },
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'closed');
        expect('breakwater failures', b.counts.totalFailures, 0);
      },
    });
  }

  {
    const b = breakwaterConsecutive();
    const c = cockatielConsecutive();
    await tripBreakwater(b);
    await tripCockatiel(c);
    const o = await tripOpossum();
    cases.push({
      name: 'open, rejection that throws',
      target: 25,
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) {
            try {
              await b.execute(ok);
            } catch {
              // expected: BreakerOpenError
            }
          }
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) {
            try {
              await c.execute(ok);
            } catch {
              // expected: BrokenCircuitError
            }
          }
        },
        opossum: async (n) => {
          for (let i = 0; i < n; i++) {
            try {
              await o.fire();
            } catch {
              // expected: EOPENBREAKER
            }
          }
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'open');
        expect('cockatiel state', c.state, 1);
        expect('opossum opened', o.opened, true);
      },
    });
  }

  {
    const b = breakwaterConsecutive();
    const c = cockatielConsecutive();
    await tripBreakwater(b);
    await tripCockatiel(c);
    const o = await tripOpossum();
    cases.push({
      name: 'open, non-throwing rejection',
      target: 2,
      marks: { cockatiel: ' [4]', opossum: ' [4]' },
      contenders: {
        bare,
        breakwater: async (n) => {
          for (let i = 0; i < n; i++) await b.tryExecute(ok);
        },
        cockatiel: async (n) => {
          for (let i = 0; i < n; i++) await c.execute(ok).then(toOk, toError);
        },
        opossum: async (n) => {
          for (let i = 0; i < n; i++) await o.fire().then(toOk, toError);
        },
      },
      check: () => {
        expect('breakwater state', b.state, 'open');
        expect('cockatiel state', c.state, 1);
        expect('opossum opened', o.opened, true);
      },
    });
  }

  return cases;
}

export function loopsOf(c: Case): Loop[] {
  const { bare: b, breakwater, cockatiel, opossum: o, extra } = c.contenders;
  return [b, breakwater, cockatiel, o, ...Object.values(extra ?? {})].filter(
    (l): l is Loop => l !== undefined,
  );
}
