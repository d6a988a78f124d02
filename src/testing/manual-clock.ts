import type { CancelTimer, Clock } from '../core/clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/**
 * A clock that moves only when told to, for tests of breakers and of code that uses them. Timers
 * made through `schedule` (the breaker's per-call timeout) run during `advance` and `set`, in
 * order of their due time, each seeing `now()` equal to its due time.
 *
 * @example
 * const clock = new ManualClock();
 * const breaker = new CircuitBreaker({ clock, timeout: 1000 });
 * clock.advance(1000); // an open breaker is now half-open
 */
export class ManualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;

  /** @param start the initial time in ms. Default 0. */
  constructor(start = 0) {
    if (!Number.isFinite(start))
      throw new RangeError(`ManualClock start must be finite, got ${start}`);
    this.time = start;
  }

  /** The current time in ms. */
  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms` (>= 0), running timers that fall due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`ManualClock.advance(ms): ms must be a finite number >= 0, got ${ms}`);
    }
    this.runUntil(this.time + ms);
  }

  /**
   * Moves time forward by `ms` (>= 0) as `advance` does, but lets promises settle on the way:
   * before each timer that falls due, and after the last, it waits for a macrotask of the real
   * event loop (`setImmediate`), so the microtasks each timer releases run, and timers they
   * schedule within the span run too, in order (as sinon's `tickAsync`). Code that awaits a
   * clock timer then finishes without a hand-written advance loop.
   *
   * @example
   * const done = breaker.execute((signal) => slowCall(signal)); // callTimeout: 1000
   * await clock.advanceAsync(1000); // the timeout fired, and `done` has rejected
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(
        `ManualClock.advanceAsync(ms): ms must be a finite number >= 0, got ${ms}`,
      );
    }
    const target = this.time + ms;
    for (;;) {
      await yieldToEventLoop();
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = Math.max(this.time, target);
    await yieldToEventLoop();
  }

  /**
   * Sets the time to `ms`. Going backwards is allowed (to test clock steps) and runs no timer;
   * going forwards runs the timers that fall due.
   */
  set(ms: number): void {
    if (!Number.isFinite(ms))
      throw new RangeError(`ManualClock.set(ms): ms must be finite, got ${ms}`);
    if (ms < this.time) this.time = ms;
    else this.runUntil(ms);
  }

  /** Schedules `callback` `ms` from now; it runs inside a later `advance` or `set`. */
  schedule(ms: number, callback: () => void): CancelTimer {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return () => {
      const i = this.timers.indexOf(timer);
      if (i >= 0) this.timers.splice(i, 1);
    };
  }

  /** Timers scheduled and not yet run or cancelled. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private nextDue(target: number): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.timers) {
      if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)))
        next = t;
    }
    return next;
  }

  private runUntil(target: number): void {
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = target;
  }
}

// A real macrotask: every microtask queued before it has run when it resolves.
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(resolve);
  });
}
