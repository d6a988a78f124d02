import { CircuitBreaker, fallback, retry, wrap } from '../../src/index.js';

const breaker = new CircuitBreaker({
  name: 'pricing',
  timeout: 500,
  readyToTrip: (c) => c.consecutiveFailures >= 2,
});
breaker.onTransition((e) => {
  console.log(`  breaker: ${e.from} -> ${e.to}`);
});
/** A retry policy logging what it does; `waitForBreaker` as given. */
const retries = (waitForBreaker: boolean) =>
  retry({
    maxAttempts: 5,
    backoff: 100,
    breaker, // read its retryAfter: never retry into an open breaker
    waitForBreaker,
    onRetry: (e) => {
      console.log(
        `  attempt ${e.attempt} failed, retry in ${(e.delay / 1000).toFixed(1)} s (${e.delaySource})`,
      );
    },
    onGiveUp: (e) => {
      console.log(`  gave up after ${e.attempts} attempt(s): ${e.reason}`);
    },
  });
// Retry outside, breaker inside: every attempt is judged (and counted) by the breaker, and a
// fallback outside both runs as soon as the breaker is open.
const failFast = wrap(fallback({ value: 'cached price' }), retries(false), breaker);
const patient = wrap(retries(true), breaker);

let failures = 2;
const pricing = () => (failures-- > 0 ? Promise.reject(new Error('503')) : Promise.resolve(9.99));

console.log('fail-fast (the default): the failure that opens the breaker ends the retries:');
console.log(`  -> ${await failFast.execute(pricing)}`);
console.log(`  -> ${await failFast.execute(pricing)} (the breaker is open: no attempt at all)`);

breaker.reset();
failures = 2;
console.log('waitForBreaker: true waits once for half-open, then retries:');
console.log(`  -> ${await patient.execute(pricing)}`);

console.log('the breaker is forced open: no attempt is made, and no retry waits for it:');
breaker.forceOpen();
await patient.execute(pricing).catch((e: unknown) => {
  console.log(`  -> ${(e as Error).name}`);
});
