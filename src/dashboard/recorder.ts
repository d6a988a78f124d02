import type { CircuitBreaker } from '../core/circuit-breaker.js';
import type { CallEvent, StateChangeEvent } from '../core/events.js';
import type { CircuitState } from '../core/types.js';
import type { CallTotals, HistoryPoint, TransitionView } from './types.js';

/** Ms per history point: one bar of the sparkline per second. */
export const RESOLUTION = 1000;

const RANK: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

function worse(a: CircuitState, b: CircuitState): CircuitState {
  return RANK[b] > RANK[a] ? b : a;
}

/** A point plus the state the breaker was left in at the end of its second (for gaps). */
interface Point extends HistoryPoint {
  end: CircuitState;
}

/** The start of the second `ms` falls in. */
export function secondOf(ms: number): number {
  return Math.floor(ms / RESOLUTION) * RESOLUTION;
}

function zeroTotals(): CallTotals {
  return { calls: 0, ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0 };
}

/**
 * What the dashboard remembers of one breaker: per-second traffic for the sparkline (kept for
 * `historyWindow` ms, and only for seconds that saw something: gaps are filled when read), call
 * totals, and its last transitions. It is fed by the breaker's `onCall` / `onTransition` events,
 * so it needs no timer.
 */
export class BreakerRecorder {
  readonly breaker: CircuitBreaker;
  /** Unique among the breakers watched at once; see `BreakerView.id`. */
  readonly id: string;
  /** Clock ms at which recording started. */
  readonly since: number;
  readonly totals: CallTotals = zeroTotals();
  private readonly points: Point[] = [];
  private readonly kept: TransitionView[] = [];
  private readonly window: number;
  private readonly keep: number;
  /** The state before the first point kept, for the seconds before it. */
  private base: CircuitState;
  /** The state after the last event seen. */
  private current: CircuitState;

  /**
   * @param now clock ms now
   * @param window ms of history kept
   * @param keep transitions kept
   */
  constructor(breaker: CircuitBreaker, id: string, now: number, window: number, keep: number) {
    this.breaker = breaker;
    this.id = id;
    this.since = now;
    this.window = window;
    this.keep = keep;
    // Reading the state applies elapsed time; a transition it causes comes before our listener.
    this.base = breaker.state;
    this.current = this.base;
  }

  /** Counts one call event at clock time `now`. */
  recordCall(event: CallEvent, now: number): void {
    const p = this.point(now);
    const t = this.totals;
    t.calls++;
    switch (event.outcome) {
      case 'success':
        p.ok++;
        t.ok++;
        break;
      case 'failure':
        p.failed++;
        t.failed++;
        break;
      case 'excluded':
        p.excluded++;
        t.excluded++;
        break;
      case 'rejected':
        p.rejected++;
        t.rejected++;
        break;
    }
    if (event.slow) {
      p.slow++;
      t.slow++;
    }
    this.setState(p, event.state);
  }

  /** Records a transition at clock time `now`; returns what the page is told. */
  recordTransition(event: StateChangeEvent, seq: number, now: number): TransitionView {
    this.setState(this.point(now), event.to);
    const view: TransitionView = {
      seq,
      id: this.id,
      name: event.name,
      from: event.from,
      to: event.to,
      reason: event.reason,
      at: event.at,
    };
    this.kept.push(view);
    if (this.kept.length > this.keep) this.kept.shift();
    return view;
  }

  /** The kept transitions, oldest first. */
  transitions(): TransitionView[] {
    return [...this.kept];
  }

  /**
   * One point per second from the second of `from` to the second of `to`, both included, with
   * empty seconds filled in (no calls, the state carried over). Seconds older than the window
   * come out empty too.
   */
  history(from: number, to: number): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    const last = secondOf(to);
    let i = 0;
    let state = this.base;
    // Points are in ascending order of t; skip those before `from`, carrying their end state.
    const first = secondOf(from);
    while (i < this.points.length && (this.points[i]?.t ?? Infinity) < first) {
      state = this.points[i]?.end ?? state;
      i++;
    }
    for (let t = first; t <= last; t += RESOLUTION) {
      const p = this.points[i];
      if (p?.t === t) {
        const { end, ...point } = p;
        out.push(point);
        state = end;
        i++;
      } else {
        out.push({ t, ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0, state });
      }
    }
    return out;
  }

  /** The state after the last event seen. */
  get lastState(): CircuitState {
    return this.current;
  }

  private setState(p: Point, state: CircuitState): void {
    p.state = worse(p.state, state);
    p.end = state;
    this.current = state;
  }

  /** The point of the second `now` falls in, made if needed; old points are dropped. */
  private point(now: number): Point {
    const t = secondOf(now);
    const last = this.points.at(-1);
    // A clock that stepped back keeps adding to the latest point rather than reorder history.
    if (last !== undefined && last.t >= t) return last;
    const p: Point = {
      t,
      ok: 0,
      failed: 0,
      rejected: 0,
      excluded: 0,
      slow: 0,
      state: this.current,
      end: this.current,
    };
    this.points.push(p);
    const oldest = t - this.window;
    let drop = 0;
    while ((this.points[drop]?.t ?? Infinity) <= oldest) drop++;
    if (drop > 0) this.base = this.points.splice(0, drop).at(-1)?.end ?? this.base;
    return p;
  }
}
