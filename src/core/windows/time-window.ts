import { FAILURE, SLOW, SUCCESS, type OutcomeWindow, type WindowState } from './window.js';

// Per bucket, two numbers, each holding two counts: successes + failures * PACK and
// exclusions + slow * PACK. A double holds integers exactly up to 2^53, so each count has 26
// bits: up to 67,108,863 calls of one kind in one bucket, where it saturates. Two plain doubles a
// bucket cost less than half of a typed array with four counters (V8 gives every typed array
// about 190 bytes of wrappers besides its data), which is most of a small breaker's memory.
const PACK = 2 ** 26;
const MAX = PACK - 1;
// The saved form keeps four plain counts a bucket: successes, failures, exclusions, slow.
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
  private readonly packed: number[];
  // Absolute number of the newest bucket (floor(now / width)); -Infinity while empty.
  private head = Number.NEGATIVE_INFINITY;

  /**
   * @param size window length in ms (integer >= 1)
   * @param buckets bucket count (integer >= 1 dividing `size`); both validated by the caller
   */
  constructor(size: number, buckets: number) {
    this.width = size / buckets;
    // Filled with a fraction first so V8 stores the elements as unboxed doubles from the start.
    this.packed = new Array<number>(buckets * 2).fill(0.5).fill(0);
  }

  private get buckets(): number {
    return this.packed.length / 2;
  }

  /** Bucket `i`'s counts: successes, failures, exclusions, slow. */
  private unpack(i: number): [number, number, number, number] {
    const a = this.packed[2 * i] ?? 0;
    const b = this.packed[2 * i + 1] ?? 0;
    return [a % PACK, Math.floor(a / PACK), b % PACK, Math.floor(b / PACK)];
  }

  private slot(epoch: number): number {
    const n = this.buckets;
    return ((epoch % n) + n) % n;
  }

  record(code: number, now: number): void {
    this.advance(now);
    const i = this.slot(this.head);
    const [s, f, e, sl] = this.unpack(i);
    const kind = code & 3;
    const p = this.packed;
    if (kind === SUCCESS) {
      if (s < MAX) p[2 * i] = (p[2 * i] ?? 0) + 1;
      this.successes += s < MAX ? 1 : 0;
    } else if (kind === FAILURE) {
      if (f < MAX) p[2 * i] = (p[2 * i] ?? 0) + PACK;
      this.failures += f < MAX ? 1 : 0;
    } else {
      if (e < MAX) p[2 * i + 1] = (p[2 * i + 1] ?? 0) + 1;
      this.exclusions += e < MAX ? 1 : 0;
    }
    if (code & SLOW && sl < MAX) {
      p[2 * i + 1] = (p[2 * i + 1] ?? 0) + PACK;
      this.slow++;
    }
  }

  advance(now: number): void {
    const epoch = Math.floor(now / this.width);
    if (epoch <= this.head) return;
    const steps = Math.min(epoch - this.head, this.buckets);
    for (let k = 1; k <= steps; k++) {
      // epoch - steps + k walks the buckets that become current, oldest first.
      const i = this.slot(epoch - steps + k);
      const [s, f, e, sl] = this.unpack(i);
      this.successes -= s;
      this.failures -= f;
      this.exclusions -= e;
      this.slow -= sl;
      this.packed[2 * i] = 0;
      this.packed[2 * i + 1] = 0;
    }
    this.head = epoch;
  }

  reset(): void {
    this.packed.fill(0);
    this.head = Number.NEGATIVE_INFINITY;
    this.successes = this.failures = this.exclusions = this.slow = 0;
  }

  save(): WindowState {
    const n = this.buckets;
    const data: number[] = [];
    if (Number.isFinite(this.head)) {
      for (let i = n - 1; i >= 0; i--) data.push(...this.unpack(this.slot(this.head - i)));
    }
    return Number.isFinite(this.head)
      ? { kind: 'time', data, head: this.head }
      : { kind: 'time', data };
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
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX) {
        throw new TypeError(`initialState.window.data: bad count ${JSON.stringify(v)}`);
      }
    }
    this.head = head;
    for (let i = 0; i < n; i++) {
      const [s, f, e, sl] = state.data.slice(i * STRIDE, i * STRIDE + STRIDE) as [
        number,
        number,
        number,
        number,
      ];
      const slot = this.slot(head - (n - 1) + i);
      this.packed[2 * slot] = s + f * PACK;
      this.packed[2 * slot + 1] = e + sl * PACK;
      this.successes += s;
      this.failures += f;
      this.exclusions += e;
      this.slow += sl;
    }
  }
}
