/** Cancels a timer made by {@link Clock.schedule}. Calling it twice does nothing. */
export type CancelTimer = () => void;

/**
 * The only source of time of a breaker: states, windows, call durations and per-call timeouts.
 * `now()` returns milliseconds on any fixed scale (the system clock uses the Unix epoch).
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
  /**
   * Runs `callback` once, `ms` milliseconds from now. Optional: breakers whose clock lacks it use
   * an unref'd `setTimeout`. A timer made here must not keep the process alive.
   */
  schedule?(ms: number, callback: () => void): CancelTimer;
}

/**
 * The default clock: `Date.now()` (looked up on every call, so fake-timer libraries that patch
 * `Date` work) and unref'd `setTimeout` for the shared per-call timeout timer.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  schedule: scheduleUnref,
};

/** An unref'd `setTimeout`: a pending per-call timeout never holds the process open. */
export function scheduleUnref(ms: number, callback: () => void): CancelTimer {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return () => {
    clearTimeout(timer);
  };
}
