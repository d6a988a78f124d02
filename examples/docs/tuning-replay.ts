// Replays the repository's example trace through two settings, then tunes it.
import { readFile } from 'node:fs/promises';
import {
  parseTrace,
  predictSettings,
  replay,
  splitTrace,
  tuneTrace,
} from '../../src/tuner/index.js';

const text = await readFile(new URL('../tuning/trace.jsonl', import.meta.url), 'utf8');
const trace = splitTrace(parseTrace(text));
const payments = trace.services.find((s) => s.service === 'payments');
if (!payments) throw new Error('no payments in the trace');

// The breaker's defaults: trip after 6 failures in a row, wait 60 s.
const defaults = replay(payments, {});
// A 10 s window at 50 % failures, waiting 5 s before probing.
const windowed = replay(payments, {
  window: { kind: 'time', size: 10_000, buckets: 10 },
  failureRateThreshold: 50,
  minimumCalls: 10,
  timeout: 5000,
});
for (const [name, r] of [
  ['defaults', defaults],
  ['10 s window', windowed],
] as const) {
  console.log(
    `${name}: cost ${r.cost} = ${r.lostGoodput} successes rejected + ${r.leakedFailures} failures let through; ` +
      `opens ${r.opens}, detect ${(r.detectMs ?? 0) / 1000} s, recover ${(r.recoverMs ?? 0) / 1000} s`,
  );
}

// The search (a Gaussian process, 30 settings, seed 1) from the predictor's guess.
const [tuned] = tuneTrace(
  { services: [payments], calls: payments.times.length },
  { budget: 30, start: (service) => predictSettings(service) },
);
if (!tuned) throw new Error('nothing tuned');
console.log(`tuned: cost ${tuned.recommended.result.cost} (was ${tuned.current.result.cost})`);
console.log(JSON.stringify(tuned.recommended.options));
