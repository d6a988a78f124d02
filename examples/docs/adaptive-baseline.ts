import { baselineRule, CircuitBreaker } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const rule = baselineRule(); // margin 0.2 over the learned normal, confidence 0.9999
const breaker = new CircuitBreaker({
  name: 'reports',
  clock,
  readyToTrip: () => false, // the rule alone decides
  rules: [rule],
  timeout: rule.openWait, // the open wait counted in calls at the learned rate
});
breaker.onTransition((e) => {
  console.log(`${e.from} -> ${e.to} (${e.rule ?? e.reason}) at ${e.at / 1000} s`);
});

// A noisy dependency: 1 call in 10 fails normally, at 1 call/s for 10 minutes.
const call = async (fails: boolean): Promise<void> => {
  clock.advance(1_000);
  await breaker
    .execute(() => (fails ? Promise.reject(new Error('500')) : 'ok'))
    .catch(() => undefined);
};
for (let i = 0; i < 600; i++) await call(i % 10 === 9);
console.log(`baseline ${rule.baseline.toFixed(3)}, threshold ${rule.threshold.toFixed(3)}`);
console.log(`state after 10 noisy minutes: ${breaker.state}`);

// Then it goes down: the rule trips within a few calls, and probes again after ~8 calls' time.
for (let i = 0; i < 6; i++) await call(true);
console.log(`bound ${rule.bound.toFixed(3)}, open wait ${(rule.openWait(1) / 1000).toFixed(1)} s`);
