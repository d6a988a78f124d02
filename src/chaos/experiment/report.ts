import {
  dataTable,
  html,
  renderReport,
  timelineChart,
  type StateSegment,
} from '../../report/index.js';
import { loadBins } from './journal.js';
import type { RunResult } from './runner.js';

function stateSegments(result: RunResult): StateSegment[] {
  const end = result.experiment.load.duration;
  const out: StateSegment[] = [];
  for (const s of result.samples) {
    const last = out.at(-1);
    if (last && last.state === s.state) continue;
    if (last) out[out.length - 1] = { ...last, to: s.t };
    out.push({ from: s.t, to: end, state: s.state });
  }
  return out.filter((s) => s.from < s.to);
}

function faultSegments(result: RunResult, proxy: string): StateSegment[] {
  const end = result.experiment.load.duration;
  const out: StateSegment[] = [{ from: 0, to: end, state: 'no fault' }];
  for (const step of result.steps.filter((s) => s.proxy === proxy && s.error === undefined)) {
    const state =
      step.action === 'toxic'
        ? `fault: ${step.what}`
        : step.what === 'false'
          ? 'fault: down'
          : 'no fault';
    const last = out[out.length - 1];
    if (!last) continue;
    out[out.length - 1] = { ...last, to: step.t };
    out.push({ from: step.t, to: end, state });
  }
  return out.filter((s) => s.from < s.to);
}

/** The run as one self-contained HTML page: a timeline chart and the checks. */
export function renderRunReport(result: RunResult): string {
  const bins = loadBins(result);
  const lanes = [
    { label: `breaker ${result.experiment.observe.breaker}`, segments: stateSegments(result) },
    ...result.experiment.proxies.map((p) => ({
      label: `proxy ${p.name}`,
      segments: faultSegments(result, p.name),
    })),
  ];
  const colors: Record<string, string> = {
    closed: '#2e9e5b',
    'half-open': '#e0a526',
    open: '#d9463b',
    unknown: '#9aa0a6',
    'no fault': '#dfe6ee',
  };
  for (const lane of lanes) {
    for (const s of lane.segments) if (s.state.startsWith('fault')) colors[s.state] = '#8a5cd1';
  }
  const verdict = result.passed ? 'PASSED' : result.interrupted ? 'INTERRUPTED' : 'FAILED';
  return renderReport({
    title: `chaos experiment: ${result.experiment.title}`,
    subtitle: `${verdict} · ${new Date(result.startedAt).toISOString()} · ${result.requests.length} requests at ${result.experiment.load.rate}/s`,
    sections: [
      {
        heading: 'timeline',
        body: timelineChart({
          title: 'faults, breaker state, load success rate and latency',
          times: bins.map((b) => b.t),
          series: [
            {
              label: 'success rate',
              values: bins.map((b) => (b.successRate === null ? null : b.successRate * 100)),
              unit: '%',
            },
            { label: 'p99 latency', values: bins.map((b) => b.p99), unit: 'ms', axis: 'right' },
          ],
          lanes,
          stateColors: colors,
          timeAxis: 'relative',
          leftLabel: 'success %',
          rightLabel: 'latency ms',
        }),
      },
      {
        heading: 'checks',
        body: dataTable({
          headers: ['check', 'verdict', 'measured', 'limit', 'what'],
          rows: result.checks.map((c) => [
            c.name,
            c.passed ? 'pass' : 'FAIL',
            c.measured === null ? 'never' : c.measured,
            c.limit,
            c.detail,
          ]),
          rowClasses: result.checks.map((c) => (c.passed ? 'better' : 'worse')),
        }),
      },
      {
        heading: 'method',
        body: html`<ul>
          ${result.steps.map((s) => html`<li>${(s.t / 1000).toFixed(2)} s: ${s.proxy} ${s.action} ${s.what}${s.error ? ` (refused: ${s.error})` : ''}</li>`)}
        </ul>`,
      },
    ],
  });
}
