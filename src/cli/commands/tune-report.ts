import {
  dataTable,
  html,
  renderReport,
  timelineChart,
  type StateLane,
} from '../../report/index.js';
import type { StateMark } from '../../tuner/simulator.js';
import { COST_TERMS, configSection } from '../../tuner/format.js';
import type { ServiceTrace } from '../../tuner/trace.js';
import { OUTCOME } from '../../tuner/trace.js';
import type { ServiceTuning } from '../../tuner/tune.js';

/** At most this many points per series: bins widen for long traces. */
const MAX_POINTS = 1500;

function lane(label: string, marks: readonly StateMark[], end: number): StateLane {
  return {
    label,
    segments: marks.map((m, i) => ({ from: m.at, to: marks[i + 1]?.at ?? end, state: m.to })),
  };
}

function nearestRank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
}

/** Per-bin rate, failures and p99 latency of one service's trace. */
function timeline(trace: ServiceTrace): {
  times: number[];
  rate: number[];
  failures: number[];
  p99: (number | null)[];
} {
  const { times } = trace;
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? first;
  const span = Math.max(1, last - first);
  const bin = Math.max(1000, Math.ceil(span / MAX_POINTS / 1000) * 1000);
  const bins = Math.floor(span / bin) + 1;
  const out = {
    times: [] as number[],
    rate: [] as number[],
    failures: [] as number[],
    p99: [] as (number | null)[],
  };
  let i = 0;
  for (let b = 0; b < bins; b++) {
    const end = first + (b + 1) * bin;
    const start = i;
    let failed = 0;
    while (i < times.length && (times[i] ?? 0) < end) {
      if (trace.outcomes[i] === OUTCOME.failure) failed++;
      i++;
    }
    const durations = trace.durations.slice(start, i).sort();
    out.times.push(first + b * bin);
    out.rate.push(((i - start) * 1000) / bin);
    out.failures.push((failed * 1000) / bin);
    out.p99.push(i > start ? nearestRank(durations, 0.99) : null);
  }
  return out;
}

/**
 * The `breakwater tune --report` page: per service, the trace's timeline (calls/s, failures/s,
 * p99 latency) with the breaker's state under the current and the recommended settings painted
 * behind it, the cost terms side by side, and the config section to paste.
 */
export function tuneReport(
  file: string,
  traces: readonly ServiceTrace[],
  tunings: readonly ServiceTuning[],
): string {
  const sections = tunings.map((t, index) => {
    const trace = traces[index];
    if (!trace) throw new Error(`no trace for ${t.service}`);
    const tl = timeline(trace);
    const end = (trace.times[trace.times.length - 1] ?? 0) + 1000;
    const better = t.recommended.result.cost < t.current.result.cost;
    return {
      heading: t.service,
      body: [
        html`<div class="cards">
          <div class="card"><b>${t.calls}</b><span>calls</span></div>
          <div class="card">
            <b>${t.current.result.outages.length}</b><span>outages in the trace</span>
          </div>
          <div class="card"><b>${t.current.result.cost}</b><span>cost now</span></div>
          <div class="card">
            <b>${t.recommended.result.cost}</b
            ><span>cost recommended${better ? '' : ' (no better setting found)'}</span>
          </div>
        </div>`,
        timelineChart({
          title: 'calls, failures and p99 latency; breaker state: 1. current, 2. recommended',
          times: tl.times,
          series: [
            { label: 'calls/s', values: tl.rate, unit: '/s' },
            {
              label: 'failures/s',
              values: tl.failures,
              unit: '/s',
              kind: 'bars',
              color: '#d9463b',
            },
            { label: 'p99 latency', values: tl.p99, unit: 'ms', axis: 'right', color: '#8a5cd1' },
          ],
          lanes: [
            lane('current', t.current.result.timeline, end),
            lane('recommended', t.recommended.result.timeline, end),
          ],
          leftLabel: 'calls/s',
          rightLabel: 'ms',
        }),
        dataTable({
          headers: ['term', 'current', 'recommended'],
          rows: COST_TERMS.map((term) => {
            const a = term.read(t.current.result);
            const b = term.read(t.recommended.result);
            const cell = (v: number | null) => (v === null ? '-' : v);
            return [term.unit ? `${term.label} (${term.unit})` : term.label, cell(a), cell(b)];
          }),
          rowClasses: COST_TERMS.map((term) => {
            const a = term.read(t.current.result);
            const b = term.read(t.recommended.result);
            return a !== null && b !== null && b < a ? 'better' : undefined;
          }),
        }),
        html`<h3>Recommended settings</h3>
          <pre class="code">${configSection([t])}</pre>`,
      ],
    };
  });
  return renderReport({
    title: `breakwater tune: ${file}`,
    subtitle: `${tunings.length} service${tunings.length === 1 ? '' : 's'}; cost = successes rejected + failures let through + successes cut by callTimeout`,
    sections,
    footer: 'counterfactual replay: a rejected call would have had its recorded outcome',
  });
}
