// The core breaker against cockatiel 3 and opossum 9: per-call cost as ratios to a bare awaited
// call, heap per breaker, and timers held by idle breakers (targets: shared/DESIGN.md).
import { buildCases, loopsOf } from './core-cases.js';
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
} from './harness.js';
import {
  BUCKETS,
  CALL_TIMEOUT,
  FAILURE_RATE,
  MINIMUM_CALLS,
  OPEN_WAIT,
  WINDOW_MS,
} from './core-subjects.js';

const subjects = new URL('./core-subjects.js', import.meta.url).href;

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
