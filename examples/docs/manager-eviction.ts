import { CircuitBreakerManager } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const manager = new CircuitBreakerManager({
  clock,
  defaults: { consecutiveFailures: 1, timeout: 120_000 },
  idleTimeout: 60_000, // drop breakers unused for a minute...
  sweepInterval: 15_000, // ...looked for every 15 s (default idleTimeout / 4)
});
manager.onEvict((e) => {
  console.log(`${e.at / 1000}s: ${e.name} evicted (${e.reason})`);
});

// One breaker per tenant: keys come and go, and the idle ones must not pile up.
await manager.execute('tenant-a', () => 'ok');
await manager.tryExecute('tenant-b', () => Promise.reject(new Error('down'))); // opens
const c = manager.service('tenant-c');
for (let second = 0; second < 90; second++) {
  await c.execute(() => 'ok'); // used every second: stays
  clock.advance(1_000);
}
const left = manager.snapshot().map((s) => `${s.name} (${s.state})`);
console.log(`at 90s: ${left.join(', ')}`);

// An open breaker is never dropped: that would forget an outage. Once closed, it may go.
clock.advance(30_000); // tenant-b turns half-open at 120 s
await manager.execute('tenant-b', () => 'recovered');
clock.advance(90_000);
console.log(`at 210s: ${manager.size} breakers`);
manager.close();
