import { callKinds, metricNames } from '../metric-names.js';
import { configValues } from './config-values.js';
import { states, type BreakerStats } from './breaker-stats.js';
import type { Sample } from './collector.js';

// Every transition a breaker can make (closed never goes straight to half-open), initialised to
// 0 so that `increase()` sees the first one.
const transitionPairs: readonly [number, number][] = [
  [0, 2],
  [2, 1],
  [1, 0],
  [1, 2],
  [2, 0],
];

const kinds = [callKinds.success, callKinds.failure, callKinds.excluded] as const;

/** `breakwater_circuitbreaker_state{name,state}`: 1 for the current state, 0 for the others. */
export function stateSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) {
    const current = s.breaker.state;
    for (const state of states) {
      out.push({ labels: { name: s.name, state }, value: state === current ? 1 : 0 });
    }
  }
}

/** `breakwater_circuitbreaker_transitions_total{name,from,to}`. */
export function transitionSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) {
    for (const [from, to] of transitionPairs) {
      out.push({
        labels: { name: s.name, from: states[from] ?? '', to: states[to] ?? '' },
        value: s.transitions[from * 3 + to] ?? 0,
      });
    }
  }
}

/** `breakwater_circuitbreaker_not_permitted_calls_total{name,reason}`. */
export function rejectionSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) {
    out.push({ labels: { name: s.name, reason: 'open' }, value: s.rejected[0] ?? 0 });
    out.push({ labels: { name: s.name, reason: 'too_many_requests' }, value: s.rejected[1] ?? 0 });
  }
}

/** `breakwater_circuitbreaker_calls_seconds{name,kind}`: cumulative buckets, sum, count. */
export function callSamples(all: Iterable<BreakerStats>, out: Sample[], name: string): void {
  const bucket = `${name}_bucket`;
  const sum = `${name}_sum`;
  const count = `${name}_count`;
  for (const s of all) {
    const n = s.bounds.length;
    const stride = n + 3;
    kinds.forEach((kind, k) => {
      const base = k * stride;
      let cumulative = 0;
      for (let i = 0; i <= n; i++) {
        cumulative += s.histogram[base + i] ?? 0;
        out.push({
          labels: { name: s.name, kind, le: i < n ? (s.bounds[i] ?? 0) : '+Inf' },
          value: cumulative,
          metricName: bucket,
        });
      }
      out.push({
        labels: { name: s.name, kind },
        value: s.histogram[base + n + 1] ?? 0,
        metricName: sum,
      });
      out.push({ labels: { name: s.name, kind }, value: cumulative, metricName: count });
    });
  }
}

/** `breakwater_circuitbreaker_failure_rate{name}` from the core's `failureRate` (-1: too few calls). */
export function failureRateSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) out.push({ labels: { name: s.name }, value: s.breaker.failureRate });
}

/** `breakwater_circuitbreaker_slow_call_rate{name}` from the core's `slowCallRate`. */
export function slowCallRateSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) out.push({ labels: { name: s.name }, value: s.breaker.slowCallRate });
}

/** `breakwater_circuitbreaker_config{name,param}`: the thresholds in force. */
export function configSamples(all: Iterable<BreakerStats>, out: Sample[]): void {
  for (const s of all) {
    for (const [param, value] of configValues(s.breaker.settings)) {
      out.push({ labels: { name: s.name, param }, value });
    }
  }
}

/** Help texts, one per series. */
export const helpTexts: Record<keyof typeof metricNames, string> = {
  state: 'Circuit breaker state: 1 for the current state, 0 for the others.',
  transitions: 'Circuit breaker state transitions.',
  calls: 'Duration of calls admitted by the circuit breaker, by recorded outcome, in seconds.',
  notPermitted: 'Calls the circuit breaker did not admit, by reason.',
  failureRate: 'Failure rate of the current counts (0..1); -1 while there are too few calls.',
  slowCallRate: 'Slow-call rate in the window (0..1); -1 without a window or with too few calls.',
  config:
    'Circuit breaker thresholds in force (ratios 0..1, durations in seconds, counts as numbers).',
};
