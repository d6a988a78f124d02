import { setMaxListeners } from 'node:events';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { systemClock } from '../core/clock.js';
import { Emitter } from '../core/emitter.js';
import type { CallEvent, StateChangeEvent, TransitionReason } from '../core/events.js';
import type { CircuitState, Disposer } from '../core/types.js';
import { seededRandom } from '../testing/seeded-random.js';
import { realTimerClock, type TimerClock } from './clock.js';
import type { BreakerOptions } from '../core/options.js';
import { SimulatedDependency } from './dependency.js';
import { CallTally, type CallCounts } from './stats.js';
import { defaultStory, STORY_LENGTH, type ServiceScript } from './story.js';
import { inProcessClient, type DependencyClient } from './transport.js';

/** Options of {@link Scenario}. Durations are real milliseconds. */
export interface ScenarioOptions {
  /** Stop after this long. Default `Infinity`: run until the signal given to `run` aborts. */
  duration?: number;
  /** How many times faster than real time the story plays (0 < x <= 100). Default 1. */
  speed?: number;
  /** Calls per second made through each breaker (integer 1..1000). Default 50. */
  rate?: number;
  /** Time between ticks. Default 1000. */
  tickInterval?: number;
  /** Seed of the dependencies' randomness: the same seed replays the same calls. Default 1. */
  seed?: number;
  /**
   * Source of time and timers for everything, breakers included (a ManualClock in tests).
   * Default: wall-clock time, ref'd timers for the scenario, and `systemClock` for the breakers.
   */
  clock?: TimerClock;
  /** The services to simulate. Default: `payments` and `inventory` (see story.ts). */
  services?: readonly ServiceScript[];
  /**
   * How the load reaches each dependency. Default: {@link inProcessClient}, a direct call. The
   * demo's gateway passes HTTP clients for the scripts whose `reach` is `'http'`.
   */
  connect?: (dependency: SimulatedDependency, script: ServiceScript) => DependencyClient;
  /**
   * Makes the breaker of each service from its options (name and clock included). Default
   * `new CircuitBreaker(options)`; the gateway gets them from a CircuitBreakerManager.
   */
  createBreaker?: (options: BreakerOptions & { name: string }) => CircuitBreaker;
}

/** A dependency of the scenario and the breaker in front of it. */
export interface DemoService {
  readonly name: string;
  /** The script's `thirdParty` phrase, for a dependency someone else runs. */
  readonly thirdParty: string | undefined;
  readonly breaker: CircuitBreaker;
  readonly dependency: SimulatedDependency;
  /** How the load reaches the dependency. */
  readonly client: DependencyClient;
}

/** One service in a {@link ScenarioTick}. */
export interface ServiceTick {
  name: string;
  /** The dependency's phase now, e.g. `'failing'`. */
  phase: string;
  /** False while the dependency is in trouble. */
  healthy: boolean;
  state: CircuitState;
  /** The breaker's `failureRate` now: 0..1, or -1 with too few calls in its window. */
  failureRate: number;
  /** The breaker's `slowCallRate` now: 0..1, or -1 without a slow-call rule or calls. */
  slowCallRate: number;
  /** Calls since the previous tick. */
  interval: CallCounts;
  /** Calls since the start. */
  total: CallCounts;
  /** State changes since the previous tick. */
  transitions: number;
}

/** What the scenario reports every `tickInterval` (and once more when stopped early). */
export interface ScenarioTick {
  /** 1 for the first tick. */
  index: number;
  /** Real ms since the start; the end of the interval this tick covers. */
  at: number;
  /** Story ms since the start (`at * speed`). */
  storyAt: number;
  services: ServiceTick[];
}

/** A state change, timed from the start of the run. */
export interface TransitionRecord {
  name: string;
  from: CircuitState;
  to: CircuitState;
  reason: TransitionReason;
  /** Real ms since the start. */
  at: number;
}

/** Totals of one service at the end of a run. */
export interface ServiceSummary {
  name: string;
  total: CallCounts;
  /** Calls attempted while the dependency was in trouble. */
  attemptedWhileUnhealthy: number;
  /** Calls the breaker rejected while the dependency was in trouble: load it was spared. */
  spared: number;
  /** Calls rejected while the dependency was fine again (the price of waiting to probe). */
  rejectedWhileHealthy: number;
  /** The breaker's state at the end. */
  finalState: CircuitState;
}

/** What `run` resolves to. */
export interface ScenarioSummary {
  /** Real ms from start to stop. */
  elapsed: number;
  speed: number;
  rate: number;
  ticks: number;
  stoppedBy: 'duration' | 'signal';
  services: ServiceSummary[];
  /** Every state change of every breaker, in order. */
  transitions: TransitionRecord[];
}

