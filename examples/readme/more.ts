import { type BreakerSnapshot, CircuitBreaker, exponentialOpenBackoff } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const ledger = new CircuitBreaker({
  name: 'ledger',
  clock,
  // Wait 1 s after the first open, 2 s after the next, ... up to 30 s, until it closes again.
  timeout: exponentialOpenBackoff({ initial: 1_000, max: 30_000 }),
});

// The two-step form, for work that does not fit in one function (a stream, an ack).
const done = ledger.allow(); // throws BreakerOpenError / TooManyRequestsError if not admitted
done(true); // or done(false) for a failure, done('excluded') for neither
console.log(ledger.counts);

// Operators' switches.
ledger.forceOpen();
console.log(`${ledger.state}, forced ${ledger.forcedState}, retry after ${ledger.retryAfter}`);
ledger.reset();
console.log(`${ledger.state}, forced ${ledger.forcedState}`);

// Carry a breaker across a restart: toJSON() now, initialState later.
for (let i = 0; i < 6; i++) await ledger.tryExecute(() => Promise.reject(new Error('down')));
const saved = JSON.stringify(ledger);
clock.advance(400);
const initialState = JSON.parse(saved) as BreakerSnapshot;
const restored = new CircuitBreaker({ name: 'ledger', clock, initialState });
console.log(`restored: ${restored.state}, half-open in ${restored.retryAfter} ms`);
