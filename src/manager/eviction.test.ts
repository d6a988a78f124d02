import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreakerManager } from './manager.js';
import type { EvictEvent } from './types.js';

const ok = (): Promise<string> => Promise.resolve('ok');
const boom = (): Promise<never> => Promise.reject(new Error('boom'));

function setup(extra: { consecutiveFailures?: number } = {}): {
  clock: ManualClock;
  manager: CircuitBreakerManager;
  evicted: EvictEvent[];
} {
  const clock = new ManualClock();
  const manager = new CircuitBreakerManager({
    clock,
    idleTimeout: 1000,
    sweepInterval: 250,
    defaults: { timeout: 10_000, ...extra },
  });
  const evicted: EvictEvent[] = [];
  manager.onEvict((e) => evicted.push(e));
  return { clock, manager, evicted };
}

describe('idle eviction', () => {
  it('drops a breaker unused for idleTimeout, at the first sweep after it', () => {
    const { clock, manager, evicted } = setup();
    const a = manager.get('a');
    clock.advance(999);
    assert.equal(manager.has('a'), true);
    clock.advance(1);
    assert.equal(manager.has('a'), false);
    assert.deepEqual(evicted, [{ name: 'a', breaker: a, reason: 'idle', at: 1000 }]);
    assert.notEqual(manager.get('a'), a, 'the next use makes a fresh breaker');
  });

  it('a use counts from the next sweep: never dropped before idleTimeout has passed', async () => {
    const { clock, manager } = setup();
    manager.get('a');
    clock.advance(100);
    await manager.execute('a', ok); // used at 100; the sweep at 250 sees it
    clock.advance(1149); // 1249
    assert.equal(manager.has('a'), true);
    clock.advance(1); // 1250 = 250 + 1000
    assert.equal(manager.has('a'), false);
  });

  it('keeps breakers in use and drops the idle ones', async () => {
    const { clock, manager } = setup();
    manager.get('busy');
    manager.get('idle');
    for (let t = 0; t < 3000; t += 100) {
      await manager.execute('busy', ok);
      clock.advance(100);
    }
    assert.deepEqual(
      manager.snapshot().map((s) => s.name),
      ['busy'],
    );
  });

  it('never drops an open breaker, nor a half-open one', async () => {
    const { clock, manager, evicted } = setup({ consecutiveFailures: 1 });
    await assert.rejects(manager.execute('a', boom));
    clock.advance(9_999);
    assert.equal(manager.get('a').state, 'open');
    manager.sweep();
    clock.advance(5000);
    assert.equal(manager.peek('a')?.state, 'half-open');
    clock.advance(5000);
    assert.equal(manager.has('a'), true);
    assert.deepEqual(evicted, []);
  });

  it('never drops a breaker with a call in flight, and counts the call as use', async () => {
    const { clock, manager } = setup();
    let release!: (value: string) => void;
    const call = manager.execute('a', () => new Promise<string>((resolve) => (release = resolve)));
    clock.advance(5000);
    assert.equal(manager.has('a'), true);
    release('done');
    assert.equal(await call, 'done');
    // Seen in flight by the sweep at 5000; idle from then on.
    clock.advance(999);
    assert.equal(manager.has('a'), true);
    clock.advance(1);
    assert.equal(manager.has('a'), false);
  });

  it('sees calls in flight made directly on the breaker from get() (no window: from its counts)', async () => {
    const { clock, manager } = setup();
    let release!: (value: string) => void;
    const call = manager.get('a').execute(() => new Promise<string>((r) => (release = r)));
    clock.advance(5000);
    assert.equal(manager.has('a'), true);
    release('done');
    await call;
    clock.advance(1000);
    assert.equal(manager.has('a'), false);
  });

  it('counts calls in flight itself for a breaker with a window', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      idleTimeout: 1000,
      sweepInterval: 250,
      defaults: { window: { kind: 'time', size: 1000 }, failureRateThreshold: 50 },
    });
    let release!: (value: string) => void;
    const call = manager.execute('a', () => new Promise<string>((r) => (release = r)));
    clock.advance(5000);
    assert.equal(manager.has('a'), true);
    release('done');
    await call;
    clock.advance(1000);
    assert.equal(manager.has('a'), false);
  });

  it('a callTimeout shorter than idleTimeout bounds calls in flight', async () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({
      clock,
      idleTimeout: 1000,
      sweepInterval: 250,
      defaults: { window: { kind: 'count', size: 10 }, callTimeout: 500, minimumCalls: 5 },
    });
    // fn never settles; the breaker gives up on it at 500 and records a failure.
    const call = manager.execute('a', () => new Promise<string>(() => undefined));
    const timedOut = assert.rejects(call, { name: 'TimeoutError' });
    clock.advance(1000);
    await timedOut;
    assert.equal(manager.has('a'), false);
  });

  it('counts calls that throw synchronously or return plain values as settled', async () => {
    const { clock, manager } = setup();
    await assert.rejects(
      manager.execute('a', () => {
        throw new Error('sync');
      }),
      { message: 'sync' },
    );
    assert.equal(await manager.execute('a', () => 7), 7);
    const thenable = {
      then(resolve: (v: number) => void): void {
        resolve(8);
      },
    };
    assert.equal(await manager.execute('a', () => thenable as unknown as PromiseLike<number>), 8);
    clock.advance(1250);
    assert.equal(manager.has('a'), false);
  });

  it('never drops a forced breaker (disabled reads closed)', () => {
    const { clock, manager } = setup();
    manager.get('a').disable();
    clock.advance(10_000);
    assert.equal(manager.has('a'), true);
  });

  it("disposes the dropped breaker's listeners; fleet subscriptions carry on", async () => {
    const { clock, manager } = setup({ consecutiveFailures: 1 });
    const fleet: string[] = [];
    manager.onTransition((e) => fleet.push(`${e.name}:${e.to}`));
    const old = manager.get('a');
    const own: string[] = [];
    old.onTransition((e) => own.push(e.to));
    clock.advance(1000);
    assert.equal(manager.has('a'), false);
    old.forceOpen();
    assert.deepEqual(own, []);
    assert.deepEqual(fleet, []);
    await assert.rejects(manager.execute('a', boom));
    assert.deepEqual(fleet, ['a:open']);
  });

  it('holds one sweep timer, only while breakers exist, and none without idleTimeout', () => {
    const { clock, manager } = setup();
    assert.equal(clock.pendingTimers, 0);
    for (let i = 0; i < 100; i++) manager.get(`key-${i}`);
    assert.equal(clock.pendingTimers, 1);
    clock.advance(1000);
    assert.equal(manager.size, 0);
    assert.equal(clock.pendingTimers, 0);
    manager.get('again');
    assert.equal(clock.pendingTimers, 1);
    manager.close();
    assert.equal(clock.pendingTimers, 0);

    const plain = new ManualClock();
    const noEviction = new CircuitBreakerManager({ clock: plain });
    noEviction.get('a');
    plain.advance(1e9);
    assert.equal(plain.pendingTimers, 0);
    assert.equal(noEviction.has('a'), true);
  });

  it('a flood of per-key breakers cannot grow without bound', async () => {
    const { clock, manager } = setup();
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      await manager.execute(`tenant-${i}`, ok);
      peak = Math.max(peak, manager.size);
      if (i % 10 === 9) clock.advance(1);
    }
    // 10 new keys a ms. Just before the sweep at s, the keys made in [s - 1249, s - 1] are
    // alive (the sweep at s - 250 dropped those made up to s - 1250): 1249 ms x 10.
    assert.equal(peak, 12_490);
    clock.advance(1500);
    assert.equal(manager.size, 0);
  });

  it('the default sweepInterval is idleTimeout / 4', () => {
    const clock = new ManualClock();
    const manager = new CircuitBreakerManager({ clock, idleTimeout: 400 });
    manager.get('a');
    clock.advance(399);
    assert.equal(manager.has('a'), true);
    clock.advance(1);
    assert.equal(manager.has('a'), false);
  });

  it("the system clock sweep timer is unref'd: it never holds the process", () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const manager = new CircuitBreakerManager({ idleTimeout: 3_600_000 });
    manager.get('a');
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    manager.close();
    assert.equal(after, before);
  });
});
