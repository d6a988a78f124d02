// The manager against the breakers it holds: `manager.execute(service, fn)` and
// `breaker.execute(fn)` over 10,000 services (target: <= 1.2x), next to the floor of any lookup
// by name (a bare Map) and to a `manager.service()` handle that skips the lookup; heap per idle
// service for 100,000 services; the timers idle eviction holds. Importing this module has no
// side effects: the probe child imports it to find the subjects below by name.
import { CircuitBreaker } from '../src/core/circuit-breaker.js';
import { CircuitBreakerManager } from '../src/manager/index.js';
import {
  bestOf,
  countTimers,
  formatBytes,
  formatNs,
  formatRatio,
  measureHeap,
  printTable,
  verdict,
  warmUp,
  type Loop,
} from './harness.js';

/** Services called in turn by the timed loops. */
const SERVICES = 10_000;
/** Services built for the heap figure. */
const IDLE_SERVICES = 100_000;
/** Target for manager.execute / breaker.execute. */
const TARGET = 1.2;

const ok = async (): Promise<number> => 1;

// --- probe subjects (run in a fresh child process by harness.ts) -----------------------------

let plainCount = 0;
/** One breaker made directly, named like a service: the baseline of the heap figures. */
export function plainBreaker(): unknown {
  return new CircuitBreaker({ name: `service-${plainCount++}` });
}

let managed: CircuitBreakerManager | undefined;
/** One more idle service in a manager without eviction. */
export function managedService(): unknown {
  managed ??= new CircuitBreakerManager();
  return managed.get(`service-${plainCount++}`);
}

let evicting: CircuitBreakerManager | undefined;
/** One more idle service in a manager with idle eviction on (one sweep timer in all). */
export function evictingService(): unknown {
  evicting ??= new CircuitBreakerManager({ idleTimeout: 600_000 });
  return evicting.get(`service-${plainCount++}`);
}

// --- timed cases ---------------------------------------------------------------------------

function expect(what: string, actual: unknown, wanted: unknown): void {
  if (actual !== wanted) {
    throw new Error(`bench setup: ${what} is ${String(actual)}, expected ${String(wanted)}`);
  }
}

interface Row {
  label: string;
  loop: Loop;
  /** Label of the row this one is compared with. */
  versus?: string;
  /** Limit of the ratio to `versus`. */
  target?: number;
  /**
   * Rows of phase 1 are warmed up and timed before phase 2 runs at all: phase 2 makes the
   * manager's and the core's shared call sites polymorphic (windows, tracked calls), which is
   * the cost of using those features, not of the manager's lookup.
   */
  phase: 1 | 2;
}