/**
 * The speed that fits the whole story into `duration` ms: a run shorter than the story plays it
 * faster (at most 25x), a longer one (or an endless one, `Infinity`) plays it at speed 1 and
 * repeats it.
 */
export function autoSpeed(duration: number): number {
  if (!(duration > 0)) throw new RangeError(`duration must be > 0 ms, got ${duration}`);
  return duration >= STORY_LENGTH ? 1 : Math.min(25, STORY_LENGTH / duration);
}

interface Track {
  readonly service: DemoService;
  readonly tally: CallTally;
  attemptedWhileUnhealthy: number;
  spared: number;
  rejectedWhileHealthy: number;
  transitions: number;
}

/**
 * The scripted scenario behind `breakwater demo`: simulated dependencies that are healthy, then
 * fail, then recover; one breaker in front of each; and a load generator calling through every
 * breaker at a steady rate. It only uses the breakers' public API, and reports through `onTick`
 * and the breakers' own events, so a terminal and a dashboard can render the same run.
 *
 * @example
 * const scenario = new Scenario({ duration: 25_000 });
 * scenario.onTick((tick) => console.log(tick.at, tick.services.map((s) => s.state)));
 * const summary = await scenario.run(signal);
 */
export class Scenario {
  /** The services, in the order of the scripts. Their breakers exist before `run`. */
  readonly services: readonly DemoService[];
  /** Real ms; `Infinity` when the run lasts until its signal aborts. */
  readonly duration: number;
  readonly speed: number;
  readonly rate: number;
  readonly tickInterval: number;
  private readonly clock: TimerClock;
  private readonly tracks: Track[];
  private readonly ticks = new Emitter<ScenarioTick>('onTick');
  private readonly transitions: TransitionRecord[] = [];
  private start: number;
  private started = false;

  /** @throws RangeError naming the option when an option is out of range */
  constructor(options: ScenarioOptions = {}) {
    const {
      duration = Infinity,
      speed = 1,
      rate = 50,
      tickInterval = 1000,
      seed = 1,
      services = defaultStory,
    } = options;
    if (!(duration > 0)) throw new RangeError(`scenario duration must be > 0 ms, got ${duration}`);
    if (!(speed > 0 && speed <= 100)) {
      throw new RangeError(`scenario speed must be in (0, 100], got ${speed}`);
    }
    if (!Number.isInteger(rate) || rate < 1 || rate > 1000) {
      throw new RangeError(`scenario rate must be an integer from 1 to 1000 calls/s, got ${rate}`);
    }
    if (!(tickInterval > 0 && Number.isFinite(tickInterval))) {
      throw new RangeError(`scenario tickInterval must be > 0 ms, got ${tickInterval}`);
    }
    this.duration = duration;
    this.speed = speed;
    this.rate = rate;
    this.tickInterval = tickInterval;
    this.clock = options.clock ?? realTimerClock;
    const breakerClock = options.clock ?? systemClock;
    this.start = this.clock.now();
    const storyTime = (): number => (this.clock.now() - this.start) * speed;
    const connect = options.connect ?? inProcessClient;
    const createBreaker = options.createBreaker ?? ((o) => new CircuitBreaker(o));
    this.services = services.map((script, i) => {
      const dependency = new SimulatedDependency({
        name: script.name,
        phases: script.phases,
        clock: this.clock,
        random: seededRandom(seed + i * 0x9e3779b1),
        speed,
        storyTime,
      });
      return {
        name: script.name,
        thirdParty: script.thirdParty,
        breaker: createBreaker({
          ...script.breaker(speed),
          name: script.name,
          clock: breakerClock,
        }),
        dependency,
        client: connect(dependency, script),
      };
    });
    this.tracks = this.services.map((service) => ({
      service,
      tally: new CallTally(),
      attemptedWhileUnhealthy: 0,
      spared: 0,
      rejectedWhileHealthy: 0,
      transitions: 0,
    }));
  }

  /** Subscribes to ticks: one every `tickInterval`, and a last one when stopped between two. */
  onTick(listener: (tick: ScenarioTick) => void): Disposer {
    return this.ticks.subscribe(listener);
  }

  /** Real ms since `run` started (0 before). */
  elapsed(): number {
    return this.started ? this.clock.now() - this.start : 0;
  }

