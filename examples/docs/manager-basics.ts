import { CircuitBreakerManager, DependencyOpenError } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const manager = new CircuitBreakerManager({
  clock,
  // Every service starts from these...
  defaults: { timeout: 30_000, consecutiveFailures: 3 },
  // ...and a listed service overrides them key by key.
  services: {
    db: { timeout: 5_000 },
    ledger: { dependsOn: ['db'] },
  },
});
manager.onCreate((e) => {
  console.log(`breaker ${e.name} ${e.reason}`);
});
manager.onTransition((e) => {
  console.log(`${e.service}: ${e.from} -> ${e.to} (${e.reason})`);
});

// The first call to a service makes its breaker, named after the service.
const query = (sql: string) => Promise.resolve(`rows of ${sql}`);
console.log(await manager.execute('db', () => query('SELECT 1')));

// A service nobody listed gets the defaults.
await manager.execute('geo', () => 'Lisbon');

// For a hot path, look the service up once.
const db = manager.service('db');
const down = () => Promise.reject(new Error('connection refused'));
for (let i = 0; i < 3; i++) await db.tryExecute(down);

// ledger depends on db: while db is open, calls to ledger fail fast without reaching it.
const result = await manager.tryExecute('ledger', () => 'never runs');
if (!result.ok && result.error instanceof DependencyOpenError) {
  console.log(`${result.error.message}; retry in ${result.error.retryAfter} ms`);
}

for (const s of manager.snapshot()) {
  console.log(`${s.name}: ${s.state}${s.blockedBy === null ? '' : `, blocked by ${s.blockedBy}`}`);
}
manager.close();
