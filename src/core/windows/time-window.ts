import { FAILURE, SLOW, SUCCESS, type OutcomeWindow, type WindowState } from './window.js';

// Per bucket: successes, failures, exclusions, slow calls.
const STRIDE = 4;

/**
 * The last `size` ms in `buckets` buckets of `size / buckets` ms, aligned on multiples of the
 * bucket width. Buckets rotate lazily when a call is recorded or the totals are read: no timer.
 * A clock that goes backwards records into the newest bucket (nothing expires early); a jump
 * forward of k buckets clears min(k, buckets) of them, so a huge jump costs O(buckets).
 */
export class TimeWindow implements OutcomeWindow {
  successes = 0;
  failures = 0;
  exclusions = 0;
  slow = 0;
  private readonly width: number;
  // Uint32: 4 billion calls a bucket is out of reach, and it is half the memory of Float64.
  private readonly counts: Uint32Array;
  // Absolute number of the newest bucket (floor(now / width)), meaningful once `started`; kept
  // with its slot so recording needs no modulo. (No -Infinity sentinel: a field that ever holds
  // a non-integer is stored boxed, 16 bytes more, and slower to update.)
  private head = 0;
  private index = 0;
  private started = false;

  /**
   * @param size window length in ms (integer >= 1)
   * @param buckets bucket count (integer >= 1 dividing `size`); both validated by the caller
   */
  constructor(size: number, buckets: number) {
    this.width = size / buckets;
    this.counts = new Uint32Array(buckets * STRIDE);
  }

  private get buckets(): number {
    return this.counts.length / STRIDE;
  }

  record(code: number, now: number): void {
    this.advance(now);
    const base = this.index * STRIDE;
    const kind = code & 3;
    const c = this.counts;
    if (kind === SUCCESS) {
      c[base] = (c[base] ?? 0) + 1;
      this.successes++;
    } else if (kind === FAILURE) {
      c[base + 1] = (c[base + 1] ?? 0) + 1;
      this.failures++;
    } else {
      c[base + 2] = (c[base + 2] ?? 0) + 1;
      this.exclusions++;
    }
    if (code & SLOW) {
      c[base + 3] = (c[base + 3] ?? 0) + 1;
      this.slow++;
    }
  }

  advance(now: number): void {
    const epoch = Math.floor(now / this.width);
    if (this.started && epoch <= this.head) return;
    const n = this.buckets;
    const c = this.counts;
    if (!this.started) {
      // After a reset the buckets hold stale counts that the totals no longer include.
      c.fill(0, 0, c.length);
      this.head = epoch;
      this.index = ((epoch % n) + n) % n;
      this.started = true;
      return;
    }
    const steps = Math.min(epoch - this.head, n);
    for (let i = 1; i <= steps; i++) {
      // epoch - steps + i walks the buckets that become current, oldest first.
      const base = ((((epoch - steps + i) % n) + n) % n) * STRIDE;
      this.successes -= c[base] ?? 0;
      this.failures -= c[base + 1] ?? 0;
      this.exclusions -= c[base + 2] ?? 0;
      this.slow -= c[base + 3] ?? 0;
      c.fill(0, base, base + STRIDE);
    }
    this.head = epoch;
    this.index = ((epoch % n) + n) % n;
    this.started = true;
  }

  // O(1): the buckets are cleared on the first `advance` after it, O(buckets) (at most
  // MAX_WINDOW_BUCKETS), whatever the window's length in ms.
  reset(): void {
    this.head = 0;
    this.index = 0;
    this.started = false;
    this.successes = this.failures = this.exclusions = this.slow = 0;
  }

  save(): WindowState {
    const n = this.buckets;
    const data: number[] = [];
    if (this.started) {
      for (let i = n - 1; i >= 0; i--) {
        const base = ((((this.head - i) % n) + n) % n) * STRIDE;
        for (let j = 0; j < STRIDE; j++) data.push(this.counts[base + j] ?? 0);
      }
    }
    return this.started ? { kind: 'time', data, head: this.head } : { kind: 'time', data };
  }

  restore(state: WindowState): void {
    const n = this.buckets;
    if (state.kind !== 'time' || !Array.isArray(state.data)) {
      throw new TypeError(
        `initialState.window: expected a time window, got ${JSON.stringify(state)}`,
      );
    }
    this.reset();
    if (state.data.length === 0) return;
    const head = state.head;
    if (typeof head !== 'number' || !Number.isInteger(head)) {
      throw new TypeError(
        `initialState.window.head: expected an integer, got ${JSON.stringify(head)}`,
      );
    }
    if (state.data.length !== n * STRIDE) {
      throw new TypeError(
        `initialState.window.data: expected ${n * STRIDE} numbers for ${n} buckets, got ${state.data.length}`,
      );
    }
    for (const v of state.data) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
        throw new TypeError(`initialState.window.data: bad count ${JSON.stringify(v)}`);
      }
    }
    this.head = head;
    this.index = ((head % n) + n) % n;
    this.started = true;
    for (let i = 0; i < n; i++) {
      const base = ((((head - (n - 1) + i) % n) + n) % n) * STRIDE;
      for (let j = 0; j < STRIDE; j++) this.counts[base + j] = state.data[i * STRIDE + j] ?? 0;
      this.successes += state.data[i * STRIDE] ?? 0;
      this.failures += state.data[i * STRIDE + 1] ?? 0;
      this.exclusions += state.data[i * STRIDE + 2] ?? 0;
      this.slow += state.data[i * STRIDE + 3] ?? 0;
    }
  }
}
