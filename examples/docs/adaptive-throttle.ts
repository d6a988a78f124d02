import { adaptiveThrottle, isPolicyRejection } from '../../src/index.js';
import { ManualClock, seededRandom } from '../../src/testing/index.js';

const clock = new ManualClock();
const throttle = adaptiveThrottle({
  name: 'search',
  k: 2,
  window: 60_000,
  clock,
  random: seededRandom(7), // Math.random by default; seeded here so the output is exact
});

// The dependency turns away 3 calls in 4 (overloaded, not down). Once fewer than 1 call in k
// gets through, the throttle rejects calls locally with probability p, without sending them.
let sent = 0;
let throttled = 0;
for (let i = 0; i < 400; i++) {
  clock.advance(100);
  try {
    await throttle.execute(() => {
      sent++;
      if (sent % 4 !== 1) throw new Error('503 overloaded');
      return 'results';
    });
  } catch (error) {
    if (isPolicyRejection(error)) throttled++; // a ThrottledError: never reached the dependency
  }
}
console.log(`sent ${sent} of 400 calls, throttled ${throttled}`);
console.log(`requests ${throttle.requests}, accepts ${throttle.accepts}`);
console.log(`p = ${throttle.probability.toFixed(3)}`);
