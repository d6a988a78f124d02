import {
  EXCLUDED,
  FAILURE,
  SLOW,
  SUCCESS,
  type OutcomeWindow,
  type WindowState,
} from './window.js';

/**
 * The last `size` successes and failures, in a ring of one byte per call. Excluded outcomes take
 * no slot: were they in the ring, a burst of them (callers giving up while a dependency is slow)
 * would push the failures out and keep the breaker from tripping, although exclusions must count
 * neither in the rates nor towards `minimumCalls`. An exclusion stays in the window's totals until
 * the success or failure recorded after it leaves the ring.
 */
export class CountWindow implements OutcomeWindow {
  successes = 0;
  failures = 0;
  exclusions = 0;
  slow = 0;
  private readonly ring: Uint8Array;
  // Exclusions recorded just before each ring entry; they leave the window with it.
  private readonly before: Float64Array;
  // Exclusions recorded after the newest ring entry.
  private pending = 0;
  private next = 0;
  private filled = 0;

  /** @param size number of successes and failures kept (integer >= 1, validated by the caller). */
  constructor(size: number) {
    this.ring = new Uint8Array(size);
    this.before = new Float64Array(size);
  }

  record(code: number, _now: number): void {
    if ((code & 3) === EXCLUDED) {
      this.exclusions++;
      this.pending++;
      return;
    }
    const size = this.ring.length;
    if (this.filled === size) {
      this.add(this.ring[this.next] ?? 0, -1);
      this.exclusions -= this.before[this.next] ?? 0;
    } else this.filled++;
    this.ring[this.next] = code;
    this.before[this.next] = this.pending;
    this.pending = 0;
    this.add(code, 1);
    this.next = this.next + 1 === size ? 0 : this.next + 1;
  }

  advance(_now: number): void {
    // Count windows do not age.
  }

  // O(1) whatever the size (a state change resets the window): slots past `filled` are never
  // read before being written again, so stale bytes there are harmless.
  reset(): void {
    this.pending = 0;
    this.next = 0;
    this.filled = 0;
    this.successes = this.failures = this.exclusions = this.slow = 0;
  }

  save(): WindowState {
    const size = this.ring.length;
    const data: number[] = [];
    const exclusions: number[] = [];
    const oldest = this.filled === size ? this.next : 0;
    for (let i = 0; i < this.filled; i++) {
      data.push(this.ring[(oldest + i) % size] ?? 0);
      exclusions.push(this.before[(oldest + i) % size] ?? 0);
    }
    exclusions.push(this.pending);
    return { kind: 'count', data, exclusions };
  }

  restore(state: WindowState): void {
    if (state.kind !== 'count' || !Array.isArray(state.data)) {
      throw new TypeError(
        `initialState.window: expected a count window, got ${JSON.stringify(state)}`,
      );
    }
    const counts = state.exclusions;
    if (
      counts !== undefined &&
      (!Array.isArray(counts) ||
        counts.length !== state.data.length + 1 ||
        !counts.every((n) => Number.isInteger(n) && n >= 0))
    ) {
      throw new TypeError(
        `initialState.window.exclusions: expected ${state.data.length + 1} integers >= 0, got ${JSON.stringify(counts)}`,
      );
    }
    this.reset();
    // Replayed in order: older entries slide out of a smaller ring as they would have live.
    // Without `exclusions` (a hand-made snapshot), EXCLUDED codes in `data` stand for them.
    state.data.forEach((code, i) => {
      if (![SUCCESS, FAILURE, EXCLUDED, SUCCESS + SLOW, FAILURE + SLOW].includes(code)) {
        throw new TypeError(`initialState.window.data: bad outcome code ${JSON.stringify(code)}`);
      }
      this.addPending(counts?.[i] ?? 0);
      this.record(code, 0);
    });
    this.addPending(counts?.[state.data.length] ?? 0);
  }

  private addPending(n: number): void {
    this.pending += n;
    this.exclusions += n;
  }

  private add(code: number, delta: number): void {
    const kind = code & 3;
    if (kind === SUCCESS) this.successes += delta;
    else if (kind === FAILURE) this.failures += delta;
    else this.exclusions += delta;
    if (code & SLOW) this.slow += delta;
  }
}
