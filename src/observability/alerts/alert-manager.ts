import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import { scheduleUnref, systemClock, type CancelTimer, type Clock } from '../../core/clock.js';
import { disposer, reportListenerError } from '../../core/emitter.js';
import { quote } from '../../core/options.js';
import type { Disposer } from '../../core/types.js';
import { BreakerWatcher, toSource, type BreakerTarget } from '../../manager/source.js';
import type { Alert, AlertDeliveryError, AlertSink } from './alert.js';
import { BreakerRules, type AlertRules, type ResolvedRules } from './rules.js';
import { SinkRunner, type DeliveryOptions, type SinkStats } from './sink-runner.js';

/** Options of {@link AlertManager}. */
export interface AlertManagerOptions {
  /** Where alerts go: {@link webhookSink}, {@link alertmanagerSink}, {@link slackSink} or your own. */
  sinks: readonly AlertSink[];
  /** Breakers to watch now (more with `watch`). */
  source?: BreakerTarget;
  /** Which alerts to raise. */
  rules?: AlertRules;
  /** Queueing, batching, pacing and retries, per sink. */
  delivery?: Partial<DeliveryOptions>;
  /** Labels added to every alert (`service`, `instance`, `env`, ...). */
  labels?: Record<string, string>;
  /** Time of rules, timestamps, retry and rate-limit waits. Default: the system clock. */
  clock?: Clock;
  /** Random numbers for retry jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Told about failed deliveries and drops. Default: a process warning. */
  onError?: (error: AlertDeliveryError) => void;
}

const defaultDelivery: DeliveryOptions = {
  maxQueue: 1000,
  maxBatch: 50,
  retries: 4,
  backoff: 1000,
  maxBackoff: 60_000,
  jitter: 0.5,
  timeout: 10_000,
  rateLimit: { requests: 20, per: 60_000 },
};

const optionKeys = ['sinks', 'source', 'rules', 'delivery', 'labels', 'clock', 'random', 'onError'];

function positive(value: unknown, field: string, integer: boolean): number {
  if (
    typeof value !== 'number' ||
    !(value > 0) ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new RangeError(
      `AlertManager: option ${field} must be a ${integer ? 'whole ' : ''}number > 0, got ${quote(value)}`,
    );
  }
  return value;
}

function resolveRules(rules: AlertRules | undefined): ResolvedRules {
  const r = rules ?? {};
  if (typeof r !== 'object' || (r as unknown) === null) {
    throw new TypeError(`AlertManager: option rules must be an object, got ${quote(r)}`);
  }
  for (const key of Object.keys(r)) {
    if (!['open', 'stuckOpenAfter', 'flap'].includes(key)) {
      throw new TypeError(
        `AlertManager: unknown rule ${quote(key)} (known: open, stuckOpenAfter, flap)`,
      );
    }
  }
  if (r.open !== undefined && typeof r.open !== 'boolean') {
    throw new TypeError(`AlertManager: option rules.open must be a boolean, got ${quote(r.open)}`);
  }
  const stuck = r.stuckOpenAfter ?? 300_000;
  const flap = r.flap ?? { opens: 3, window: 600_000 };
  if (flap !== false && (typeof flap !== 'object' || (flap as unknown) === null)) {
    throw new TypeError(
      `AlertManager: option rules.flap must be { opens, window } or false, got ${quote(flap)}`,
    );
  }
  return {
    open: r.open ?? true,
    stuckOpenAfter: stuck === false ? undefined : positive(stuck, 'rules.stuckOpenAfter', false),
    flap:
      flap === false
        ? undefined
        : {
            opens: positive(flap.opens, 'rules.flap.opens', true),
            window: positive(flap.window, 'rules.flap.window', false),
          },
  };
}

