import { CircuitBreaker, retry, wrap } from '../../src/index.js';

const breaker = new CircuitBreaker({
  name: 'pricing',
  timeout: 500,
  readyToTrip: (c) => c.consecutiveFailures >= 2,
});
breaker.onTransition((e) => {
  console.log(`  breaker: ${e.from} -> ${e.to}`);
});
const retries = retry({
  maxAttempts: 5,
  backoff: 100,
  breaker, // read its retryAfter: never retry into an open breaker
  onRetry: (e) => {
    console.log(
      `  attempt ${e.attempt} failed, retry in ${(e.delay / 1000).toFixed(1)} s (${e.delaySource})`,
    );
  },
  onGiveUp: (e) => {
    console.log(`  gave up after ${e.attempts} attempt(s): ${e.reason}`);
  },
});
// Retry outside, breaker inside: every attempt is judged (and counted) by the breaker.
const policy = wrap(retries, breaker);

let failures = 2;
const pricing = () => (failures-- > 0 ? Promise.reject(new Error('503')) : Promise.resolve(9.99));

console.log('the dependency fails twice, opening the breaker, then recovers:');
console.log(`  -> ${await policy.execute(pricing)}`);

console.log('the breaker is forced open: no attempt is made, and no retry waits for it:');
breaker.forceOpen();
await policy.execute(pricing).catch((e: unknown) => {
  console.log(`  -> ${(e as Error).name}`);
});