/** Runs the cases and prints the tables. */
export async function run(): Promise<void> {
  const names = Array.from({ length: SERVICES }, (_, i) => `service-${i}`);
  const window = { kind: 'time', size: 10_000, buckets: 10 } as const;
  const breakers = names.map((name) => new CircuitBreaker({ name }));
  const windowed = names.map(
    (name) => new CircuitBreaker({ name, window, failureRateThreshold: 50 }),
  );
  const single = new CircuitBreaker({ name: 'api' });
  const manager = new CircuitBreakerManager();
  const evicting = new CircuitBreakerManager({ idleTimeout: 3_600_000 });
  const evictingWindowed = new CircuitBreakerManager({
    idleTimeout: 3_600_000,
    defaults: { window, failureRateThreshold: 50 },
  });
  const dependent = new CircuitBreakerManager({
    services: { db: {}, cache: {}, api: { dependsOn: ['db', 'cache'] } },
  });
  const lookup = new Map(names.map((name, i) => [name, breakers[i]!]));
  for (const name of names) {
    manager.get(name);
    evicting.get(name);
    evictingWindowed.get(name);
  }
  const handles = names.map((name) => manager.service(name));
  dependent.get('db');
  dependent.get('cache');

  const m = SERVICES; // i % m picks the next service
  const rows: Row[] = [
    {
      label: 'bare await fn()',
      phase: 1,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await ok();
      },
    },
    {
      label: 'breaker.execute(fn)',
      phase: 1,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await breakers[i % m]!.execute(ok);
      },
    },
    {
      label: 'Map.get(service).execute(fn) [1]',
      phase: 1,
      versus: 'breaker.execute(fn)',
      loop: async (n) => {
        for (let i = 0; i < n; i++) await lookup.get(names[i % m]!)!.execute(ok);
      },
    },
    {
      label: 'manager.execute(service, fn)',
      phase: 1,
      versus: 'breaker.execute(fn)',
      target: TARGET,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await manager.execute(names[i % m]!, ok);
      },
    },
    {
      label: 'manager.service(service) handle, execute(fn)',
      phase: 1,
      versus: 'breaker.execute(fn)',
      target: TARGET,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await handles[i % m]!.execute(ok);
      },
    },
    {
      label: 'manager.execute, idle eviction on',
      phase: 1,
      versus: 'breaker.execute(fn)',
      target: TARGET,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await evicting.execute(names[i % m]!, ok);
      },
    },
    {
      label: 'breaker.execute(fn), time window',
      phase: 2,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await windowed[i % m]!.execute(ok);
      },
    },
    {
      label: 'manager.execute, time window, idle eviction on [2]',
      phase: 2,
      versus: 'breaker.execute(fn), time window',
      loop: async (n) => {
        for (let i = 0; i < n; i++) await evictingWindowed.execute(names[i % m]!, ok);
      },
    },
    {
      label: 'breaker.execute(fn), one breaker',
      phase: 2,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await single.execute(ok);
      },
    },
    {
      label: 'manager.execute, one service with 2 dependencies',
      phase: 2,
      versus: 'breaker.execute(fn), one breaker',
      loop: async (n) => {
        for (let i = 0; i < n; i++) await dependent.execute('api', ok);
      },
    },
  ];
  const ns: Record<string, number> = {};
  for (const phase of [1, 2]) {
    const loops = Object.fromEntries(
      rows
        .filter((r) => r.phase === phase || r.label === 'bare await fn()')
        .map((r) => [r.label, r.loop]),
    );
    await warmUp(Object.values(loops));
    const timed = await bestOf(loops);
    for (const [label, value] of Object.entries(timed))
      ns[label] = Math.min(ns[label] ?? Infinity, value);
  }
  expect('manager size', manager.size, SERVICES);
  expect('evicting manager size', evicting.size, SERVICES);
  expect('breaker state', manager.get('service-0').state, 'closed');
  expect('windowed breaker state', evictingWindowed.get('service-0').state, 'closed');

  const bare = ns['bare await fn()']!;
  console.log(`manager: ${SERVICES.toLocaleString('en')} services called in turn, ns per call`);
  printTable(
    ['case', 'ns/call', 'vs bare', 'vs breaker', 'target', ''],
    rows.map((row) => {
      const value = ns[row.label]!;
      const base = row.versus === undefined ? NaN : ns[row.versus]!;
      return [
        row.label,
        formatNs(value),
        formatRatio(value, bare),
        row.versus === undefined ? '' : formatRatio(value, base),
        row.target === undefined ? '' : `<= ${row.target}x`,
        row.target === undefined ? '' : verdict(value / base, row.target),
      ];
    }),
  );
  console.log(
    '[1] the floor of any lookup by name: a Map of the same breakers, and nothing else\n' +
      "[2] with idle eviction on, calls in flight are the breaker's callsInFlight",
  );

  const plain = await measureHeap(import.meta.url, 'plainBreaker', IDLE_SERVICES);
  const service = await measureHeap(import.meta.url, 'managedService', IDLE_SERVICES);
  const evicted = await measureHeap(import.meta.url, 'evictingService', IDLE_SERVICES);
  const timers = await countTimers(import.meta.url, 'evictingService', 10_000);
  console.log(`\nheap per idle service, ${IDLE_SERVICES.toLocaleString('en')} services`);
  printTable(
    ['case', 'bytes per service', 'manager overhead'],
    [
      ['new CircuitBreaker({ name })', formatBytes(plain.bytesPer), ''],
      [
        'manager.get(service)',
        formatBytes(service.bytesPer),
        formatBytes(service.bytesPer - plain.bytesPer),
      ],
      [
        'manager.get(service), idle eviction on',
        formatBytes(evicted.bytesPer),
        formatBytes(evicted.bytesPer - plain.bytesPer),
      ],
    ],
  );
  console.log(
    `\ntimers held by ${timers.count.toLocaleString('en')} services with idle eviction on: ` +
      `${timers.live} (${timers.refed} keeping the process alive)`,
  );
  for (const closing of [manager, evicting, evictingWindowed, dependent]) closing.close();
}
