import {
  EXCLUDED,
  FAILURE,
  SLOW,
  SUCCESS,
  type OutcomeWindow,
  type WindowState,
} from './window.js';

/** The last `size` calls, in a ring of one byte per call. */
export class CountWindow implements OutcomeWindow {
  successes = 0;
  failures = 0;
  exclusions = 0;
  slow = 0;
  private readonly ring: Uint8Array;
  private next = 0;
  private filled = 0;

  /** @param size number of calls kept (integer >= 1, validated by the caller). */
  constructor(size: number) {
    this.ring = new Uint8Array(size);
  }

  record(code: number, _now: number): void {
    const size = this.ring.length;
    if (this.filled === size) this.add(this.ring[this.next] ?? 0, -1);
    else this.filled++;
    this.ring[this.next] = code;
    this.add(code, 1);
    this.next = this.next + 1 === size ? 0 : this.next + 1;
  }

  advance(_now: number): void {
    // Count windows do not age.
  }

  reset(): void {
    this.ring.fill(0);
    this.next = 0;
    this.filled = 0;
    this.successes = this.failures = this.exclusions = this.slow = 0;
  }

  save(): WindowState {
    const size = this.ring.length;
    const data: number[] = [];
    const oldest = this.filled === size ? this.next : 0;
    for (let i = 0; i < this.filled; i++) data.push(this.ring[(oldest + i) % size] ?? 0);
    return { kind: 'count', data };
  }

  restore(state: WindowState): void {
    if (state.kind !== 'count' || !Array.isArray(state.data)) {
      throw new TypeError(
        `initialState.window: expected a count window, got ${JSON.stringify(state)}`,
      );
    }
    this.reset();
    // Only the newest `size` entries fit; older ones would have slid out anyway.
    for (const code of state.data.slice(-this.ring.length)) {
      if (![SUCCESS, FAILURE, EXCLUDED, SUCCESS + SLOW, FAILURE + SLOW].includes(code)) {
        throw new TypeError(`initialState.window.data: bad outcome code ${JSON.stringify(code)}`);
      }
      this.record(code, 0);
    }
  }

  private add(code: number, delta: number): void {
    const kind = code & 3;
    if (kind === SUCCESS) this.successes += delta;
    else if (kind === FAILURE) this.failures += delta;
    else this.exclusions += delta;
    if (code & SLOW) this.slow += delta;
  }
}
