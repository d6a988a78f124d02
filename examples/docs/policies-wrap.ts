import {
  bulkhead,
  CircuitBreaker,
  fallback,
  isPolicyRejection,
  retry,
  timeout,
  wrap,
} from '../../src/index.js';

const breaker = new CircuitBreaker({ name: 'catalog', timeout: 10_000 });
const policy = wrap(
  fallback({ value: 'catalog from cache', when: isPolicyRejection }), // sees the final outcome
  retry({ maxAttempts: 3, backoff: 20, breaker }), // each attempt goes through the breaker
  breaker, // an open breaker sheds calls before they take a bulkhead slot
  bulkhead({ limit: 2 }), // at most 2 calls at once reach the catalog
  timeout({ ms: 100 }), // bounds each attempt
);

let calls = 0;
const catalog = async (signal: AbortSignal) => {
  const call = ++calls;
  await new Promise((resolve) => setTimeout(resolve, 10));
  signal.throwIfAborted();
  if (call === 1) throw new Error('connection reset'); // one attempt fails: it is retried
  return 'fresh catalog';
};

// Five requests at once, each with its own deadline: two get a slot; the bulkhead turns three
// away, which the breaker records as excluded, the retry does not retry, and the fallback
// replaces.
const requests = Array.from({ length: 5 }, () =>
  policy.execute(catalog, { signal: AbortSignal.timeout(2_000) }),
);
console.log(await Promise.all(requests));
console.log(`catalog called ${calls} times`);
console.log(breaker.counts);
