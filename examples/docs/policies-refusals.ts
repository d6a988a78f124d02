import {
  BreakerError,
  CircuitBreaker,
  isPolicyRejection,
  markAsRefusal,
  wrap,
  type CallOptions,
  type Policy,
  type Protected,
} from '../../src/index.js';

/** Thrown by our rate limiter when it declines a call: the call never reached the API. */
class RateLimitedError extends BreakerError {
  constructor() {
    super('rate limit reached', 'ERR_RATE_LIMITED', 'partner-api');
  }
}
markAsRefusal(RateLimitedError); // breakers record it as excluded, never as a failure

/** A policy of our own: at most `limit` calls, then refusals. */
function rateLimit(limit: number): Policy {
  let left = limit;
  return {
    async execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
      if (left-- <= 0) throw new RateLimitedError();
      return await fn(options?.signal ?? new AbortController().signal);
    },
  };
}

const breaker = new CircuitBreaker({ name: 'partner-api' }); // trips after 6 failures in a row
const policy = wrap(breaker, rateLimit(2));
for (let i = 0; i < 10; i++) {
  await policy
    .execute(() => 'ok')
    .catch((e: unknown) => {
      if (!isPolicyRejection(e)) throw e;
    });
}
const { totalSuccesses, totalFailures, totalExclusions } = breaker.counts;
console.log(
  `${breaker.state}: ${totalSuccesses} successes, ${totalFailures} failures, ${totalExclusions} excluded`,
);
