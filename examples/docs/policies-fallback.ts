import { BreakerError, CircuitBreaker, fallback, wrap } from '../../src/index.js';

const recommendations = new CircuitBreaker({ name: 'recommendations' });

// A fixed value for any error.
const empty = fallback({ value: [] as string[] });
console.log(await empty.execute(() => Promise.reject(new Error('down'))));

// A value made from the error, only for errors of breakwater's policies (open breaker,
// timeout, full bulkhead): a bug in our own code still surfaces.
const cache = new Map([['user-1', ['last week’s picks']]]);
const cached = fallback({
  fn: (error) => [...(cache.get('user-1') ?? []), `(${(error as BreakerError).code})`],
  when: (error) => BreakerError.is(error),
});
const policy = wrap(cached, recommendations);

recommendations.forceOpen();
console.log(await policy.execute(() => ['fresh picks']));
recommendations.reset();
await policy
  .execute(() => Promise.reject(new TypeError('bug')))
  .catch((e: unknown) => {
    console.log(`not replaced: ${(e as Error).message}`);
  });
