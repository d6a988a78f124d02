import { stringify } from 'yaml';
import type { ReplayResult } from './simulator.js';
import type { ServiceTuning } from './tune.js';

/** A duration for a config file, exact: `2m`, `30s`, `1500ms`. */
export function configDuration(ms: number): string {
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms > 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const DURATION_KEYS = new Set([
  'timeout',
  'interval',
  'callTimeout',
  'halfOpenTimeout',
  'slowCallDuration',
]);

function forConfig(options: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (DURATION_KEYS.has(key) && typeof value === 'number') out[key] = configDuration(value);
    else if (key === 'window' && typeof value === 'object' && value !== null) {
      const w = value as { kind: string; size: number; buckets?: number };
      out[key] = w.kind === 'time' ? { ...w, size: configDuration(w.size) } : { ...w };
    } else out[key] = value;
  }
  return out;
}

/**
 * The recommendations as the `services:` section of a manager config file (YAML, durations with
 * units), ready to paste; `CircuitBreakerManager.fromFile` reads it as it is.
 */
export function configSection(tunings: readonly ServiceTuning[]): string {
  const services: Record<string, Record<string, unknown>> = {};
  for (const t of tunings) services[t.service] = forConfig(t.recommended.options);
  return stringify({ services }, { lineWidth: 0, flowCollectionPadding: true });
}

/** The cost terms in display order: label, reader, unit. */
export const COST_TERMS: readonly {
  readonly label: string;
  readonly read: (r: ReplayResult) => number | null;
  readonly unit: string;
}[] = [
  { label: 'cost (API.md)', read: (r) => r.cost, unit: '' },
  { label: 'lost goodput (successes rejected)', read: (r) => r.lostGoodput, unit: '' },
  { label: 'leaked failures (failures let through)', read: (r) => r.leakedFailures, unit: '' },
  { label: 'successes cut by callTimeout', read: (r) => r.cutSuccesses, unit: '' },
  { label: 'wasted waiting time', read: (r) => r.wastedWaitMs / 1000, unit: 's' },
  {
    label: 'time to detect (mean)',
    read: (r) => (r.detectMs === null ? null : r.detectMs / 1000),
    unit: 's',
  },
  {
    label: 'time to recover (mean)',
    read: (r) => (r.recoverMs === null ? null : r.recoverMs / 1000),
    unit: 's',
  },
  { label: 'false opens (flaps)', read: (r) => r.flaps, unit: '' },
  { label: 'opens', read: (r) => r.opens, unit: '' },
  { label: 'probe calls', read: (r) => r.probes, unit: '' },
];

function show(value: number | null, unit: string): string {
  if (value === null) return '-';
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return unit ? `${text} ${unit}` : text;
}

/** The human-readable report of `breakwater tune`: per service, the cost terms side by side. */
export function formatTunings(tunings: readonly ServiceTuning[]): string {
  const lines: string[] = [];
  for (const t of tunings) {
    const outages = t.current.result.outages.length;
    lines.push(
      `${t.service}: ${t.calls} calls, ${outages} outage${outages === 1 ? '' : 's'}, ${t.evaluations} settings replayed`,
    );
    const width = Math.max(...COST_TERMS.map((c) => c.label.length));
    lines.push(
      `  ${'term'.padEnd(width)}  ${'current'.padStart(12)}  ${'recommended'.padStart(12)}`,
    );
    for (const term of COST_TERMS) {
      lines.push(
        `  ${term.label.padEnd(width)}  ${show(term.read(t.current.result), term.unit).padStart(12)}  ${show(term.read(t.recommended.result), term.unit).padStart(12)}`,
      );
    }
    lines.push('');
  }
  lines.push('Recommended settings (paste into the config file):', '', configSection(tunings));
  return lines.join('\n');
}

/** `breakwater tune --json`'s document (API.md). */
export function tuningsJson(tunings: readonly ServiceTuning[]): string {
  const services: Record<string, unknown> = {};
  for (const t of tunings) {
    services[t.service] = {
      recommended: t.recommended.options,
      cost: { current: t.current.result.cost, recommended: t.recommended.result.cost },
    };
  }
  return `${JSON.stringify({ services }, null, 2)}\n`;
}
