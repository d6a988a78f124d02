import { retry, retryBudget } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
// One budget per dependency, shared by every retry policy that calls it: over any 10 s,
// retries add at most 20% to the calls (no floor here, to show the ratio alone).
const budget = retryBudget({ ratio: 0.2, minRetriesPerSecond: 0, window: 10_000, clock });
const reads = retry({ maxAttempts: 3, backoff: 0, budget, clock });
const writes = retry({ maxAttempts: 3, backoff: 0, budget, clock });

let attempts = 0;
const down = () => {
  attempts++;
  return Promise.reject(new Error('unavailable'));
};
for (let i = 0; i < 10; i++) {
  await reads.execute(down).catch(() => undefined);
  await writes.execute(down).catch(() => undefined);
}
console.log(`20 calls made ${attempts} attempts (${budget.retries} retries), not 60`);
console.log(`retries available now: ${budget.available}`);
clock.advance(10_000); // the window moves on
console.log(
  `10 s later: ${budget.calls} calls in the window, ${budget.available} retries available`,
);
