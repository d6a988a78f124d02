import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { reportListenerError } from '../core/emitter.js';
import type { Disposer } from '../core/types.js';
import { BreakerWatcher } from '../manager/source.js';
import { cascadeView, computeCascade, resolveTarget, type CascadeSignal } from './fleet.js';
import type { ResolvedDashboardOptions } from './options.js';
import { BreakerRecorder, RESOLUTION, secondOf } from './recorder.js';
import { panelViews } from './panels.js';
import { describeRules } from './rules.js';
import type {
  BreakerView,
  CascadeView,
  DashboardSnapshot,
  FleetView,
  TransitionView,
} from './types.js';

/** What the monitor tells the event stream as it happens. */
export interface MonitorEvents {
  transition(view: TransitionView): void;
  cascade(view: CascadeView): void;
}

/**
 * Watches every breaker of a target (attaching as they come and go), records what the page
 * shows, and builds snapshots. Its only cost while nobody looks is one `onCall` and one
 * `onTransition` listener per breaker; it holds no timer.
 */
export class DashboardMonitor {
  private readonly o: ResolvedDashboardOptions;
  private readonly recorders = new Map<CircuitBreaker, BreakerRecorder>();
  /** The recorders' ids: looking them up was O(breakers) per breaker added. */
  private readonly ids = new Set<string>();
  private readonly watcher: BreakerWatcher;
  private readonly signal: CascadeSignal | undefined;
  private readonly stopSignal: Disposer | undefined;
  private events: MonitorEvents | undefined;
  private seq = 0;
  private lastCascade: boolean | undefined;

  constructor(target: unknown, options: ResolvedDashboardOptions) {
    this.o = options;
    const { source, cascade } = resolveTarget(target);
    this.signal = cascade;
    this.watcher = new BreakerWatcher(source, (breaker) => this.attach(breaker));
    // The event carries the status: reading the signal here again could move states itself.
    this.stopSignal = cascade?.subscribe((status) => {
      this.pushCascade(cascadeView(status, this.rule()));
    });
  }

  /** Where transitions and cascade changes go (the event stream). */
  listen(events: MonitorEvents): void {
    this.events = events;
  }

  /**
   * A snapshot now. `full` includes the whole history window and the kept transitions; an update
   * has the last two seconds of history (the one just finished, and the current one) and none.
   */
  snapshot(full: boolean): DashboardSnapshot {
    this.watcher.reconcile();
    const now = this.o.clock.now();
    const breakers: BreakerView[] = [];
    for (const r of this.recorders.values()) breakers.push(this.view(r, now, full));
    breakers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const fleet = this.fleet(breakers);
    this.lastCascade = fleet.cascade.active;
    return {
      version: 1,
      kind: full ? 'snapshot' : 'update',
      title: this.o.title,
      at: now,
      resolution: RESOLUTION,
      historyWindow: this.o.historyWindow,
      lastSeq: this.seq,
      fleet,
      breakers,
      links: this.o.links,
    };
  }

  /** Stops watching: detaches from every breaker and from the target. */
  close(): void {
    this.stopSignal?.();
    this.watcher.close();
    this.events = undefined;
  }

  private attach(breaker: CircuitBreaker): () => void {
    const recorder = new BreakerRecorder(
      breaker,
      this.uniqueId(breaker.name),
      this.o.clock.now(),
      this.o.historyWindow,
      this.o.transitionsKept,
    );
    this.recorders.set(breaker, recorder);
    this.ids.add(recorder.id);
    const offCall = breaker.onCall((event) => {
      recorder.recordCall(event, this.o.clock.now());
    });
    const offTransition = breaker.onTransition((event) => {
      const view = recorder.recordTransition(event, ++this.seq, this.o.clock.now());
      this.tell((e) => {
        e.transition(view);
      });
      if (!this.signal) this.checkCascade();
    });
    return () => {
      offCall();
      offTransition();
      this.recorders.delete(breaker);
      this.ids.delete(recorder.id);
      if (!this.signal) this.checkCascade();
    };
  }

  private uniqueId(name: string): string {
    const taken = this.ids;
    if (!taken.has(name)) return name;
    let n = 2;
    while (taken.has(`${name} (${n})`)) n++;
    return `${name} (${n})`;
  }

  private tell(send: (events: MonitorEvents) => void): void {
    if (!this.events) return;
    try {
      send(this.events);
    } catch (error) {
      reportListenerError('dashboard event stream', error);
    }
  }

  /**
   * Pushes the cascade signal computed here (targets without one of their own) when it turned
   * on or off. From the states last recorded: reading `state` here could cause a transition.
   */
  private checkCascade(): void {
    if (!this.events) return;
    const states = [...this.recorders.values()].map((r) => ({
      name: r.breaker.name,
      state: r.lastState,
    }));
    this.pushCascade(computeCascade(states, this.o.cascadeThreshold, this.o.cascadeMinimumOpen));
  }

  private pushCascade(view: CascadeView): void {
    if (!this.events || view.active === this.lastCascade) return;
    this.lastCascade = view.active;
    this.tell((e) => {
      e.cascade(view);
    });
  }

  private rule(): { threshold: number; minimumOpen: number } | undefined {
    const o = this.o;
    return o.cascadeRuleGiven
      ? { threshold: o.cascadeThreshold, minimumOpen: o.cascadeMinimumOpen }
      : undefined;
  }

  private fleet(breakers: readonly BreakerView[]): FleetView {
    let closed = 0;
    let halfOpen = 0;
    let open = 0;
    for (const b of breakers) {
      if (b.state === 'closed') closed++;
      else if (b.state === 'open') open++;
      else halfOpen++;
    }
    const cascade = this.signal
      ? cascadeView(this.signal.read(), this.rule())
      : computeCascade(breakers, this.o.cascadeThreshold, this.o.cascadeMinimumOpen);
    return { total: breakers.length, closed, halfOpen, open, cascade };
  }

  private view(r: BreakerRecorder, now: number, full: boolean): BreakerView {
    const b = r.breaker;
    // Read first: reading the state applies elapsed time, which may record a transition.
    const state = b.state;
    const retryAfter = b.retryAfter;
    let detail: string | null = null;
    if (this.o.describe) {
      try {
        detail = this.o.describe(b) ?? null;
      } catch (error) {
        reportListenerError('dashboard describe', error);
      }
    }
    const current = secondOf(now);
    const from = full
      ? Math.max(current - this.o.historyWindow + RESOLUTION, secondOf(r.since))
      : Math.max(current - RESOLUTION, secondOf(r.since));
    return {
      id: r.id,
      name: b.name,
      detail: typeof detail === 'string' ? detail : null,
      state,
      forced: b.forcedState,
      retryAfter: Number.isFinite(retryAfter) ? retryAfter : null,
      failureRate: b.failureRate,
      slowCallRate: b.slowCallRate,
      counts: b.counts,
      rules: describeRules(b.settings),
      totals: { ...r.totals },
      since: r.since,
      history: { from, points: r.history(from, now) },
      transitions: full ? r.transitions() : [],
      panels: panelViews(this.o.panels, b),
    };
  }
}
