import { CircuitBreakerManager, type ManagerState } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const settings = { defaults: { consecutiveFailures: 2, timeout: 60_000 } };

// Before a restart (or a deploy): save every breaker's state.
const clock = new ManualClock();
const before = new CircuitBreakerManager({ ...settings, clock });
for (let i = 0; i < 2; i++) await before.tryExecute('ads', () => Promise.reject(new Error('503')));
await before.execute('search', () => 'ok');
clock.advance(15_000);
const saved = JSON.stringify(before.export());
before.close();

// After: the new process starts where the old one stopped, instead of hammering a dependency
// that is still down.
clock.advance(5_000); // the restart took 5 s
const after = new CircuitBreakerManager({ ...settings, clock });
const restored = after.import(JSON.parse(saved) as ManagerState);
console.log(`restored: ${restored.join(', ')}`);
for (const s of after.snapshot()) {
  const wait = s.state === 'open' ? `, half-open in ${s.retryAfter} ms` : '';
  console.log(`${s.name}: ${s.state}${wait}, counts.requests ${s.counts.requests}`);
}
after.close();
