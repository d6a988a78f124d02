import { defaultReadyToTrip, type ResolvedOptions } from '../core/options.js';
import type { BreakerRules } from './types.js';

/** A duration for people: whole ms below a second, else seconds (`250ms`, `1.5s`). */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${Number((ms / 1000).toFixed(2))}s`;
}

/** The thresholds a breaker runs with, and one phrase that says them. */
export function describeRules(o: Readonly<ResolvedOptions>): BreakerRules {
  const parts: string[] = [];
  if (o.failureRateThreshold !== undefined) parts.push(`${o.failureRateThreshold}% failures`);
  if (o.slowCallRateThreshold !== undefined && o.slowCallDuration !== undefined) {
    parts.push(`${o.slowCallRateThreshold}% slower than ${formatMs(o.slowCallDuration)}`);
  }
  const window = !o.window
    ? ''
    : o.window.kind === 'count'
      ? ` of the last ${o.window.size} calls`
      : ` in the last ${formatMs(o.window.size)}`;
  const trip =
    parts.length > 0
      ? `trips at ${parts.join(' or ')}${window}`
      : o.readyToTrip === defaultReadyToTrip
        ? 'trips after 6 failures in a row'
        : 'trips by its own rule';
  const timeout = typeof o.timeout === 'number' ? o.timeout : null;
  const open = timeout === null ? 'a growing wait' : formatMs(timeout);
  const probes = `${o.maxRequests} probe${o.maxRequests === 1 ? '' : 's'}`;
  return {
    failureRateThreshold: o.failureRateThreshold ?? null,
    slowCallRateThreshold: o.slowCallRateThreshold ?? null,
    slowCallDuration: o.slowCallDuration ?? null,
    minimumCalls: o.minimumCalls,
    maxRequests: o.maxRequests,
    timeout,
    callTimeout: o.callTimeout ?? null,
    summary: `${trip}; open ${open}, then ${probes}`,
  };
}
