// Hot reload of a watched config file. The watcher's polling and debounce timers are real (they
// are the point here) and short; the breakers run on a ManualClock.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { CircuitBreakerManager } from '../../src/manager/manager.js';
import type { ReloadEvent } from '../../src/manager/types.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const watch = { interval: 20, debounce: 20 };

const v1 = `defaults:
  consecutiveFailures: 2
  timeout: 10s
services:
  payments: {}
  search: {}
`;
const v2 = `defaults:
  consecutiveFailures: 2
  timeout: 10s
services:
  payments:
    timeout: 20s
    maxRequests: 3
  search: {}
`;
const bad = `defaults:
  consecutiveFailures: 2
  timeout: thirty
services:
  payments: { maxRequests: 5 }
  search: { dependsOn: [serach] }
`;

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-reload-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The next reload event, or a failure after 5 s. */
function nextReload(manager: CircuitBreakerManager): Promise<ReloadEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('no reload within 5 s'));
    }, 5000);
    const stop = manager.onReload((event) => {
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

async function setup(name: string): Promise<{
  file: string;
  clock: ManualClock;
  manager: CircuitBreakerManager;
}> {
  const file = join(dir, name);
  await writeFile(file, v1);
  const clock = new ManualClock();
  const manager = await CircuitBreakerManager.fromFile(file, { clock, watch });
  return { file, clock, manager };
}

describe('hot reload', () => {
  it("a valid change replaces the settings and keeps every breaker's state", async () => {
    const { file, clock, manager } = await setup('keep-state.yaml');
    try {
      await assert.rejects(manager.execute('payments', boom));
      await assert.rejects(manager.execute('payments', boom));
      const search = manager.get('search');
      await assert.rejects(manager.execute('search', boom));
      clock.advance(3000);
      const before = manager.snapshot();
      assert.equal(before[0]?.retryAfter, 7000);

      const reloaded = nextReload(manager);
      await writeFile(file, v2);
      const event = await reloaded;
      assert.deepEqual(event, {
        ok: true,
        file,
        at: 3000,
        changed: ['payments'],
        unchanged: false,
      });
      assert.deepEqual(manager.snapshot(), before);
      assert.equal(manager.get('search'), search);
      const payments = manager.get('payments');
      assert.equal(payments.settings.maxRequests, 3);
      assert.equal(payments.settings.timeout, 20_000);
      clock.advance(7000);
      assert.equal(payments.state, 'half-open');
    } finally {
      manager.close();
    }
  });

  it('an invalid file keeps the old settings and reports why; a fixed one applies', async () => {
    const { file, manager } = await setup('bad.yaml');
    try {
      const payments = manager.get('payments');
      const failed = nextReload(manager);
      await writeFile(file, bad);
      const event = await failed;
      assert.equal(event.ok, false);
      assert.ok(!event.ok);
      assert.deepEqual(event.error.lines, [
        'defaults.timeout: expected a duration like "30s", got "thirty"',
        'services.search.dependsOn[0]: unknown service "serach" (did you mean "search"?)',
      ]);
      assert.equal(event.error.file, file);
      assert.equal(manager.get('payments'), payments);
      assert.equal(payments.settings.maxRequests, 1, 'nothing half-applied');
      assert.equal(payments.settings.timeout, 10_000);

      const fixed = nextReload(manager);
      await writeFile(file, v2);
      assert.deepEqual(await fixed, {
        ok: true,
        file,
        at: 0,
        changed: ['payments'],
        unchanged: false,
      });
      assert.equal(manager.get('payments').settings.maxRequests, 3);
    } finally {
      manager.close();
    }
  });

  it('reload() reads the file on demand; the same text changes nothing', async () => {
    const { file, manager } = await setup('manual.yaml');
    manager.close();
    const second = await CircuitBreakerManager.fromFile(file, { clock: new ManualClock() });
    try {
      const payments = second.get('payments');
      assert.deepEqual(await second.reload(), {
        ok: true,
        file,
        at: 0,
        changed: [],
        unchanged: true,
      });
      assert.equal(second.get('payments'), payments);
      await writeFile(file, v2);
      const [a, b] = await Promise.all([second.reload(), second.reload()]);
      assert.deepEqual(a, { ok: true, file, at: 0, changed: ['payments'], unchanged: false });
      assert.deepEqual(b, { ok: true, file, at: 0, changed: [], unchanged: true });
    } finally {
      second.close();
    }
  });

  it('a failed reload nobody listens to is printed as a process warning', async () => {
    const file = join(dir, 'warn.yaml');
    await writeFile(file, v1);
    const manager = await CircuitBreakerManager.fromFile(file, { clock: new ManualClock() });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      await writeFile(file, bad);
      const event = await manager.reload();
      assert.equal(event.ok, false);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      manager.close();
    }
    assert.equal(warnings.length, 1);
    const [warning] = warnings;
    assert.ok(warning);
    assert.equal(warning.name, 'BreakwaterConfigWarning');
    assert.ok(
      warning.message.endsWith(
        'defaults.timeout: expected a duration like "30s", got "thirty"\n  services.search.dependsOn[0]: unknown service "serach" (did you mean "search"?)\nthe previous settings stay in force',
      ),
      warning.message,
    );
  });

  it('close() stops watching', async () => {
    const { file, manager } = await setup('closed.yaml');
    const events: ReloadEvent[] = [];
    manager.onReload((e) => events.push(e));
    manager.close();
    await writeFile(file, v2);
    await sleep(150); // several polling intervals and debounces
    assert.deepEqual(events, []);
  });

  it('a reload in flight when the manager closes and the file goes reports nothing', async () => {
    const file = join(dir, 'gone.yaml');
    await writeFile(file, v1);
    const manager = await CircuitBreakerManager.fromFile(file, { clock: new ManualClock() });
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      await writeFile(file, v2);
      const reloading = manager.reload(); // reads, then waits for the file to settle
      manager.close();
      await rm(file);
      const event = await reloading;
      // Closed before the read finished: nothing was applied.
      assert.equal(event.ok ? event.changed.length : 0, 0);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.map((w) => w.message),
      [],
    );
  });

  it('reload() and watch() need a manager made from a file', async () => {
    const manager = new CircuitBreakerManager();
    await assert.rejects(manager.reload(), {
      name: 'TypeError',
      message: 'reload() needs a manager made by fromFile()',
    });
    assert.throws(
      () => {
        manager.watch();
      },
      { message: 'watch() needs a manager made by fromFile()' },
    );
  });
});
