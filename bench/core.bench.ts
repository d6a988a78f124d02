// The core breaker against cockatiel 3 and opossum 9: per-call cost as ratios to a bare awaited
// call, heap per breaker, and timers held by idle breakers (targets: shared/DESIGN.md).
import { TimeoutStrategy } from 'cockatiel';
import { CircuitBreaker } from '../src/index.js';
import {
  CALLS,
  ROUNDS,
  MIN_ROUNDS,
  SLOW_ROUND_MS,
  bestOfWithRounds,
  countTimers,
  formatBytes,
  formatNs,
  measureHeap,
  nsWithRatio,
  printTable,
  verdict,
  warmUp,
  type Loop,
} from './harness.js';
import {
  BUCKETS,
  CALL_TIMEOUT,
  FAILURE_RATE,
  MINIMUM_CALLS,
  OPEN_WAIT,
  WINDOW_MS,
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

const subjects = new URL('./core-subjects.js', import.meta.url).href;

interface Contenders {
  bare: Loop;
  breakwater: Loop;
  cockatiel: Loop | undefined;
  opossum: Loop | undefined;
  /** Measured alongside, printed under the table. */
  extra?: Record<string, Loop>;
}

interface Case {
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
const bare: Loop = async (n) => {
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

async function buildCases(): Promise<Case[]> {
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

function loopsOf(c: Case): Loop[] {
  const { bare: b, breakwater, cockatiel, opossum: o, extra } = c.contenders;
  return [b, breakwater, cockatiel, o, ...Object.values(extra ?? {})].filter(
    (l): l is Loop => l !== undefined,
  );
}

async function timings(): Promise<void> {
  console.log(
    `\n## Per-call cost: ${CALLS.toLocaleString('en-US')} sequential awaited calls, best of ${ROUNDS} rounds`,
  );
  console.log('ns per call (ratio to a bare `await fn()` timed in the same rounds)\n');
  const cases = await buildCases();
  // Every loop once before any timing, so that shared library code (a breaker's execute) has
  // seen every configuration before it is measured, whatever the case order.
  await warmUp(cases.flatMap(loopsOf));
  const rows: string[][] = [];
  const extras: string[] = [];
  for (const c of cases) {
    const { extra, ...main } = c.contenders;
    const { ns, rounds } = await bestOfWithRounds({ ...main, ...extra });
    c.check();
    const base = ns.bare!;
    const ratio = ns.breakwater! / base;
    // `*`: a slow contender that got fewer rounds (see the note under the table).
    const cell = (label: string): string =>
      nsWithRatio(ns[label]!, base) + ((rounds[label] ?? ROUNDS) < ROUNDS ? '*' : '');
    rows.push([
      c.name,
      formatNs(base),
      cell('breakwater'),
      cell('cockatiel') + (c.marks?.cockatiel ?? ''),
      cell('opossum') + (c.marks?.opossum ?? ''),
      `<= ${c.target.toFixed(1)}x`,
      verdict(ratio, c.target),
    ]);
    for (const label of Object.keys(extra ?? {})) {
      extras.push(`${c.name}: ${label}: ${cell(label)}`);
    }
  }
  printTable(
    ['case', 'bare ns', 'breakwater', 'cockatiel 3', 'opossum 9', 'target', 'breakwater'],
    rows,
    [0],
  );
  console.log('');
  for (const line of extras) console.log(`also measured: ${line}`);
  console.log(
    `* best of ${MIN_ROUNDS} rounds, not ${ROUNDS}: rounds of this contender took over ${SLOW_ROUND_MS} ms.`,
  );
  console.log(
    [
      '[1] opossum has no consecutive-failures rule: its only rule is the rolling window, so',
      '    both "closed" rows use the same opossum configuration.',
      '[2] cockatiel: circuitBreaker wrapping timeout(ms, TimeoutStrategy.Cooperative). It makes',
      '    an AbortController and a setTimeout on every call whether fn reads the signal or not,',
      '    and a cooperative timeout only aborts the signal: a fn that ignores it is not',
      '    rejected at the deadline (breakwater rejects with CallTimeoutError either way).',
      '[3] opossum passes no signal to fn (its abortController option is one controller for all',
      '    calls), so it has no figure here; it makes one setTimeout per call in the row above.',
      '[4] neither peer has a non-throwing form: measured as `await p.execute(fn).then(ok, err)`',
      '    (the open-state rejection, turned into a result object). breakwater: `tryExecute`.',
    ].join('\n'),
  );
}

async function heap(): Promise<void> {
  console.log(
    '\n## Heap per breaker: fresh child process, 10,000 breakers, (heapUsed + arrayBuffers) delta after GC\n',
  );
  const rows: string[][] = [];
  const specs = [
    {
      name: '10-bucket time window, after one call',
      target: 600 as number | undefined,
      subjects: ['probeWindowBreakwater', 'probeWindowCockatiel', 'probeWindowOpossum'],
    },
    {
      name: 'idle, default options, never called',
      target: undefined,
      subjects: ['probeIdleBreakwater', 'probeIdleCockatiel', 'probeIdleOpossum'],
    },
  ];
  for (const spec of specs) {
    const bytes: number[] = [];
    for (const name of spec.subjects) bytes.push((await measureHeap(subjects, name)).bytesPer);
    const [bw = NaN, ck = NaN, op = NaN] = bytes;
    rows.push([
      spec.name,
      formatBytes(bw),
      formatBytes(ck),
      formatBytes(op),
      spec.target === undefined ? '-' : `<= ${spec.target} B`,
      verdict(bw, spec.target),
    ]);
  }
  printTable(['case', 'breakwater', 'cockatiel 3', 'opossum 9', 'target', 'breakwater'], rows);
  console.log(
    '\n1 KB = 1024 B. Includes everything the breaker keeps: its options, window and buckets.',
  );
}

async function timers(): Promise<void> {
  console.log(
    "\n## Timers held: fresh child process, 1,000 breakers (async_hooks count; ref'd in brackets)\n",
  );
  const rows: string[][] = [];
  const specs = [
    {
      name: 'idle, default options, never called',
      wait: 0,
      subjects: ['probeIdleBreakwater', 'probeIdleCockatiel', 'probeIdleOpossum'],
    },
    {
      name: '10-bucket time window, after one call',
      wait: 0,
      subjects: ['probeWindowBreakwater', 'probeWindowCockatiel', 'probeWindowOpossum'],
    },
    {
      name: `callTimeout ${CALL_TIMEOUT} ms, after one call`,
      wait: CALL_TIMEOUT + 100,
      subjects: ['probeTimeoutBreakwater', 'probeTimeoutCockatiel', 'probeTimeoutOpossum'],
    },
  ];
  for (const spec of specs) {
    const cells: string[] = [];
    let breakwaterIdle = NaN;
    for (const name of spec.subjects) {
      const t = await countTimers(subjects, name, 1_000, spec.wait);
      let cell = `${t.live} (${t.refed})`;
      if (spec.wait > 0) cell += `, ${t.liveAfterWait} after ${t.waitMs} ms`;
      cells.push(cell);
      if (name.endsWith('Breakwater')) breakwaterIdle = spec.wait > 0 ? t.liveAfterWait : t.live;
    }
    rows.push([
      spec.name,
      ...cells,
      spec.wait > 0 ? `0 after ${spec.wait} ms` : '0',
      verdict(breakwaterIdle, 0),
    ]);
  }
  printTable(['case', 'breakwater', 'cockatiel 3', 'opossum 9', 'target', 'breakwater'], rows);
  console.log(
    [
      '',
      "opossum: two unref'd setInterval timers per breaker (bucket rotation and snapshots), always.",
      "breakwater with callTimeout: one unref'd timer per breaker stays armed until the oldest",
      'deadline passes (it is not cancelled when the last call settles early), then none.',
    ].join('\n'),
  );
}

function configurations(): void {
  console.log(
    [
      '',
      '## Configurations (equivalent across libraries)',
      `- open wait ${OPEN_WAIT} ms: breakwater timeout, cockatiel halfOpenAfter, opossum resetTimeout.`,
      '- consecutive rule: breakwater default readyToTrip (consecutiveFailures > 5, trips on the',
      '  6th); cockatiel ConsecutiveBreaker(6) (opens on the 6th).',
      `- time window: breakwater window { kind: 'time', size: ${WINDOW_MS}, buckets: ${BUCKETS} },`,
      `  failureRateThreshold ${FAILURE_RATE}, minimumCalls ${MINIMUM_CALLS}; cockatiel SamplingBreaker`,
      `  { threshold: ${FAILURE_RATE / 100}, duration: ${WINDOW_MS}, minimumRps: ${MINIMUM_CALLS / (WINDOW_MS / 1000)} } (10 windows of 1 s);`,
      `  opossum rollingCountTimeout ${WINDOW_MS}, rollingCountBuckets ${BUCKETS}, errorThresholdPercentage`,
      `  ${FAILURE_RATE}, volumeThreshold ${MINIMUM_CALLS}, rollingPercentilesEnabled false, timeout false`,
      '  (opossum: every breaker in the timing table; it trips above, not at, the percentage).',
      `- per-call timeout ${CALL_TIMEOUT} ms: breakwater callTimeout; cockatiel`,
      '  wrap(breaker, timeout(ms, Cooperative)) (timeouts inside the breaker count as failures);',
      '  opossum timeout.',
      '- open: each breaker is tripped by real failures first; each case checks afterwards that',
      '  it is still in the state it measures.',
      '- idle defaults (heap, timers): new CircuitBreaker() / circuitBreaker(handleAll,',
      '  { halfOpenAfter: 10000, breaker: new ConsecutiveBreaker(5) }) / new CircuitBreaker(fn).',
      '- fn: `async () => 1`; "takes the signal": `async (signal) => 1`, for which breakwater makes',
      '  an AbortController per call (it makes none when fn declares no parameter).',
    ].join('\n'),
  );
}

/** Prints the core comparison: timings, heap, timers, and the configurations used. */
export async function run(): Promise<void> {
  console.log('# core: breakwater vs cockatiel 3 vs opossum 9');
  await timings();
  await heap();
  await timers();
  configurations();
}
