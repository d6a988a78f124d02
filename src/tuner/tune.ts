import type { BreakerOptions } from '../core/options.js';
import { resolveSettings } from '../manager/settings.js';
import type { ManagerSettings } from '../manager/types.js';
import { ManualClock } from '../testing/manual-clock.js';
import { replay, type ReplayResult } from './simulator.js';
import { searchSettings } from './search.js';
import type { TunedOptions } from './space.js';
import type { ServiceTrace, Trace } from './trace.js';

/** Options of {@link tuneTrace}. */
export interface TuneOptions {
  /** The current settings (a manager config); without it, the breaker's defaults. */
  readonly settings?: ManagerSettings;
  /** Seed of the search. Default 1. */
  readonly seed?: number;
  /** Evaluations per service; 0 takes `start` as it is. Default 100. */
  readonly budget?: number;
  /**
   * Settings per service to start from (the predictor's), or to use without a search when
   * `budget` is 0.
   */
  readonly start?: (
    trace: ServiceTrace,
    callTimeout: number | undefined,
  ) => TunedOptions | undefined;
  /** Called after each evaluation: service index, evaluations done, budget. */
  readonly onProgress?: (service: number, done: number, budget: number) => void;
}

/** Settings of one service with what they cost on its trace. */
export interface PricedSettings {
  /** As a config file or `new CircuitBreaker()` takes them (durations in ms). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly result: ReplayResult;
}

/** The tuner's answer for one service. */
export interface ServiceTuning {
  readonly service: string;
  readonly calls: number;
  readonly current: PricedSettings;
  /** Never costs more than `current`: when nothing found beats it, it is `current`. */
  readonly recommended: PricedSettings;
  /** Settings evaluated. */
  readonly evaluations: number;
}

/** The current settings of a service: its config section over the defaults, as the manager builds them. */
export function currentSettings(
  settings: ManagerSettings | undefined,
  service: string,
): { spec: Readonly<Record<string, unknown>>; options: BreakerOptions } {
  const resolved = resolveSettings(settings ?? {}, new ManualClock());
  const entry = resolved.services.get(service) ?? resolved.defaults;
  return { spec: entry.spec, options: entry.options };
}

/**
 * Recommends settings for every service of `trace`: replays the current settings, searches the
 * tuner's space (from the `start` settings when given) and returns the cheaper of the two.
 * Deterministic for a seed.
 */
export function tuneTrace(trace: Trace, options: TuneOptions = {}): ServiceTuning[] {
  return trace.services.map((service, index) => {
    const current = currentSettings(options.settings, service.service);
    const currentResult = replay(service, current.options, { timeline: true });
    const callTimeout = current.options.callTimeout;
    const start = options.start?.(service, callTimeout);
    const budget = options.budget ?? 100;
    const found =
      budget > 0
        ? searchSettings((o) => replay(service, o).cost, {
            seed: options.seed ?? 1,
            budget,
            ...(start ? { start: [start] } : {}),
            ...(callTimeout === undefined ? {} : { callTimeout }),
            onProgress: (done, total) => options.onProgress?.(index, done, total),
          })
        : undefined;
    const best = found?.best.options ?? start;
    const bestResult = best ? replay(service, best, { timeline: true }) : undefined;
    const recommended: PricedSettings =
      best !== undefined && bestResult !== undefined && bestResult.cost <= currentResult.cost
        ? { options: { ...best }, result: bestResult }
        : { options: current.spec, result: currentResult };
    return {
      service: service.service,
      calls: service.times.length,
      current: { options: current.spec, result: currentResult },
      recommended,
      evaluations: (found?.history.length ?? 0) + 1,
    };
  });
}
