// Resource tests of the core: no timer keeps a process alive, idle breakers hold no handles,
// callers' AbortSignals and event subscriptions leave nothing behind, window and breaker memory
// stay bounded, and no path leaks an unhandled rejection or settles a call twice. The process
// and heap checks run in child processes (test/fixtures/core/*), so nothing else in this test
// process can disturb them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, CallTimeoutError } from './errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface ChildResult {
  code: number | null;
  /** From spawn to exit, ms. */
  elapsed: number;
  /** From the end of the child's work (its `doneAt`) to its exit, ms. */
  exitLag: number;
  report: Record<string, unknown>;
  stderr: string;
}

/** Runs a fixture under tsx and parses the JSON object it prints last. */
function runChild(fixture: string, args: string[], nodeFlags: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [...nodeFlags, '--import', 'tsx', `test/fixtures/core/${fixture}`, ...args],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    // A child that hangs must fail the test, not the whole run.
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    let exited = NaN;
    child.on('exit', () => {
      exited = Date.now();
      clearTimeout(killer);
    });
    // 'close' comes after 'exit' and after stdout and stderr have ended.
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      let report: Record<string, unknown>;
      try {
        report = JSON.parse(last) as Record<string, unknown>;
      } catch {
        reject(new Error(`child printed no report (exit ${String(code)}):\n${stdout}\n${stderr}`));
        return;
      }
      resolve({
        code,
        elapsed: exited - started,
        exitLag: exited - Number(report.doneAt),
        report,
        stderr,
      });
    });
  });
}

const tally = (list: string[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const x of list) out[x] = (out[x] ?? 0) + 1;
  return out;
};

describe('processes exit by themselves', () => {
  it('5,000 breakers tripped open, 500 probed through half-open with a 60 s callTimeout', async () => {
    const r = await runChild('many-breakers.ts', ['trip']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.report, {
      mode: 'trip',
      breakers: 5000,
      open: 5000,
      halfOpen: 500,
      probesOk: 250,
      closedAfter: 250,
      openAfter: 4750,
      refTimeouts: 0,
      doneAt: r.report.doneAt,
    });
    assert.ok(r.elapsed < 5000, `took ${r.elapsed} ms`);
    assert.ok(r.exitLag < 1000, `lingered ${r.exitLag} ms after its work ended`);
  });

  it('callTimeout calls pending then settled leave no timer armed', async () => {
    const r = await runChild('many-breakers.ts', ['timers']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.report, {
      mode: 'timers',
      breakers: 1000,
      armedWhileInFlight: 1000,
      resolved: 1000,
      armedAfter: 0,
      successes: 1000,
      refTimeouts: 0,
      doneAt: r.report.doneAt,
    });
    assert.ok(r.elapsed < 5000, `took ${r.elapsed} ms`);
    assert.ok(r.exitLag < 1000, `lingered ${r.exitLag} ms after its work ended`);
  });
});

