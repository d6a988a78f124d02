import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { CallEvent, StateChangeEvent } from '../../core/events.js';
import type { CircuitState, Disposer } from '../../core/types.js';

/** The three states in label order. */
export const states: readonly CircuitState[] = ['closed', 'half-open', 'open'];

/** Index of a state in {@link states}. */
export function stateIndex(state: CircuitState): number {
  return state === 'closed' ? 0 : state === 'half-open' ? 1 : 2;
}

/** Histogram slot of a recorded outcome: successful, failed, excluded. */
export const KIND_SUCCESS = 0;
export const KIND_FAILURE = 1;
export const KIND_EXCLUDED = 2;

/**
 * Everything the counters and the histogram need about one breaker, kept as plain numbers that
 * its listeners bump; the series are built from them at scrape time. Nothing per call touches
 * prom-client, so a call costs a few array writes on top of what the core spends reporting it.
 */
export class BreakerStats {
  readonly breaker: CircuitBreaker;
  /** The `name` label. */
  readonly name: string;
  /** Transition counts by `from * 3 + to` (see {@link stateIndex}). */
  readonly transitions = new Float64Array(9);
  /** Rejections: [open, too_many_requests]. */
  readonly rejected = new Float64Array(2);
  /**
   * Per kind, `bounds.length + 3` slots: non-cumulative bucket counts (the last one is the
   * +Inf-only bucket), then the sum in seconds, then the count.
   */
  readonly histogram: Float64Array;
  /** Upper bounds in seconds, ascending. */
  readonly bounds: Float64Array;
  private readonly disposers: Disposer[];

  constructor(breaker: CircuitBreaker, bounds: Float64Array) {
    this.breaker = breaker;
    this.name = breaker.name;
    this.bounds = bounds;
    const stride = bounds.length + 3;
    const h = new Float64Array(stride * 3);
    this.histogram = h;
    const n = bounds.length;
    const rejected = this.rejected;
    const transitions = this.transitions;
    const onCall = (e: CallEvent): void => {
      const outcome = e.outcome;
      if (outcome === 'rejected') {
        (rejected[e.reason === 'too_many_requests' ? 1 : 0] as number)++;
        return;
      }
      const ms = e.duration;
      // NaN: the call started before this listener existed, so the core did not time it.
      if (ms !== ms) return;
      const seconds = ms / 1000;
      const base =
        outcome === 'success'
          ? 0
          : outcome === 'failure'
            ? stride * KIND_FAILURE
            : stride * KIND_EXCLUDED;
      let i = 0;
      while (i < n && seconds > (bounds[i] as number)) i++;
      (h[base + i] as number)++;
      (h[base + n + 1] as number) += seconds;
      (h[base + n + 2] as number)++;
    };
    const onTransition = (e: StateChangeEvent): void => {
      (transitions[stateIndex(e.from) * 3 + stateIndex(e.to)] as number)++;
    };
    this.disposers = [breaker.onCall(onCall), breaker.onTransition(onTransition)];
  }

  /** Stops listening to the breaker. */
  detach(): void {
    for (const d of this.disposers) d();
  }

  /** Zeroes the counters and the histogram (prom-client's `registry.resetMetrics()`). */
  resetCounters(): void {
    this.transitions.fill(0);
    this.rejected.fill(0);
    this.histogram.fill(0);
  }
}
