import { nameErrorClass } from '../core/errors.js';
import type { TimerClock } from './clock.js';
import { HANG_LATENCY, phaseAt, type Phase } from './story.js';

/** What a simulated dependency rejects with when it fails a call. */
export class DependencyError extends Error {
  /** The phase the dependency was in, e.g. `'failing'`. */
  readonly phase: string;

  /** The HTTP status it answers with when reached over HTTP. */
  readonly status: number;

  constructor(dependency: string, phase: string, status = 503) {
    super(`${dependency}: ${status} service unavailable`);
    this.phase = phase;
    this.status = status;
  }
}
nameErrorClass(DependencyError, 'DependencyError');

/** Options of {@link SimulatedDependency}. */
export interface SimulatedDependencyOptions {
  name: string;
  /** Its behaviour over the story; see {@link Phase}. */
  phases: readonly Phase[];
  /** Runs the latency timers. */
  clock: TimerClock;
  /** Uniform in [0, 1); seeded, so a run can be replayed. */
  random: () => number;
  /** Story ms per real ms: latencies are story ms divided by this. */
  speed: number;
  /** The current story time in ms. */
  storyTime: () => number;
}

/**
 * An in-process stand-in for a remote service: each call takes a latency drawn from the current
 * phase and then succeeds or fails, or hangs until its signal aborts. Nothing is shared between
 * calls, so the breaker in front of it is the only thing that changes what callers see.
 */
export class SimulatedDependency {
  readonly name: string;
  readonly phases: readonly Phase[];
  private readonly o: SimulatedDependencyOptions;

  constructor(options: SimulatedDependencyOptions) {
    this.o = options;
    this.name = options.name;
    this.phases = options.phases;
  }

  /** The phase the dependency is in now. */
  get phase(): Phase {
    return phaseAt(this.phases, this.o.storyTime());
  }

  /**
   * Makes one call. Resolves to a receipt or rejects with a DependencyError after the phase's
   * latency; when `signal` aborts first, the call stops at once and rejects with its reason.
   */
  call(signal: AbortSignal): Promise<string> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const { clock, random, speed } = this.o;
    const phase = this.phase;
    const roll = random();
    const fails = roll < phase.errorRate;
    const hangs = !fails && roll < phase.errorRate + phase.hangRate;
    const [min, max] = phase.latency;
    const latency = (hangs ? HANG_LATENCY : min + random() * (max - min)) / speed;
    return new Promise<string>((resolve, reject) => {
      const onAbort = (): void => {
        cancel();
        reject(signal.reason as Error);
      };
      const cancel = clock.schedule(latency, () => {
        signal.removeEventListener('abort', onAbort);
        if (fails) reject(new DependencyError(this.name, phase.name));
        else resolve(`${this.name}: ok`);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