  /**
   * Runs the scenario until `duration` has passed or `signal` aborts, then cancels the calls
   * still running, waits for them to settle, and resolves with the summary. It leaves no timer
   * behind. A scenario runs once.
   * @throws Error when called a second time
   */
  async run(signal?: AbortSignal): Promise<ScenarioSummary> {
    if (this.started) throw new Error('a Scenario runs once; make a new one');
    this.started = true;
    this.start = this.clock.now();
    const unsubscribe = this.tracks.flatMap((track) => [
      track.service.breaker.onCall((event) => {
        this.recordCall(track, event);
      }),
      track.service.breaker.onTransition((event) => {
        this.recordTransition(track, event);
      }),
    ]);
    const stopCalls = new AbortController();
    // Every call in flight listens to this one signal: hundreds at once, by design.
    setMaxListeners(0, stopCalls.signal);
    const inFlight = new Set<Promise<unknown>>();
    let ticks = 0;
    let elapsed = 0;
    const stoppedBy = await new Promise<'duration' | 'signal'>((resolve) => {
      const { clock, duration, tickInterval } = this;
      const period = 1000 / this.rate;
      let slot = 0;
      let lastTick = 0;
      let cancelLoad = (): void => undefined;
      let cancelTick = (): void => undefined;
      const finish = (by: 'duration' | 'signal'): void => {
        // A run that reached its duration covers exactly that (its last tick says so), even when
        // a busy machine ran the final timer a little late.
        elapsed = by === 'duration' ? duration : this.elapsed();
        cancelLoad();
        cancelTick();
        signal?.removeEventListener('abort', onAbort);
        resolve(by);
      };
      const onAbort = (): void => {
        // The part-interval since the last tick is reported too, so the lines add up to the totals.
        const now = this.elapsed();
        if (now > lastTick) this.emitTick(++ticks, now);
        finish('signal');
      };
      // Calls are made at fixed instants (slot * period); a late timer catches up at once.
      const load = (): void => {
        const now = this.elapsed();
        while (slot * period <= now && slot * period < duration) {
          slot++;
          for (const track of this.tracks) this.call(track, stopCalls.signal, inFlight);
        }
        if (slot * period < duration) cancelLoad = clock.schedule(slot * period - now, load);
      };
      const tick = (): void => {
        lastTick = Math.min((ticks + 1) * tickInterval, duration);
        this.emitTick(++ticks, lastTick);
        if (lastTick >= duration) finish('duration');
        else scheduleTick();
      };
      const scheduleTick = (): void => {
        const at = Math.min((ticks + 1) * tickInterval, duration);
        cancelTick = clock.schedule(Math.max(0, at - this.elapsed()), tick);
      };
      if (signal?.aborted) {
        finish('signal');
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      load();
      scheduleTick();
    });
    stopCalls.abort(new Error('the demo stopped'));
    await Promise.all(inFlight);
    for (const dispose of unsubscribe) dispose();
    return {
      elapsed,
      speed: this.speed,
      rate: this.rate,
      ticks,
      stoppedBy,
      services: this.tracks.map((t) => ({
        name: t.service.name,
        total: { ...t.tally.total },
        attemptedWhileUnhealthy: t.attemptedWhileUnhealthy,
        spared: t.spared,
        rejectedWhileHealthy: t.rejectedWhileHealthy,
        finalState: t.service.breaker.state,
      })),
      transitions: [...this.transitions],
    };
  }

  private call(track: Track, signal: AbortSignal, inFlight: Set<Promise<unknown>>): void {
    const { breaker, dependency, client } = track.service;
    track.tally.add('attempted');
    if (!dependency.phase.healthy) track.attemptedWhileUnhealthy++;
    const call = breaker.tryExecute(
      (callSignal) => {
        track.tally.add('through');
        return client.call(callSignal);
      },
      { signal },
    );
    inFlight.add(call);
    // tryExecute never rejects, so this chain cannot produce an unhandled rejection.
    void call.then(() => inFlight.delete(call));
  }

  private recordCall(track: Track, event: CallEvent): void {
    const { tally } = track;
    if (event.slow) tally.add('slow');
    switch (event.outcome) {
      case 'success':
        tally.add('succeeded');
        break;
      case 'failure':
        tally.add('failed');
        break;
      case 'excluded':
        tally.add('cancelled');
        break;
      case 'rejected':
        tally.add('rejected');
        if (track.service.dependency.phase.healthy) track.rejectedWhileHealthy++;
        else track.spared++;
        break;
    }
  }

  private recordTransition(track: Track, event: StateChangeEvent): void {
    track.transitions++;
    this.transitions.push({
      name: event.name,
      from: event.from,
      to: event.to,
      reason: event.reason,
      at: event.at - this.start,
    });
  }

  private emitTick(index: number, at: number): void {
    const services = this.tracks.map((track): ServiceTick => {
      const { breaker, dependency } = track.service;
      const phase = dependency.phase;
      // Read first: reading the state applies elapsed time, which may itself be a transition.
      const state = breaker.state;
      const transitions = track.transitions;
      track.transitions = 0;
      return {
        name: track.service.name,
        phase: phase.name,
        healthy: phase.healthy,
        state,
        failureRate: breaker.failureRate,
        slowCallRate: breaker.slowCallRate,
        interval: track.tally.takeInterval(),
        total: { ...track.tally.total },
        transitions,
      };
    });
    this.ticks.emit({ index, at, storyAt: at * this.speed, services });
  }
}
