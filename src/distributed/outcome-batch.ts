// Outcomes recorded since the last flush, summed per local time bucket: the call path only adds
// to a counter, and a batch is as large as the window has buckets, however many calls it holds.
import type { OutcomeBucket } from './store.js';

interface Bucket {
  index: number;
  last: number;
  successes: number;
  failures: number;
  slow: number;
}

/** A bounded batch of outcomes waiting to be flushed. */
export class OutcomeBatch {
  private readonly bucketMs: number;
  private readonly keep: number;
  private buckets: Bucket[] = [];

  /**
   * @param bucketMs bucket width in ms (the breaker window's bucket)
   * @param windowMs outcomes older than this are dropped: the fleet would not count them
   */
  constructor(bucketMs: number, windowMs: number) {
    this.bucketMs = Math.max(1, bucketMs);
    this.keep = windowMs;
  }

  /** Outcomes waiting. */
  get size(): number {
    let n = 0;
    for (const b of this.buckets) n += b.successes + b.failures;
    return n;
  }

  /** Adds one outcome recorded at `now` (ms, the breaker's clock). */
  add(now: number, failure: boolean, slow: boolean): void {
    const index = Math.floor(now / this.bucketMs);
    let b = this.buckets[this.buckets.length - 1];
    if (b?.index !== index) {
      b = { index, last: now, successes: 0, failures: 0, slow: 0 };
      this.buckets.push(b);
      // Bounded: a long outage of the store keeps at most one window of buckets.
      while (this.buckets.length > 1 && now - (this.buckets[0]?.last ?? now) > this.keep) {
        this.buckets.shift();
      }
    }
    b.last = now;
    if (failure) b.failures++;
    else b.successes++;
    if (slow) b.slow++;
  }

  /** Empties the batch into what a flush sends, with ages relative to `now`. */
  take(now: number): OutcomeBucket[] {
    const out: OutcomeBucket[] = [];
    for (const b of this.buckets) {
      const age = now - b.last;
      if (age > this.keep) continue;
      out.push({
        age: Math.max(0, age),
        successes: b.successes,
        failures: b.failures,
        slow: b.slow,
      });
    }
    this.buckets = [];
    return out;
  }

  /** Puts back what a failed flush took (older outcomes first, merged by bucket). */
  restore(taken: readonly OutcomeBucket[], takenAt: number): void {
    const back: Bucket[] = taken.map((t) => {
      const last = takenAt - t.age;
      return {
        index: Math.floor(last / this.bucketMs),
        last,
        successes: t.successes,
        failures: t.failures,
        slow: t.slow,
      };
    });
    for (const b of this.buckets) {
      const same = back.find((x) => x.index === b.index);
      if (same) {
        same.last = Math.max(same.last, b.last);
        same.successes += b.successes;
        same.failures += b.failures;
        same.slow += b.slow;
      } else back.push(b);
    }
    this.buckets = back;
  }

  /** Drops everything (the fleet moved to a new episode: these outcomes belong to the old). */
  clear(): void {
    this.buckets = [];
  }
}
