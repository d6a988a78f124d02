import { ManualClock } from '../testing/manual-clock.js';
import { seededRandom } from '../testing/seeded-random.js';
import { arrivals, type Arrival } from './arrivals.js';
import { SimulatedFailure } from './failure.js';
import { DependencyModel } from './model.js';
import { faultReports, summarizeFaults, type RunReport } from './report.js';
import { faultWindows, type Scenario } from './scenario.js';

/** Anything with a policy's `execute` (a `CircuitBreaker`, a `wrap(...)`, a throttle). */
export interface PolicyLike {
  execute<T>(
    fn: (signal: AbortSignal) => T | PromiseLike<T>,
    options?: { signal?: AbortSignal },
  ): Promise<unknown>;
}

/** What a policy factory gets: the run's clock and a seeded random source of its own. */
export interface RunContext {
  /** Starts at 0; `now()` is ms from the start of the run. */
  readonly clock: ManualClock;
  /** Seeded from the run's seed, apart from the dependency's draws. */
  readonly random: () => number;
}

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Seed of the dependency's draws and of `context.random`. */
  seed: number;
  /** Length in ms. Default: the scenario's `duration`. */
  duration?: number;
  /** Calls per second instead of the scenario's. */
  rate?: number;
  /**
   * Longest gap (ms) between rejections after a fault that still counts as not recovered yet
   * (see `FaultReport.recoveredAt`). Default 10 000.
   */
  quiet?: number;
}

interface Pending {
  time: number;
  seq: number;
  settle: () => void;
}

/** Lets every promise reaction that is ready run (a macrotask turn; no time passes). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs a policy against the scenario's dependency, closed loop: calls arrive as the scenario
 * says; each goes through `policy.execute`; a call whose `fn` runs is served by the dependency
 * model (taking a server, maybe queueing) and settles after its latency on a ManualClock; a call
 * the policy refuses is scored by what it would have got at that moment (`model.peek`).
 * Deterministic: the same scenario, seed and policy give the same report.
 *
 * @param makePolicy builds the policy on the run's clock (pass it to breakers as `clock`)
 * @example
 * const report = await runScenario(scenarios['spike-100'], ({ clock }) =>
 *   new CircuitBreaker({ clock }), { seed: 1 });
 */
export async function runScenario(
  scenario: Scenario,
  makePolicy: (context: RunContext) => PolicyLike,
  options: RunOptions,
): Promise<RunReport> {
  const clock = new ManualClock(0);
  const policy = makePolicy({ clock, random: seededRandom(options.seed ^ 0x5bd1e995) });
  const model = new DependencyModel(scenario);
  const calls = arrivals(scenario, options);
  const pending: Pending[] = [];
  let seq = 0;
  const schedule = (time: number, settle: () => void): void => {
    const item = { time, seq: seq++, settle };
    let lo = 0;
    let hi = pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = pending[mid];
      if (p && (p.time < time || (p.time === time && p.seq < item.seq))) lo = mid + 1;
      else hi = mid;
    }
    pending.splice(lo, 0, item);
  };

  const rejections: { time: number }[] = [];
  const admittedTimes: number[] = [];
  let falseRejections = 0;
  let leaked = 0;
  let succeeded = 0;

  const start = (arrival: Arrival): void => {
    let ran = false;
    const fn = (signal: AbortSignal): Promise<true> => {
      ran = true;
      const now = clock.now();
      admittedTimes.push(now);
      const served = model.serve(arrival, now);
      if (served.ok) succeeded++;
      else leaked++;
      return new Promise<true>((resolve, reject) => {
        let done = false;
        const onAbort = (): void => {
          done = true;
          reject(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        schedule(now + served.duration, () => {
          signal.removeEventListener('abort', onAbort);
          if (done) return;
          if (served.ok) resolve(true);
          else reject(new SimulatedFailure(served.failure ?? 'error', served.duration));
        });
      });
    };
    policy.execute(fn).then(
      () => undefined,
      () => {
        if (ran) return;
        const now = clock.now();
        rejections.push({ time: now });
        if (model.peek(arrival, now).ok) falseRejections++;
      },
    );
  };

  let next = 0;
  while (next < calls.length || pending.length > 0) {
    const arrival = calls[next];
    const due = pending[0];
    if (due && (!arrival || due.time <= arrival.time)) {
      pending.shift();
      clock.set(Math.max(clock.now(), due.time));
      due.settle();
    } else if (arrival) {
      next++;
      clock.set(Math.max(clock.now(), arrival.time));
      start(arrival);
    }
    await flush();
  }

  const faults = faultReports(
    faultWindows(scenario),
    rejections,
    admittedTimes,
    options.quiet ?? 10_000,
  );
  return {
    scenario: scenario.name,
    seed: options.seed,
    calls: calls.length,
    admitted: admittedTimes.length,
    rejected: rejections.length,
    falseRejections,
    leaked,
    succeeded,
    faults,
    ...summarizeFaults(faults),
  };
}
