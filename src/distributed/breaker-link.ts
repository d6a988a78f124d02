// One breaker's part in the fleet: it batches the breaker's outcomes, flushes them at most once
// per flushInterval, applies the fleet's decisions to the breaker through `decide`, publishes
// the decisions this instance takes (pooled open, probe results), and runs the probe lease.
// Nothing here is on the call path except one counter update per outcome.
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import type { CancelTimer } from '../core/clock.js';
import type { CallEvent, StateChangeEvent } from '../core/events.js';
import { OutcomeBatch } from './outcome-batch.js';
import { evaluateFleet, type FleetEvaluation, type PooledRule } from './pooled-rule.js';
import { NO_DECISION, type FleetDecision, type FleetStore, type FleetView } from './store.js';

/** What a link needs from its coordinator. */
export interface LinkContext {
  readonly store: FleetStore;
  readonly instanceId: string;
  readonly flushInterval: number;
  readonly quorum: number;
  readonly minInstances: number;
  /** True while the store answers: links write only then. */
  readonly up: boolean;
  /** Runs a store operation through the store's own timeout and breaker; undefined on failure. */
  run<T>(op: () => Promise<T>): Promise<T | undefined>;
  /** A timer on the coordinator's clock (ms). */
  schedule(ms: number, callback: () => void): CancelTimer;
  /** Real time in ms, for spacing flushes. */
  now(): number;
}

/** A breaker's fleet view, for metrics and the dashboard. */
export interface FleetBreakerStatus {
  readonly name: string;
  /** The fleet's decision as last seen. */
  readonly decision: FleetDecision;
  /** True while the fleet's decision holds this breaker open. */
  readonly fleetOpen: boolean;
  /** The pooled window at the last exchange (undefined before the first). */
  readonly evaluation: FleetEvaluation | undefined;
  /** Coordinator clock (ms) of the last exchange with the store; NaN before the first. */
  readonly lastExchange: number;
}

export class BreakerLink {
  readonly breaker: CircuitBreaker;
  private readonly ctx: LinkContext;
  private readonly rule: PooledRule;
  private readonly batch: OutcomeBatch;
  private readonly ttl: number;
  private readonly leaseTtl: number;
  // -1 until the first read: nothing is written before the fleet's state was read.
  private knownGen = -1;
  private decision: FleetDecision = NO_DECISION;
  // store clock - breaker clock, from the midpoint of the last exchange.
  private offset = 0;
  private evaluation: FleetEvaluation | undefined;
  private lastExchange = NaN;
  private lastFlush = -Infinity;
  private flushTimer: CancelTimer | undefined;
  private episodeTimer: CancelTimer | undefined;
  private flushing: Promise<void> | undefined;
  private publishing = false;
  private held = false;
  private holdsLease = false;
  private stopped = false;
  private readonly disposers: (() => void)[] = [];

  constructor(ctx: LinkContext, breaker: CircuitBreaker, rule: PooledRule) {
    this.ctx = ctx;
    this.breaker = breaker;
    this.rule = rule;
    const bucketMs = rule.window.size / rule.window.buckets;
    this.batch = new OutcomeBatch(bucketMs, rule.window.size);
    // Counts live two windows past the last write; decisions at least a minute.
    this.ttl = Math.max(60_000, 2 * rule.window.size);
    this.leaseTtl = Math.min(breaker.settings.halfOpenTimeout, 2 ** 31 - 1);
    this.disposers.push(
      breaker.onCall((e) => {
        this.onCall(e);
      }),
      breaker.onTransition((e) => {
        this.onTransition(e);
      }),
      ctx.store.subscribe(breaker.name, (d) => {
        this.apply(d, false);
      }),
    );
  }

  /** This breaker's fleet view now. */
  status(): FleetBreakerStatus {
    return {
      name: this.breaker.name,
      decision: this.decision,
      fleetOpen: this.held || this.holdsLease,
      evaluation: this.evaluation,
      lastExchange: this.lastExchange,
    };
  }

