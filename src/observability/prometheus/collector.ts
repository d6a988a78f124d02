import type { BreakerStats } from './breaker-stats.js';

/** One sample as prom-client's registry formats it. */
export interface Sample {
  labels: Record<string, string | number>;
  value: number;
  /** Set for histogram parts (`_bucket`, `_sum`, `_count`); the series name otherwise. */
  metricName?: string;
}

/** What prom-client's registry reads from a metric: the shape its own metrics return. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  values: Sample[];
  aggregator: 'sum' | 'max' | 'first';
}

/** Builds the samples of one series from the stats of every breaker exported. */
export type SampleBuilder = (stats: Iterable<BreakerStats>, out: Sample[], name: string) => void;

/**
 * A series computed at scrape time, registered in a prom-client registry like the library's own
 * metrics: the registry only calls `get()` (and `reset()` from `resetMetrics()`), reads `name`,
 * `help`, `type` and `aggregator`, and formats the samples. `name` stays writable because an
 * OpenMetrics registry strips `_total` from counter names and appends it to each sample.
 */
export class ScrapeCollector {
  name: string;
  readonly help: string;
  readonly type: CollectedMetric['type'];
  readonly aggregator: CollectedMetric['aggregator'];
  private readonly stats: () => Iterable<BreakerStats>;
  private readonly build: SampleBuilder;
  private readonly onReset: (() => void) | undefined;

  constructor(options: {
    name: string;
    help: string;
    type: CollectedMetric['type'];
    aggregator: CollectedMetric['aggregator'];
    stats: () => Iterable<BreakerStats>;
    build: SampleBuilder;
    reset?: () => void;
  }) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.aggregator = options.aggregator;
    this.stats = options.stats;
    this.build = options.build;
    this.onReset = options.reset;
  }

  /** The samples now (prom-client's `Metric.get()`). */
  get(): Promise<CollectedMetric> {
    const values: Sample[] = [];
    this.build(this.stats(), values, this.name);
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    });
  }

  /** Zeroes what this series counts; gauges read live values and have nothing to reset. */
  reset(): void {
    this.onReset?.();
  }
}
