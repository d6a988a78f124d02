import type { ResolvedOptions } from '../../core/options.js';
import { configParams } from '../metric-names.js';

/**
 * The thresholds in force as `[param, value]` pairs for the config gauge: percentages as ratios
 * (so they compare directly with the rate gauges), durations in seconds. Options not set are
 * left out; a `timeout` given as a function has no single value and is left out too.
 */
export function configValues(o: Readonly<ResolvedOptions>): [string, number][] {
  const out: [string, number][] = [];
  if (o.failureRateThreshold !== undefined) {
    out.push([configParams.failureRateThreshold, o.failureRateThreshold / 100]);
  }
  if (o.slowCallRateThreshold !== undefined) {
    out.push([configParams.slowCallRateThreshold, o.slowCallRateThreshold / 100]);
  }
  if (o.slowCallDuration !== undefined) {
    out.push([configParams.slowCallDurationSeconds, o.slowCallDuration / 1000]);
  }
  out.push([configParams.minimumCalls, o.minimumCalls]);
  out.push([configParams.maxRequests, o.maxRequests]);
  if (typeof o.timeout === 'number') out.push([configParams.openTimeoutSeconds, o.timeout / 1000]);
  if (o.interval > 0) out.push([configParams.intervalSeconds, o.interval / 1000]);
  if (o.callTimeout !== undefined)
    out.push([configParams.callTimeoutSeconds, o.callTimeout / 1000]);
  out.push([configParams.halfOpenTimeoutSeconds, o.halfOpenTimeout / 1000]);
  if (o.window?.kind === 'count') out.push([configParams.windowCalls, o.window.size]);
  else if (o.window) out.push([configParams.windowSeconds, o.window.size / 1000]);
  return out;
}