function resolveDelivery(given: Partial<DeliveryOptions> | undefined): DeliveryOptions {
  const d = { ...defaultDelivery, ...(given ?? {}) };
  for (const key of Object.keys(given ?? {})) {
    if (!(key in defaultDelivery)) {
      throw new TypeError(
        `AlertManager: unknown option delivery.${key} (known: ${Object.keys(defaultDelivery).join(', ')})`,
      );
    }
  }
  positive(d.maxQueue, 'delivery.maxQueue', true);
  positive(d.maxBatch, 'delivery.maxBatch', true);
  if (!(Number.isInteger(d.retries) && d.retries >= 0)) {
    throw new RangeError(
      `AlertManager: option delivery.retries must be a whole number >= 0, got ${quote(d.retries)}`,
    );
  }
  positive(d.backoff, 'delivery.backoff', false);
  positive(d.maxBackoff, 'delivery.maxBackoff', false);
  positive(d.timeout, 'delivery.timeout', false);
  if (typeof d.jitter !== 'number' || !(d.jitter >= 0 && d.jitter <= 1)) {
    throw new RangeError(
      `AlertManager: option delivery.jitter must be a number in [0, 1], got ${quote(d.jitter)}`,
    );
  }
  const rl = d.rateLimit as Partial<DeliveryOptions['rateLimit']> | undefined;
  if (typeof rl !== 'object') {
    throw new TypeError(
      `AlertManager: option delivery.rateLimit must be { requests, per }, got ${quote(rl)}`,
    );
  }
  positive(rl.requests, 'delivery.rateLimit.requests', true);
  positive(rl.per, 'delivery.rateLimit.per', false);
  return d;
}

/**
 * Turns breaker transitions into alerts and delivers them to sinks: an alert when a breaker
 * opens, when it stays open longer than `stuckOpenAfter`, when it flaps (more than `opens` opens
 * in `window`), each resolved when the condition ends (the first two when the breaker closes).
 *
 * Delivery never touches the call path: a transition listener only queues, and each sink has its
 * own bounded queue, batches, rate limit and retries with exponential backoff and jitter. Alerts
 * are deduplicated by key and status: a firing alert is sent once, and its resolution once.
 * Every timer is unref'd (or comes from your clock); `close()` stops everything.
 *
 * @example
 * const alerts = new AlertManager({
 *   source: manager,
 *   sinks: [alertmanagerSink('http://alertmanager:9093'), slackSink(process.env.SLACK_URL!)],
 *   rules: { stuckOpenAfter: 10 * 60_000, flap: { opens: 3, window: 15 * 60_000 } },
 *   labels: { service: 'checkout' },
 * });
 */
export class AlertManager {
  private readonly clock: Clock;
  private readonly rules: ResolvedRules;
  private readonly labels: Record<string, string>;
  private readonly runners: SinkRunner[];
  private readonly watchers = new Set<BreakerWatcher>();
  private readonly lastStatus = new Map<string, Alert['status']>();
  private readonly firing = new Map<string, Alert>();
  private readonly listeners = new Set<(alert: Alert) => void>();
  private readonly scheduleFn: (ms: number, callback: () => void) => CancelTimer;
  private repeatTimer: CancelTimer | undefined;
  private readonly repeatEvery: number | undefined;
  private closed = false;

