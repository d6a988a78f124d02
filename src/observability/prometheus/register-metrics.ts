import {
  register as globalRegistry,
  type Metric,
  type Registry,
  type RegistryContentType,
} from 'prom-client';

/** A prom-client registry of either exposition format. */
export type AnyRegistry = Registry<RegistryContentType>;
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import { quote } from '../../core/options.js';
import { defaultBuckets, metricNames } from '../metric-names.js';
import {
  BreakerWatcher,
  isBreaker,
  toSource,
  type BreakerSource,
  type BreakerTarget,
} from '../../manager/source.js';
import { BreakerStats } from './breaker-stats.js';
import { ScrapeCollector, type SampleBuilder } from './collector.js';
import {
  callSamples,
  configSamples,
  failureRateSamples,
  helpTexts,
  rejectionSamples,
  slowCallRateSamples,
  stateSamples,
  transitionSamples,
} from './series.js';

/** Options of {@link registerMetrics}. */
export interface MetricsOptions {
  /** The prom-client registry to register in. Default: prom-client's global `register`. */
  registry?: AnyRegistry;
  /**
   * Upper bounds of the calls histogram, in seconds, ascending. Default {@link defaultBuckets}.
   * Every call of `registerMetrics` on one registry must use the same buckets.
   */
  buckets?: readonly number[];
}

/** What {@link registerMetrics} returns. */
export interface PrometheusMetrics {
  /**
   * Stops exporting the breakers of this registration: their series disappear, and once no
   * registration is left on the registry, the series are unregistered from it.
   */
  close(): void;
  [Symbol.dispose](): void;
}

const exporters = new WeakMap<AnyRegistry, Exporter>();

/**
 * Exports breakers to a prom-client registry: the series of shared/API.md ("Metrics"), the
 * slow-call rate, and the thresholds in force (`breakwater_circuitbreaker_config{name,param}`).
 *
 * Gauges are read from the breakers when the registry is scraped. Counters and the histogram are
 * bumped by `onCall` / `onTransition` listeners into plain arrays (no prom-client work per call)
 * and formatted at scrape time too. A breaker removed from a source (or one that no longer shows
 * in `breakers()` at a scrape) stops being listened to and its series disappear. Label `name` is
 * the breaker's name, so names must be unique: registering a second breaker under a name already
 * exported throws; a source that yields two gets a warning and only the first is exported.
 *
 * @param target a breaker, an array of breakers, or a {@link BreakerSource} such as a manager
 * @example
 * import { Registry } from 'prom-client';
 * const registry = new Registry();
 * const metrics = registerMetrics(manager, { registry });
 * http.createServer(async (req, res) => res.end(await registry.metrics()));
 */
export function registerMetrics(
  target: BreakerTarget,
  options: MetricsOptions = {},
): PrometheusMetrics {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(
      `registerMetrics(target, options): options must be an object, got ${quote(options)}`,
    );
  }
  const known = ['registry', 'buckets'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `registerMetrics: unknown option ${quote(key)} (known: ${known.join(', ')})`,
      );
    }
  }
  const registry = options.registry ?? globalRegistry;
  if (typeof (registry as { registerMetric?: unknown }).registerMetric !== 'function') {
    throw new TypeError(
      `registerMetrics: option registry must be a prom-client Registry, got ${quote(registry)}`,
    );
  }
  const bounds = validateBuckets(options.buckets ?? defaultBuckets);
  const strict = isBreaker(target) || Array.isArray(target);
  const source = toSource(target, 'registerMetrics(target)');
  let exporter = exporters.get(registry);
  if (exporter && !sameBounds(exporter.bounds, bounds)) {
    throw new RangeError(
      `registerMetrics: option buckets ${quote([...bounds])} differ from the buckets already registered on this registry ${quote([...exporter.bounds])}`,
    );
  }
  exporter ??= new Exporter(registry, bounds);
  exporters.set(registry, exporter);
  return exporter.add(source, strict);
}

function validateBuckets(given: unknown): Float64Array {
  const buckets: readonly unknown[] = Array.isArray(given) ? (given as unknown[]) : [];
  if (buckets.length === 0) {
    throw new TypeError(
      `registerMetrics: option buckets must be a non-empty array of seconds, got ${quote(given)}`,
    );
  }
  buckets.forEach((b, i) => {
    if (typeof b !== 'number' || !Number.isFinite(b) || b <= 0) {
      throw new RangeError(
        `registerMetrics: option buckets[${i}] must be a finite number > 0, got ${quote(b)}`,
      );
    }
    const prev = buckets[i - 1];
    if (typeof prev === 'number' && b <= prev) {
      throw new RangeError(
        `registerMetrics: option buckets must be strictly ascending, got ${quote(buckets)}`,
      );
    }
  });
  return Float64Array.from(buckets as readonly number[]);
}

