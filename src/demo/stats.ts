/** Counts of calls through one breaker over some span of time. */
export interface CallCounts {
  /** Calls the load generator made. */
  attempted: number;
  /** Calls the breaker let through to the dependency. */
  through: number;
  /** Calls that succeeded (slow ones included). */
  succeeded: number;
  /** Calls that failed: errors from the dependency and call timeouts. */
  failed: number;
  /** Calls the breaker rejected without touching the dependency. */
  rejected: number;
  /** Calls slower than the breaker's `slowCallDuration`. */
  slow: number;
  /** Calls cancelled because the demo stopped while they ran. */
  cancelled: number;
}

/** A zeroed {@link CallCounts}. */
export function zeroCounts(): CallCounts {
  return { attempted: 0, through: 0, succeeded: 0, failed: 0, rejected: 0, slow: 0, cancelled: 0 };
}

/** Counts calls twice: for the current interval (one line of the demo) and for the whole run. */
export class CallTally {
  /** Since the last {@link takeInterval}. */
  private interval = zeroCounts();
  /** Since the start of the run. */
  readonly total = zeroCounts();

  /** Adds one to `key` in the interval and in the totals. */
  add(key: keyof CallCounts): void {
    this.interval[key]++;
    this.total[key]++;
  }

  /** The interval's counts; the next interval starts from zero. */
  takeInterval(): CallCounts {
    const taken = this.interval;
    this.interval = zeroCounts();
    return taken;
  }
}
