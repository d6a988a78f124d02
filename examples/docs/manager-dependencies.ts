import { CircuitBreakerManager, DependencyOpenError } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const manager = new CircuitBreakerManager({
  clock,
  defaults: { consecutiveFailures: 1, timeout: 10_000 },
  services: {
    db: {},
    fraud: {},
    ledger: { dependsOn: ['db'] },
    payments: { dependsOn: ['ledger', 'fraud'] },
  },
  cascadeThreshold: 50, // a cascade: more than 50% of the breakers open...
  cascadeMinimumOpen: 2, // ...and at least 2 of them
});
manager.onTransition((e) => {
  const because = e.openBecause === null ? '' : `, because ${e.openBecause} is open`;
  console.log(`${e.service}: ${e.from} -> ${e.to}${because}`);
});
manager.onCascade((e) => {
  console.log(
    `cascade ${e.active ? 'on' : 'off'}: ${e.open} of ${e.total} open [${e.services.join(', ')}]`,
  );
});

for (const service of ['db', 'fraud', 'ledger', 'payments']) {
  await manager.execute(service, () => 'ok');
}

// A ledger call is under way when the database goes down; then the ledger call fails too.
let failLedger: (error: Error) => void = () => undefined;
const ledgerCall = manager.tryExecute('ledger', () => {
  return new Promise((_, reject) => {
    failLedger = reject;
  });
});
await manager.tryExecute('db', () => Promise.reject(new Error('db down')));
failLedger(new Error('ledger timed out'));
await ledgerCall;

// Calls to payments now fail fast, naming the root cause; payments' own breaker is not asked.
const result = await manager.tryExecute('payments', () => 'never runs');
if (!result.ok && result.error instanceof DependencyOpenError) {
  console.log(`${result.error.message}, half-open in ${result.error.retryAfter} ms`);
}
const payments = manager.snapshot().find((s) => s.name === 'payments');
console.log(`payments: ${payments?.state}, blocked by ${payments?.blockedBy}`);

await manager.tryExecute('fraud', () => Promise.reject(new Error('fraud down')));

clock.advance(10_000); // every open breaker turns half-open: a probe each
await manager.execute('db', () => 'ok');
await manager.execute('ledger', () => 'ok');
console.log(`cascade now: ${JSON.stringify(manager.cascade)}`);
manager.close();