  /** Reads the fleet's state (nothing written) and applies it. Resolves either way. */
  async read(): Promise<void> {
    const sent = this.clockNow();
    const view = await this.ctx.run(() =>
      this.ctx.store.flush(this.breaker.name, {
        instance: this.ctx.instanceId,
        generation: -1,
        window: this.rule.window,
        buckets: [],
        ttl: this.ttl,
      }),
    );
    if (view && !this.stopped) this.onView(view, sent, true);
  }

  /** The store stopped answering: back to local rules, keep the outcomes for later. */
  degrade(): void {
    this.cancelEpisode();
    if (this.held || this.holdsLease) this.breaker.decide({ type: 'release' });
    this.held = false;
    this.holdsLease = false;
  }

  /** Sends what is batched now (if the store is up). */
  flushNow(): Promise<void> {
    this.flushTimer?.();
    this.flushTimer = undefined;
    return this.flush();
  }

  /** Stops listening and timing; the breaker is left on local rules. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const d of this.disposers.splice(0)) d();
    this.flushTimer?.();
    this.flushTimer = undefined;
    this.degrade();
  }

  /** Waits for a flush in flight, if any. */
  settled(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  // --- outcomes -------------------------------------------------------------------------

  private onCall(e: CallEvent): void {
    if (e.stale || (e.outcome !== 'success' && e.outcome !== 'failure')) return;
    this.batch.add(this.clockNow(), e.outcome === 'failure', e.slow);
    if (this.flushTimer === undefined && this.flushing === undefined) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.lastFlush + this.ctx.flushInterval - this.ctx.now());
    this.flushTimer = this.ctx.schedule(delay, () => {
      this.flushTimer = undefined;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.ctx.up || this.knownGen < 0 || this.batch.size === 0) return Promise.resolve();
    this.lastFlush = this.ctx.now();
    const sent = this.clockNow();
    const buckets = this.batch.take(sent);
    const generation = this.knownGen;
    const run = async (): Promise<void> => {
      const view = await this.ctx.run(() =>
        this.ctx.store.flush(this.breaker.name, {
          instance: this.ctx.instanceId,
          generation,
          window: this.rule.window,
          buckets,
          ttl: this.ttl,
        }),
      );
      // A lost batch is not resent: it may have been written before the reply was lost.
      if (view && !this.stopped) this.onView(view, sent, true);
    };
    this.flushing = run().finally(() => {
      this.flushing = undefined;
      if (this.batch.size > 0 && this.flushTimer === undefined) this.scheduleFlush();
    });
    return this.flushing;
  }

  private onView(view: FleetView, sent: number, authoritative: boolean): void {
    const now = this.clockNow();
    this.offset = view.now - (sent + now) / 2;
    this.lastExchange = this.ctx.now();
    this.apply(view.decision, authoritative);
    this.evaluation = evaluateFleet(
      this.rule,
      view.instances,
      this.ctx.quorum,
      this.ctx.minInstances,
    );
    if (this.decision.state === 'closed' && this.evaluation.open) {
      void this.publish('open', this.openWait());
    }
  }

  // --- decisions ------------------------------------------------------------------------

  /**
   * Applies the fleet's decision. A read is authoritative (the store may have forgotten a
   * generation, e.g. after its keys expired); a pub/sub message only moves forward.
   */
  private apply(d: FleetDecision, authoritative: boolean): void {
    if (this.stopped) return;
    const previous = this.knownGen;
    if (d.generation === previous && (this.held || this.holdsLease || d.state === 'closed')) return;
    if (!authoritative && d.generation <= previous) return;
    this.knownGen = d.generation;
    this.decision = d;
    // Outcomes recorded under an older decision belong to an ended episode.
    if (previous >= 0 && d.generation !== previous) this.batch.clear();
    this.cancelEpisode();
    if (d.state === 'open') {
      const at = d.at - this.offset;
      this.holdsLease = false;
      this.breaker.decide({ type: 'open', at, wait: d.wait });
      // Degraded (or not yet up): open as the fleet said, but on local timing from there.
      if (!this.ctx.up) return;
      this.breaker.decide({ type: 'hold-open' });
      this.held = true;
      this.timeEpisode(at + d.wait - this.clockNow());
      return;
    }
    const wasFleet = this.held || this.holdsLease;
    this.held = false;
    this.holdsLease = false;
    if (previous >= 0 && d.generation !== previous && d.generation > 0) {
      this.breaker.decide({ type: 'close' });
    } else if (wasFleet) {
      this.breaker.decide({ type: 'release' });
    }
  }

  private async publish(state: 'open' | 'closed', wait: number): Promise<void> {
    if (this.publishing || !this.ctx.up) return;
    this.publishing = true;
    const expected = this.knownGen;
    const sent = this.clockNow();
    try {
      const result = await this.ctx.run(() =>
        this.ctx.store.publish(this.breaker.name, {
          expected,
          state,
          wait,
          by: this.ctx.instanceId,
          ttl: this.ttl,
        }),
      );
      if (!result || this.stopped) return;
      this.offset = result.now - (sent + this.clockNow()) / 2;
      this.apply(result.decision, true);
    } finally {
      this.publishing = false;
    }
  }

  /** The breaker's normal open wait for a first open. */
  private openWait(): number {
    const t = this.breaker.settings.timeout;
    if (typeof t === 'number') return t;
    try {
      const ms = t(1);
      return typeof ms === 'number' && ms > 0 ? ms : 60_000;
    } catch {
      return 60_000;
    }
  }

  private onTransition(e: StateChangeEvent): void {
    const reason: string = e.reason;
    if (reason.startsWith('external-') || reason === 'lease-held') return;
    if (!this.holdsLease || e.from !== 'half-open') return;
    // This instance ran the fleet's probes: their result is the fleet's.
    this.holdsLease = false;
    this.cancelEpisode();
    if (e.to === 'closed') void this.publish('closed', 0);
    else if (e.to === 'open') void this.publish('open', Math.max(1, this.breaker.retryAfter));
  }

  // --- the probe lease ------------------------------------------------------------------

  private timeEpisode(ms: number): void {
    this.cancelEpisode();
    if (this.stopped) return;
    this.episodeTimer = this.ctx.schedule(Math.max(0, ms), () => {
      this.episodeTimer = undefined;
      void this.tryLease();
    });
  }

  private cancelEpisode(): void {
    this.episodeTimer?.();
    this.episodeTimer = undefined;
  }

  private async tryLease(): Promise<void> {
    const generation = this.knownGen;
    if (!this.ctx.up || this.decision.state !== 'open' || this.stopped) return;
    const renewing = this.holdsLease;
    if (renewing && !(this.breaker.state === 'half-open' && this.breaker.callsInFlight > 0)) {
      // The lease ran out without a probe in flight: give the episode to someone else.
      this.holdsLease = false;
      this.held = true;
      this.breaker.decide({ type: 'hold-open' });
      await this.ctx.run(() => this.ctx.store.releaseLease(this.breaker.name, this.ctx.instanceId));
      this.timeEpisode(this.ctx.flushInterval + jitter(this.ctx.flushInterval));
      return;
    }
    const r = await this.ctx.run(() =>
      this.ctx.store.acquireLease(this.breaker.name, {
        generation,
        instance: this.ctx.instanceId,
        ttl: this.leaseTtl,
      }),
    );
    if (!r || !this.inEpisode(generation)) return;
    if (r.granted) {
      if (!renewing) {
        this.holdsLease = true;
        this.held = false;
        this.breaker.decide({ type: 'half-open' });
      }
      // Check back before it runs out (renew while probes run, else hand it on).
      this.timeEpisode(Math.max(1, r.ttl - Math.min(r.ttl / 4, 1_000)));
      return;
    }
    this.timeEpisode(Math.max(r.ttl, this.ctx.flushInterval) + jitter(this.ctx.flushInterval));
  }

  /** Still coordinating the open episode of `generation` (read after an await). */
  private inEpisode(generation: number): boolean {
    return !this.stopped && generation === this.knownGen && this.decision.state === 'open';
  }

  private clockNow(): number {
    return this.breaker.settings.clock.now();
  }
}

const jitter = (ms: number): number => Math.floor(Math.random() * ms);
