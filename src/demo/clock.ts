import type { CancelTimer, Clock } from '../core/clock.js';

/** A clock that can also run timers: what the scenario needs to pace its calls and ticks. */
export interface TimerClock extends Clock {
  schedule(ms: number, callback: () => void): CancelTimer;
}

/**
 * Wall-clock time with ordinary (ref'd) timers. Unlike the breakers' `systemClock`, whose timers
 * never hold the process open, these are what keeps a running demo alive; the scenario cancels
 * them all when it stops, so the process then exits by itself.
 */
export const realTimerClock: TimerClock = {
  now: () => Date.now(),
  schedule(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};
