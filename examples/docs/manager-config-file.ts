import { CircuitBreakerManager } from '../../src/index.js';

// YAML or JSON, by extension (the path is relative to the working directory). Code may add
// what a file cannot say, such as functions; the file wins where both set a key.
const manager = await CircuitBreakerManager.fromFile('examples/config/breakwater.yaml', {
  defaults: { isExcluded: (error) => error instanceof TypeError },
});

const { timeout, callTimeout, window, failureRateThreshold, minimumCalls, isExcluded } =
  manager.get('payments').settings;
console.log('payments', {
  timeout,
  callTimeout,
  window,
  failureRateThreshold,
  minimumCalls,
  isExcluded,
});

// A service the file does not list gets the defaults.
const other = manager.get('anything-else').settings;
console.log('anything-else', { timeout: other.timeout, maxRequests: other.maxRequests });

// postgres backs off: 1 s after the first open, then 2 s, 4 s ... up to 1 min.
const backoff = manager.get('postgres').settings.timeout as (opens: number) => number;
console.log(`postgres open waits: ${[1, 2, 3, 7, 8].map((n) => backoff(n)).join(', ')} ms`);
manager.close();
