import type { CancelTimer } from '../../core/clock.js';
import type { StateChangeEvent } from '../../core/events.js';
import type { CircuitState } from '../../core/types.js';
import { alertNames, alertSeverities, type Alert, type AlertRule } from './alert.js';

/** Rules of an {@link AlertManager}. */
export interface AlertRules {
  /** Alert when a breaker opens (resolved when it closes). Default true. */
  open?: boolean;
  /**
   * Alert when a breaker has stayed open (or half-open: it has not closed) this many ms since
   * it opened; resolved when it closes. Default 300000 (5 min); `false` turns it off.
   */
  stuckOpenAfter?: number | false;
  /**
   * Alert when a breaker opens more than `opens` times within `window` ms (opens from closed:
   * re-opening after a failed probe is one outage, not flapping). Resolved once the window
   * holds `opens` or fewer. Default `{ opens: 3, window: 600000 }`; `false` turns it off.
   */
  flap?: { opens: number; window: number } | false;
}

/** Rules after defaults. */
export interface ResolvedRules {
  open: boolean;
  stuckOpenAfter: number | undefined;
  flap: { opens: number; window: number } | undefined;
}

/** What a {@link BreakerRules} needs from its manager. */
export interface RuleHost {
  now(): number;
  schedule(ms: number, callback: () => void): CancelTimer;
  /** Publishes a notification (the manager dedupes). */
  publish(alert: Alert): void;
  /** Extra labels for every alert. */
  labels: Record<string, string>;
}

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The alert rules of one breaker, fed its transitions. An outage ("episode") starts when the
 * breaker leaves closed for open and ends when it is closed again; half-open in between is part
 * of it.
 */
export class BreakerRules {
  private readonly name: string;
  private readonly rules: ResolvedRules;
  private readonly host: RuleHost;
  private episodeStart: number | undefined;
  private stuckTimer: CancelTimer | undefined;
  private flapTimer: CancelTimer | undefined;
  private opens: number[] = [];
  private readonly firing = new Map<AlertRule, Alert>();

  constructor(name: string, rules: ResolvedRules, host: RuleHost, state: CircuitState) {
    this.name = name;
    this.rules = rules;
    this.host = host;
    // Already open when first seen: that is an outage under way.
    if (state !== 'closed') this.startEpisode(host.now(), undefined);
  }

  /** Applies one transition. */
  onTransition(e: StateChangeEvent): void {
    if (e.to === 'open' && e.from === 'closed') {
      this.startEpisode(this.host.now(), e);
      this.countOpen(e);
    } else if (e.to === 'closed') {
      this.endEpisode(e);
    }
  }

  /** Resolves what fires (the breaker left the source) and cancels timers. */
  stop(resolve: boolean): void {
    this.stuckTimer?.();
    this.flapTimer?.();
    this.stuckTimer = this.flapTimer = undefined;
    if (!resolve) return;
    for (const rule of [...this.firing.keys()]) this.resolve(rule, undefined);
  }

  private startEpisode(now: number, e: StateChangeEvent | undefined): void {
    if (this.episodeStart !== undefined) return;
    this.episodeStart = now;
    if (this.rules.open) {
      const how = e
        ? `went from ${e.from} to open (${e.reason}) after ${e.counts.totalFailures} failure(s) and ${e.counts.totalSuccesses} success(es) in its counts`
        : 'was open when alerting started';
      this.fire(
        'open',
        now,
        e,
        `Circuit breaker ${this.name} is open`,
        `Circuit breaker "${this.name}" ${how}. Calls to it fail fast until a probe succeeds.`,
      );
    }
    const after = this.rules.stuckOpenAfter;
    if (after !== undefined) {
      this.stuckTimer = this.host.schedule(after, () => {
        this.stuckTimer = undefined;
        if (this.episodeStart === undefined) return;
        const since = new Date(this.episodeStart).toISOString();
        this.fire(
          'stuck-open',
          this.host.now(),
          undefined,
          `Circuit breaker ${this.name} has been open for ${duration(after)}`,
          `Circuit breaker "${this.name}" has not closed since ${since}: the dependency behind it keeps failing its probes, or nothing calls it to probe it.`,
        );
      });
    }
  }

  private endEpisode(e: StateChangeEvent): void {
    if (this.episodeStart === undefined) return;
    this.episodeStart = undefined;
    this.stuckTimer?.();
    this.stuckTimer = undefined;
    this.resolve('open', e);
    this.resolve('stuck-open', e);
  }

  private countOpen(e: StateChangeEvent): void {
    const flap = this.rules.flap;
    if (!flap) return;
    const now = this.host.now();
    this.opens.push(now);
    this.prune(now);
    if (this.opens.length > flap.opens && !this.firing.has('flapping')) {
      this.fire(
        'flapping',
        now,
        e,
        `Circuit breaker ${this.name} is flapping`,
        `Circuit breaker "${this.name}" opened ${this.opens.length} times in the last ${duration(flap.window)} (more than ${flap.opens}): the dependency is unstable, or the thresholds are too tight for its normal error rate.`,
      );
    }
    this.armFlapCheck();
  }

  private prune(now: number): void {
    const window = this.rules.flap?.window ?? 0;
    while (this.opens.length > 0 && (this.opens[0] ?? 0) <= now - window) this.opens.shift();
  }

  // Wakes when the oldest open leaves the window, to resolve once few enough remain.
  private armFlapCheck(): void {
    const flap = this.rules.flap;
    const oldest = this.opens[0];
    if (!flap || oldest === undefined || !this.firing.has('flapping') || this.flapTimer) return;
    this.flapTimer = this.host.schedule(Math.max(0, oldest + flap.window - this.host.now()), () => {
      this.flapTimer = undefined;
      this.prune(this.host.now());
      if (this.opens.length <= flap.opens) this.resolve('flapping', undefined);
      else this.armFlapCheck();
    });
  }

  private fire(
    rule: AlertRule,
    now: number,
    e: StateChangeEvent | undefined,
    summary: string,
    description: string,
  ): void {
    if (this.firing.has(rule)) return;
    const alertname = alertNames[rule];
    const severity = alertSeverities[rule];
    const alert: Alert = {
      key: `${alertname}/${this.name}`,
      rule,
      alertname,
      status: 'firing',
      breaker: this.name,
      severity,
      summary,
      description,
      labels: { ...this.host.labels, alertname, name: this.name, severity },
      startsAt: now,
    };
    if (e) alert.transition = { from: e.from, to: e.to, reason: e.reason, at: e.at };
    this.firing.set(rule, alert);
    this.host.publish(alert);
  }

  private resolve(rule: AlertRule, e: StateChangeEvent | undefined): void {
    const alert = this.firing.get(rule);
    if (!alert) return;
    this.firing.delete(rule);
    const resolved: Alert = { ...alert, status: 'resolved', endsAt: this.host.now() };
    if (e) resolved.transition = { from: e.from, to: e.to, reason: e.reason, at: e.at };
    else delete resolved.transition;
    this.host.publish(resolved);
  }
}
