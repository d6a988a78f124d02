import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { autoSpeed, Scenario, type ScenarioSummary, type ScenarioTick } from './scenario.js';

/**
 * Runs a scenario on a ManualClock, one millisecond at a time, letting promise callbacks run
 * between steps (as they would between real timer callbacks). `abortAt` aborts the run's
 * signal once that many ms have passed.
 */
async function drive(
  scenario: Scenario,
  clock: ManualClock,
  abortAt = Infinity,
): Promise<ScenarioSummary> {
  const controller = new AbortController();
  let done = false as boolean;
  const run = scenario.run(controller.signal).then((summary) => {
    done = true;
    return summary;
  });
  while (!done) {
    if (scenario.elapsed() >= abortAt && !controller.signal.aborted) controller.abort();
    clock.advance(1);
    await new Promise(setImmediate);
  }
  return run;
}

function collectTicks(scenario: Scenario): ScenarioTick[] {
  const ticks: ScenarioTick[] = [];
  scenario.onTick((tick) => ticks.push(tick));
  return ticks;
}

type Step = [name: string, from: string, to: string, reason: string, at: number];

function steps(summary: ScenarioSummary): Step[] {
  return summary.transitions.map((t) => [t.name, t.from, t.to, t.reason, t.at]);
}

describe('Scenario', () => {
  it('plays the 25 s story: payments fails and recovers, inventory slows and recovers', async () => {
    const clock = new ManualClock(1_000_000);
    const scenario = new Scenario({ clock, duration: 25_000 });
    const ticks = collectTicks(scenario);
    const summary = await drive(scenario, clock);

    // Seeded randomness on a manual clock: the same run every time, down to the millisecond.
    assert.deepEqual(steps(summary), [
      ['payments', 'closed', 'open', 'tripped', 6320],
      ['payments', 'open', 'half-open', 'timeout-elapsed', 8320],
      ['payments', 'half-open', 'open', 'probe-failed', 8414],
      ['payments', 'open', 'half-open', 'timeout-elapsed', 10414],
      ['payments', 'half-open', 'open', 'probe-failed', 10570],
      ['payments', 'open', 'half-open', 'timeout-elapsed', 12570],
      ['payments', 'half-open', 'open', 'probe-failed', 12661],
      ['inventory', 'closed', 'open', 'tripped', 12772],
      ['payments', 'open', 'half-open', 'timeout-elapsed', 14661],
      ['payments', 'half-open', 'closed', 'probes-succeeded', 14756],
      ['inventory', 'open', 'half-open', 'timeout-elapsed', 14772],
      ['inventory', 'half-open', 'open', 'probe-slow', 15436],
      ['inventory', 'open', 'half-open', 'timeout-elapsed', 17436],
      ['inventory', 'half-open', 'closed', 'probes-succeeded', 17499],
    ]);
    assert.deepEqual(summary.services, [
      {
        name: 'payments',
        total: {
          attempted: 1250,
          through: 841,
          succeeded: 798,
          failed: 42,
          rejected: 409,
          slow: 0,
          cancelled: 1,
        },
        attemptedWhileUnhealthy: 400,
        spared: 374,
        rejectedWhileHealthy: 35,
        finalState: 'closed',
      },
      {
        name: 'inventory',
        total: {
          attempted: 1250,
          through: 1020,
          succeeded: 993,
          failed: 27,
          rejected: 230,
          slow: 142,
          cancelled: 0,
        },
        attemptedWhileUnhealthy: 350,
        spared: 208,
        rejectedWhileHealthy: 22,
        finalState: 'closed',
      },
    ]);
    assert.equal(summary.stoppedBy, 'duration');
    assert.equal(summary.elapsed, 25_000);
    assert.equal(summary.ticks, 25);
    assert.deepEqual(
      ticks.map((t) => t.at),
      Array.from({ length: 25 }, (_, i) => (i + 1) * 1000),
    );
  });

  it('accounts for every call: made = let through + rejected, let through = outcomes', async () => {
    const clock = new ManualClock();
    const scenario = new Scenario({ clock, duration: 25_000, seed: 7 });
    const ticks = collectTicks(scenario);
    const summary = await drive(scenario, clock);
    for (const s of summary.services) {
      const t = s.total;
      assert.equal(t.attempted, 1250, s.name);
      assert.equal(t.through + t.rejected, t.attempted, s.name);
      assert.equal(t.succeeded + t.failed + t.cancelled, t.through, s.name);
      assert.equal(s.spared + s.rejectedWhileHealthy, t.rejected, s.name);
    }
    // The per-second lines add up to the totals.
    summary.services.forEach((s, i) => {
      const sum = (key: 'attempted' | 'rejected' | 'failed') =>
        ticks.reduce((n, tick) => n + (tick.services[i]?.interval[key] ?? 0), 0);
      assert.equal(sum('attempted'), s.total.attempted);
      assert.equal(sum('rejected'), s.total.rejected);
      assert.equal(sum('failed'), s.total.failed);
    });
  });

  it('fits the whole story into a 3 s run at auto speed', async () => {
    const clock = new ManualClock();
    const scenario = new Scenario({ clock, duration: 3000, speed: autoSpeed(3000) });
    const summary = await drive(scenario, clock);
    for (const name of ['payments', 'inventory']) {
      const path = summary.transitions.filter((t) => t.name === name).map((t) => t.to);
      assert.equal(path[0], 'open', name);
      assert.equal(path.at(-1), 'closed', name);
      assert.equal(path.at(-2), 'half-open', name);
      // In between, the breaker only alternates open <-> half-open.
      path.slice(1, -1).forEach((to, i) => {
        assert.equal(to, i % 2 === 0 ? 'half-open' : 'open', `${name} step ${i + 1}`);
      });
    }
    assert.deepEqual(
      summary.services.map((s) => s.finalState),
      ['closed', 'closed'],
    );
    assert.equal(summary.ticks, 3);
  });

  it('stops on its signal with a last tick for the part-second, cancelling calls in flight', async () => {
    const clock = new ManualClock();
    const scenario = new Scenario({ clock });
    const ticks = collectTicks(scenario);
    const summary = await drive(scenario, clock, 2500);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.elapsed, 2500);
    assert.deepEqual(
      ticks.map((t) => t.at),
      [1000, 2000, 2500],
    );
    // Slots at 0, 20, ..., 2500 ms: 126 calls each; those still running at 2500 are cancelled.
    assert.deepEqual(
      summary.services.map((s) => s.total),
      [
        {
          attempted: 126,
          through: 126,
          succeeded: 121,
          failed: 2,
          rejected: 0,
          slow: 0,
          cancelled: 3,
        },
        {
          attempted: 126,
          through: 126,
          succeeded: 120,
          failed: 5,
          rejected: 0,
          slow: 0,
          cancelled: 1,
        },
      ],
    );
    // Only the breakers' own call-timeout timers may be armed; they run out and are not renewed.
    clock.advance(2000);
    assert.equal(clock.pendingTimers, 0);
  });

  it('resolves at once when the signal is already aborted', async () => {
    const clock = new ManualClock();
    const scenario = new Scenario({ clock });
    const summary = await scenario.run(AbortSignal.abort());
    assert.equal(summary.ticks, 0);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.services[0]?.total.attempted, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it('runs once', async () => {
    const scenario = new Scenario({ clock: new ManualClock() });
    await scenario.run(AbortSignal.abort());
    await assert.rejects(scenario.run(), { message: 'a Scenario runs once; make a new one' });
  });

  it('replays the same run from the same seed, and another from another seed', async () => {
    const run = async (seed: number) => {
      const clock = new ManualClock();
      return drive(new Scenario({ clock, duration: 9000, seed }), clock);
    };
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.services, c.services);
  });

  it('refuses options out of range, naming them', () => {
    assert.throws(() => new Scenario({ duration: 0 }), {
      name: 'RangeError',
      message: 'scenario duration must be > 0 ms, got 0',
    });
    assert.throws(() => new Scenario({ speed: 101 }), {
      name: 'RangeError',
      message: 'scenario speed must be in (0, 100], got 101',
    });
    assert.throws(() => new Scenario({ rate: 2.5 }), {
      name: 'RangeError',
      message: 'scenario rate must be an integer from 1 to 1000 calls/s, got 2.5',
    });
    assert.throws(() => new Scenario({ tickInterval: -1 }), {
      name: 'RangeError',
      message: 'scenario tickInterval must be > 0 ms, got -1',
    });
  });
});

describe('autoSpeed', () => {
  it('fits the story into shorter runs, up to 25x, and plays longer ones at speed 1', () => {
    assert.equal(autoSpeed(3000), 25 / 3);
    assert.equal(autoSpeed(12_500), 2);
    assert.equal(autoSpeed(500), 25);
    assert.equal(autoSpeed(25_000), 1);
    assert.equal(autoSpeed(90_000), 1);
    assert.equal(autoSpeed(Infinity), 1);
    assert.throws(() => autoSpeed(0), { name: 'RangeError' });
  });
});