describe('idle breakers hold nothing', () => {
  it('10,000 idle (and used, then idle) breakers add no active timer or handle', () => {
    const before = tally(process.getActiveResourcesInfo());
    const clock = new ManualClock(0);
    const breakers: CircuitBreaker[] = [];
    for (let i = 0; i < 10_000; i++) {
      const kind = i % 5;
      breakers.push(
        new CircuitBreaker({
          name: `idle-${i}`,
          callTimeout: 1000,
          halfOpenTimeout: 1000,
          // Only the ManualClock ones may turn half-open while this test runs.
          timeout: kind === 4 ? 10 : 60_000,
          // Long enough that no interval reset can fall between allow() and done() below.
          ...(kind === 1 ? { interval: 60_000 } : {}),
          ...(kind === 2 ? { window: { kind: 'time' as const, size: 1000, buckets: 10 } } : {}),
          ...(kind === 3 ? { window: { kind: 'count' as const, size: 10 } } : {}),
          ...(kind === 4 ? { clock } : {}),
          readyToTrip: (c) => c.consecutiveFailures >= 1,
        }),
      );
    }
    // Half of them are used: tripped open through the two-step API, and one is made to reach
    // half-open and back to closed. None of that may start a timer.
    for (const b of breakers.slice(0, 5000)) b.allow()(false);
    clock.advance(10);
    const probe = breakers.find((b) => b.state === 'half-open');
    assert.ok(probe);
    probe.allow()(true);
    assert.equal(probe.state, 'closed');
    const open = breakers.filter((b) => b.state === 'open').length;
    assert.equal(open, 5000 - 1000);
    assert.deepEqual(tally(process.getActiveResourcesInfo()), before);
    assert.equal(
      breakers.filter((b) => b.timerArmed).length,
      0,
      'a breaker armed its timeout timer',
    );
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('caller signals and subscriptions leave nothing behind', () => {
  it('one AbortSignal shared by 1,000 executes keeps no abort listener', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    try {
      const clock = new ManualClock(0);
      const timed = new CircuitBreaker({ clock, callTimeout: 100, readyToTrip: () => false });
      const plain = new CircuitBreaker({ readyToTrip: () => false });
      const controller = new AbortController();
      const { signal } = controller;
      const listeners = (): number => getEventListeners(signal, 'abort').length;
      const settled: string[] = [];
      // Sequential: each call adds one listener while in flight and removes it as it settles,
      // whatever ends it (its result, a rejection, a synchronous throw, the timeout).
      for (let i = 0; i < 800; i++) {
        const b = i % 2 === 0 ? timed : plain;
        const how = Math.floor(i / 2) % 4;
        let finish: ((ok: boolean) => void) | undefined;
        const p = b.execute(
          () => {
            if (how === 3) throw new Error('sync');
            return new Promise<string>((resolve, reject) => {
              finish = (ok) => {
                if (ok) resolve('v');
                else reject(new Error('x'));
              };
            });
          },
          { signal },
        );
        if (how !== 3) assert.equal(listeners(), 1, `call ${i} in flight`);
        if (how === 0) finish?.(true);
        if (how === 1) finish?.(false);
        if (how === 2) {
          if (b === timed) clock.advance(100);
          else finish?.(true);
        }
        settled.push(
          await p.then(
            () => 'ok',
            (e: unknown) => (e instanceof CallTimeoutError ? 'timeout' : 'error'),
          ),
        );
        assert.equal(listeners(), 0, `call ${i} settled`);
      }
      assert.deepEqual(tally(settled), { ok: 300, error: 400, timeout: 100 });
      // Concurrent, ten at a time: ten listeners, then none (and no MaxListeners warning).
      for (let batch = 0; batch < 20; batch++) {
        const finishers: (() => void)[] = [];
        const ps = Array.from({ length: 10 }, (_, k) =>
          (k % 2 ? timed : plain).execute(
            () =>
              new Promise<number>((resolve) => {
                finishers.push(() => {
                  resolve(k);
                });
              }),
            { signal },
          ),
        );
        assert.equal(listeners(), 10);
        for (const f of finishers) f();
        await Promise.all(ps);
        assert.equal(listeners(), 0);
      }
      // Rejected while open: no listener is ever added.
      timed.forceOpen();
      for (let i = 0; i < 100; i++) {
        await assert.rejects(
          timed.execute(() => 1, { signal }),
          BreakerOpenError,
        );
      }
      assert.equal(listeners(), 0);
      // Aborting the parent now reaches no call of the breaker (nothing left to settle).
      controller.abort(new Error('late abort'));
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(timed.counts.totalExclusions + plain.counts.totalExclusions, 0);
      assert.deepEqual(warnings, []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('subscribe/unsubscribe 100,000 listeners, one at a time and all at once: none left', () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ clock, readyToTrip: (c) => c.consecutiveFailures >= 1 });
    let calls = 0;
    const count = (): void => {
      calls++;
    };
    // One at a time (the per-request pattern).
    for (let i = 0; i < 100_000; i++) {
      const a = breaker.onTransition(count);
      const b = breaker.onCall(count);
      if (i % 2) a();
      else a[Symbol.dispose]();
      b();
    }
    // All at once, removed in an order unlike the order they came in.
    const started = performance.now();
    const disposers = Array.from({ length: 100_000 }, (_, i) =>
      i % 2 ? breaker.onTransition(count) : breaker.onCall(count),
    );
    for (let i = 1; i < disposers.length; i += 2) disposers[i]?.();
    for (let i = disposers.length - 2; i >= 0; i -= 2) disposers[i]?.();
    const took = performance.now() - started;
    assert.ok(took < 3000, `100,000 subscriptions took ${Math.round(took)} ms`);
    // Nothing is called any more: a call, a trip, half-open and a probe.
    breaker.allow()(true);
    breaker.allow()(false);
    clock.advance(60_000);
    assert.equal(breaker.state, 'half-open');
    breaker.allow()(true);
    assert.equal(breaker.state, 'closed');
    assert.equal(calls, 0);
    // Disposing twice removes only its own subscription, even of the same function.
    const first = breaker.onTransition(count);
    breaker.onTransition(count);
    first();
    first();
    breaker.forceOpen();
    assert.equal(calls, 1);
  });
});

describe('memory stays bounded', () => {
  it('1,000,000 calls recorded into a time window add < 1 MB of heap', async (t) => {
    const r = await runChild('window-heap.ts', ['calls'], ['--expose-gc']);
    assert.equal(r.code, 0, r.stderr);
    const delta = Number(r.report.heapDelta);
    t.diagnostic(`heap delta after 1,000,000 calls: ${delta} bytes`);
    assert.equal(r.report.calls, 1_000_000);
    assert.equal(r.report.state, 'closed');
    assert.ok(Number(r.report.windowRequests) > 0);
    assert.ok(delta < 1024 * 1024, `heap grew by ${delta} bytes`);
  });

  it('heap per breaker with a 10-bucket time window and one recorded call', async (t) => {
    const r = await runChild('window-heap.ts', ['breakers'], ['--expose-gc']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.report.alive, 10_000);
    const perBreaker = Number(r.report.perBreaker);
    t.diagnostic(`heap per breaker (10-bucket time window, one call): ${perBreaker} bytes`);
    assert.ok(perBreaker > 0 && perBreaker < 2000, `${perBreaker} bytes per breaker`);
  });
});

describe('no unhandled rejection, no double settlement', () => {
  it('timeouts, aborts, open rejections, synchronous throws and throwing listeners', async () => {
    const r = await runChild('no-unhandled.ts', []);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.report.unhandled, []);
    assert.deepEqual(r.report.multiple, []);
    assert.deepEqual(r.report.checks, {
      timeoutErrors: true,
      timeoutFailures: 4,
      timeoutEvents: 4,
      abortReasons: true,
      abortExclusions: 3,
      abortFailures: 0,
      abortEvents: 2,
      preAborted: true,
      openResults: true,
      openEvents: 103,
      syncThrownOut: [],
      syncMessages: [
        ...['sync', 'thenable', 'then threw', 'then getter threw'],
        ...['sync', 'thenable', 'then threw', 'then getter threw'],
      ],
      syncFailures: 10,
      syncEvents: 5,
      listenerCaller: true,
      listenerState: 'open',
    });
    assert.equal(r.report.warnings, 3);
    assert.ok(r.exitLag < 1000, `lingered ${r.exitLag} ms after its work ended`);
  });
});