  constructor(options: AlertManagerOptions) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new TypeError(`AlertManager: options must be an object, got ${quote(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!optionKeys.includes(key)) {
        throw new TypeError(
          `AlertManager: unknown option ${quote(key)} (known: ${optionKeys.join(', ')})`,
        );
      }
    }
    const sinks: unknown = options.sinks;
    if (!Array.isArray(sinks) || sinks.length === 0) {
      throw new TypeError(
        `AlertManager: option sinks must be a non-empty array of sinks, got ${quote(sinks)}`,
      );
    }
    (sinks as unknown[]).forEach((s, i) => {
      const ok =
        typeof s === 'object' &&
        s !== null &&
        typeof (s as AlertSink).send === 'function' &&
        typeof (s as AlertSink).name === 'string';
      if (!ok)
        throw new TypeError(
          `AlertManager: option sinks[${i}] must have a name and a send function, got ${quote(s)}`,
        );
    });
    const labels = options.labels ?? {};
    if (typeof labels !== 'object' || Object.values(labels).some((v) => typeof v !== 'string')) {
      throw new TypeError(
        `AlertManager: option labels must map names to strings, got ${quote(labels)}`,
      );
    }
    this.clock = options.clock ?? systemClock;
    const clock = this.clock;
    this.scheduleFn = clock.schedule
      ? (ms, cb) => (clock.schedule as NonNullable<Clock['schedule']>)(ms, cb)
      : scheduleUnref;
    this.rules = resolveRules(options.rules);
    this.labels = { ...labels };
    const delivery = resolveDelivery(options.delivery);
    const onError =
      options.onError ??
      ((error: AlertDeliveryError) => {
        process.emitWarning(error.message, { type: 'BreakwaterAlertWarning' });
      });
    const report = (error: AlertDeliveryError): void => {
      try {
        onError(error);
      } catch (e) {
        reportListenerError('AlertManager onError', e);
      }
    };
    this.runners = (options.sinks as AlertSink[]).map(
      (sink) =>
        new SinkRunner({
          sink,
          delivery,
          clock: this.clock,
          schedule: this.scheduleFn,
          random: options.random ?? Math.random,
          report,
        }),
    );
    const repeats = options.sinks
      .map((s) => s.repeatInterval)
      .filter((r): r is number => r !== undefined);
    this.repeatEvery = repeats.length > 0 ? Math.min(...repeats) : undefined;
    if (options.source !== undefined) this.watch(options.source);
  }

  /**
   * Watches more breakers: a breaker, an array, or a source such as a manager. Its `onRemove`
   * resolves what fires for a breaker that left. Returns a function that stops watching.
   */
  watch(target: BreakerTarget): Disposer {
    if (this.closed) throw new Error('AlertManager.watch: the manager is closed');
    const source = toSource(target, 'AlertManager.watch(target)');
    const watcher = new BreakerWatcher(source, (breaker) => this.attach(breaker));
    this.watchers.add(watcher);
    return disposer(() => {
      watcher.close();
      this.watchers.delete(watcher);
    });
  }

  /** Calls `listener` with every alert published (after dedupe), before delivery. */
  onAlert(listener: (alert: Alert) => void): Disposer {
    this.listeners.add(listener);
    return disposer(() => this.listeners.delete(listener));
  }

  /** The alerts firing now. */
  get active(): Alert[] {
    return [...this.firing.values()];
  }

  /** Delivery counters, one entry per sink, in the order of `sinks`. */
  stats(): SinkStats[] {
    return this.runners.map((r) => r.stats());
  }

  /** Resolves once no sink has a request in flight (retries may still be scheduled). */
  async settled(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.settled()));
  }

  /** Catches up with sources that have no onAdd / onRemove. */
  reconcile(): void {
    for (const w of this.watchers) w.reconcile();
  }

  /**
   * Stops watching and cancels every timer, then gives each sink one last attempt at what it
   * has queued and waits for it (bounded by `delivery.timeout`). Alerts still firing are not
   * resolved: the breakers are as open as they were.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.repeatTimer?.();
    this.repeatTimer = undefined;
    for (const w of this.watchers) w.close();
    this.watchers.clear();
    await Promise.all(this.runners.map((r) => r.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private attach(breaker: CircuitBreaker): (reason: 'removed' | 'closed') => void {
    const rules = new BreakerRules(
      breaker.name,
      this.rules,
      {
        now: () => this.clock.now(),
        schedule: this.scheduleFn,
        publish: (alert) => {
          this.publish(alert);
        },
        labels: this.labels,
      },
      breaker.state,
    );
    const off = breaker.onTransition((e) => {
      rules.onTransition(e);
    });
    return (reason) => {
      off();
      rules.stop(reason === 'removed');
    };
  }

  private publish(alert: Alert): void {
    if (this.closed) return;
    if (this.lastStatus.get(alert.key) === alert.status) return;
    if (alert.status === 'resolved' && !this.lastStatus.has(alert.key)) return;
    this.lastStatus.set(alert.key, alert.status);
    if (alert.status === 'firing') this.firing.set(alert.key, alert);
    else {
      this.firing.delete(alert.key);
      this.lastStatus.delete(alert.key);
    }
    for (const listener of this.listeners) {
      try {
        listener(alert);
      } catch (error) {
        reportListenerError('AlertManager onAlert listener', error);
      }
    }
    for (const r of this.runners) r.enqueue(alert);
    this.armRepeat();
  }

  // Alertmanager forgets alerts that are not re-sent: sinks that say so get the firing ones again.
  private armRepeat(): void {
    const every = this.repeatEvery;
    if (every === undefined || this.repeatTimer || this.firing.size === 0 || this.closed) return;
    this.repeatTimer = this.scheduleFn(every, () => {
      this.repeatTimer = undefined;
      if (this.closed || this.firing.size === 0) return;
      for (const r of this.runners) {
        if (r.sink.repeatInterval === undefined) continue;
        for (const alert of this.firing.values()) r.enqueue(alert);
      }
      this.armRepeat();
    });
  }
}
