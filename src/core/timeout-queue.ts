import { scheduleUnref, type CancelTimer, type Clock } from './clock.js';

/** Something with a deadline that the queue expires once. */
export interface Expirable {
  /** Clock time (ms) at which it expires. */
  deadline: number;
  /** Set once it has settled another way; the queue then skips it. */
  settled: boolean;
  /** Next entry in the queue. */
  next: Expirable | undefined;
  /** Called at most once, when the deadline has passed and it has not settled. */
  expire(): void;
}

/**
 * Per-call timeouts with one timer per breaker instead of one `setTimeout` per call. A breaker's
 * calls all get the same timeout, so their deadlines arrive in the order the calls started: a
 * FIFO list is a priority queue here. The timer is armed for the oldest deadline only; settled
 * calls at the front are dropped as they settle, so the list stays as short as the calls in
 * flight. When the timer fires with nothing left in flight it is not re-armed, so an idle
 * breaker holds no timer.
 */
export class TimeoutQueue {
  private head: Expirable | undefined;
  private tail: Expirable | undefined;
  private cancel: CancelTimer | undefined;
  private armedFor = Infinity;
  private readonly clock: Clock;

  /** @param clock supplies `now()` and, when it has one, `schedule()`. */
  constructor(clock: Clock) {
    this.clock = clock;
  }

  /**
   * Adds an entry. Deadlines normally arrive in order and it is appended; one earlier than the
   * newest (the clock went back, as a wall clock can) is inserted in order, else it would wait
   * behind the head and time out as late as the head does.
   */
  add(entry: Expirable): void {
    const tail = this.tail;
    if (!tail || entry.deadline >= tail.deadline) {
      entry.next = undefined;
      if (tail) tail.next = entry;
      else this.head = entry;
      this.tail = entry;
    } else if (!this.head || entry.deadline < this.head.deadline) {
      entry.next = this.head;
      this.head = entry;
    } else {
      let before = this.head;
      while (before.next && before.next.deadline <= entry.deadline) before = before.next;
      entry.next = before.next;
      before.next = entry;
    }
    if (this.cancel === undefined || entry.deadline < this.armedFor) this.arm(entry.deadline);
  }

  /** Drops settled entries from the front. Call after an entry settles. */
  trim(): void {
    while (this.head?.settled) this.head = this.head.next;
    if (!this.head) this.tail = undefined;
  }

  /** True while a timer is armed (for tests of the no-idle-timer promise). */
  get armed(): boolean {
    return this.cancel !== undefined;
  }

  private arm(deadline: number): void {
    this.cancel?.();
    this.armedFor = deadline;
    const delay = Math.max(0, deadline - this.clock.now());
    this.cancel = this.clock.schedule
      ? this.clock.schedule(delay, this.fire)
      : scheduleUnref(delay, this.fire);
  }

  private readonly fire = (): void => {
    this.cancel = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    let entry = this.head;
    while (entry && (entry.settled || entry.deadline <= now)) {
      const next = entry.next;
      entry.next = undefined;
      this.head = next;
      if (!entry.settled) entry.expire();
      entry = this.head;
    }
    if (this.head) this.arm(this.head.deadline);
    else this.tail = undefined;
  };
}