function sameBounds(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The series of one registry, shared by every `registerMetrics` call on it. */
class Exporter {
  readonly registry: AnyRegistry;
  readonly bounds: Float64Array;
  private readonly byName = new Map<string, BreakerStats>();
  private readonly watchers = new Set<BreakerWatcher>();
  // Breakers of a source whose name is taken, with the function that exports them.
  private readonly waiting = new Map<CircuitBreaker, () => boolean>();
  private readonly collectors: ScrapeCollector[];
  private reconciling = false;

  constructor(registry: AnyRegistry, bounds: Float64Array) {
    this.registry = registry;
    this.bounds = bounds;
    const stats = (): Iterable<BreakerStats> => this.stats();
    const resetCounters = (): void => {
      for (const s of this.byName.values()) s.resetCounters();
    };
    const make = (
      key: keyof typeof metricNames,
      type: 'gauge' | 'counter' | 'histogram',
      aggregator: 'sum' | 'max' | 'first',
      build: SampleBuilder,
    ): ScrapeCollector =>
      new ScrapeCollector({
        name: metricNames[key],
        help: helpTexts[key],
        type,
        aggregator,
        stats,
        build,
        ...(type === 'gauge' ? {} : { reset: resetCounters }),
      });
    this.collectors = [
      make('state', 'gauge', 'sum', stateSamples),
      make('transitions', 'counter', 'sum', transitionSamples),
      make('calls', 'histogram', 'sum', callSamples),
      make('notPermitted', 'counter', 'sum', rejectionSamples),
      make('failureRate', 'gauge', 'max', failureRateSamples),
      make('slowCallRate', 'gauge', 'max', slowCallRateSamples),
      make('config', 'gauge', 'first', configSamples),
    ];
    const taken = this.collectors.find((c) => registry.getSingleMetric(c.name) !== undefined);
    if (taken) {
      throw new TypeError(
        `registerMetrics: the registry already has a metric named ${quote(taken.name)} that breakwater did not register`,
      );
    }
    // The registry's contract is duck-typed (it calls get() and reads name/help/type).
    for (const c of this.collectors) registry.registerMetric(c as unknown as Metric);
  }

  add(source: BreakerSource, strict: boolean): PrometheusMetrics {
    if (strict) {
      try {
        this.checkNames(source.breakers());
      } catch (error) {
        // A registry left with series nobody feeds would be worse than the error.
        if (this.watchers.size === 0) this.unregister();
        throw error;
      }
    }
    const watcher = new BreakerWatcher(source, (breaker) => {
      let stats: BreakerStats | undefined;
      const claim = (): boolean => {
        if (this.byName.has(breaker.name)) return false;
        stats = new BreakerStats(breaker, this.bounds);
        this.byName.set(breaker.name, stats);
        return true;
      };
      if (!claim()) {
        // Exported once the breaker holding the name leaves (a replacement added before the
        // old one was removed); until then the name would be ambiguous.
        this.waiting.set(breaker, claim);
        process.emitWarning(
          `registerMetrics: two breakers are named ${quote(breaker.name)}; the second is exported only once the first is removed`,
          { type: 'BreakwaterMetricsWarning' },
        );
      }
      return () => {
        this.waiting.delete(breaker);
        if (!stats) return;
        stats.detach();
        if (this.byName.get(stats.name) !== stats) return;
        this.byName.delete(stats.name);
        for (const [other, next] of this.waiting) {
          if (other.name === stats.name && next()) {
            this.waiting.delete(other);
            break;
          }
        }
      };
    });
    this.watchers.add(watcher);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      watcher.close();
      this.watchers.delete(watcher);
      if (this.watchers.size === 0) this.unregister();
    };
    return { close, [Symbol.dispose]: close };
  }

  private checkNames(breakers: Iterable<CircuitBreaker>): void {
    const seen = new Set<string>();
    for (const b of breakers) {
      const other = this.byName.get(b.name);
      if (seen.has(b.name) || (other && other.breaker !== b)) {
        throw new TypeError(
          `registerMetrics: a breaker named ${quote(b.name)} is already exported to this registry; the name label must be unique`,
        );
      }
      seen.add(b.name);
    }
  }

  /** The stats to export, after catching up with sources that lack onAdd / onRemove. */
  private stats(): Iterable<BreakerStats> {
    // Every collector's get() runs in the same synchronous pass of registry.metrics(), so one
    // reconciliation per scrape is enough.
    if (!this.reconciling) {
      this.reconciling = true;
      queueMicrotask(() => {
        this.reconciling = false;
      });
      for (const w of this.watchers) w.reconcile();
    }
    return this.byName.values();
  }

  private unregister(): void {
    for (const c of this.collectors) {
      if ((this.registry.getSingleMetric(c.name) as unknown) === c)
        this.registry.removeSingleMetric(c.name);
    }
    if (exporters.get(this.registry) === this) exporters.delete(this.registry);
  }
}
