import { scheduleUnref, systemClock, type CancelTimer, type Clock } from '../core/clock.js';

/**
 * A timer a caller is waiting on (a retry's backoff): it keeps the process alive, since letting
 * the process exit mid-retry would drop the caller's work (cockatiel#11). A clock of its own
 * (a ManualClock in tests) schedules it; the system clock's `schedule` is unref'd, so for it a
 * plain referenced `setTimeout` is used instead.
 */
export function scheduleReferenced(clock: Clock, ms: number, callback: () => void): CancelTimer {
  if (clock !== systemClock && clock.schedule) return clock.schedule(ms, callback);
  const timer = setTimeout(callback, ms);
  return () => {
    clearTimeout(timer);
  };
}

/**
 * A watchdog timer (a timeout): it must never hold the process open by itself, so it is
 * unref'd unless the clock schedules it.
 */
export function scheduleWatchdog(clock: Clock, ms: number, callback: () => void): CancelTimer {
  return clock.schedule ? clock.schedule(ms, callback) : scheduleUnref(ms, callback);
}

/**
 * Waits `ms` on `clock` (a referenced timer, see {@link scheduleReferenced}). Rejects with the
 * signal's reason as soon as `signal` aborts; the timer is cancelled and the abort listener
 * removed on either path. A wait of 0 ms or less resolves without a timer.
 */
export function sleep(ms: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as unknown);
  if (!(ms > 0)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = scheduleReferenced(clock, ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
