import { html, scriptJson, type SafeHtml } from './html.js';

/** One line of a timeline chart. */
export interface TimelineSeries {
  /** Shown in the legend (escaped). */
  readonly label: string;
  /** One value per entry of `times`; `null` is a gap. */
  readonly values: readonly (number | null)[];
  /** Any CSS colour. Default: the next of the report's palette. */
  readonly color?: string;
  /** Appended to values in the legend (`'ms'`, `'/s'`). Default none. */
  readonly unit?: string;
  /** Which y axis: `'left'` (default) or `'right'` (for a second unit, e.g. latency). */
  readonly axis?: 'left' | 'right';
  /** `'line'` (default), `'step'` (values hold until the next point) or `'bars'`. */
  readonly kind?: 'line' | 'step' | 'bars';
}

/** A stretch of time in one state: `[from, to)` in ms, same time base as `times`. */
export interface StateSegment {
  readonly from: number;
  readonly to: number;
  readonly state: string;
}

/** A row of state bands painted behind the series (e.g. a breaker's state under one setting). */
export interface StateLane {
  /** Drawn at the lane's left edge (escaped in the legend, painted as text on the canvas). */
  readonly label: string;
  readonly segments: readonly StateSegment[];
}

/** A chart of several series over time with optional state lanes. */
export interface TimelineChart {
  /** The caption above the chart (escaped). */
  readonly title: string;
  /** The x values in ms, ascending. */
  readonly times: readonly number[];
  readonly series: readonly TimelineSeries[];
  /** State bands: the plot's height is split into one row per lane. Default none. */
  readonly lanes?: readonly StateLane[];
  /** Colour per state name. Default: closed green, half-open amber, open red. */
  readonly stateColors?: Readonly<Record<string, string>>;
  /** Plot height in CSS px. Default 260. */
  readonly height?: number;
  /**
   * `'relative'` shows seconds from the first time; `'clock'` shows wall-clock time (for
   * epoch-ms times). Default: `'clock'` when the first time is after 1973, else `'relative'`.
   */
  readonly timeAxis?: 'relative' | 'clock';
  /** Label of the left / right y axes. Default none. */
  readonly leftLabel?: string;
  readonly rightLabel?: string;
}

/** The state colours used unless a chart gives its own. */
export const DEFAULT_STATE_COLORS: Readonly<Record<string, string>> = {
  closed: '#2e9e5b',
  'half-open': '#e0a526',
  open: '#d9463b',
};

const PALETTE = ['#2f6fd6', '#d9463b', '#8a5cd1', '#2e9e5b', '#e0a526', '#1aa3a3'];

/**
 * A timeline chart for a report page: a `<figure>` holding the data as JSON (escaped so that no
 * label can break out of it) that the page's script turns into a uPlot chart. Every label, unit
 * and state name is escaped; numbers are checked to be finite (or null).
 *
 * @throws RangeError when a series' length differs from `times`, or a value is not finite
 */
export function timelineChart(chart: TimelineChart): SafeHtml {
  const n = chart.times.length;
  chart.times.forEach((t, i) => {
    if (!Number.isFinite(t)) throw new RangeError(`times[${i}] must be finite, got ${t}`);
  });
  chart.series.forEach((s, i) => {
    if (s.values.length !== n) {
      throw new RangeError(
        `series[${i}] (${JSON.stringify(s.label)}) has ${s.values.length} values for ${n} times`,
      );
    }
    s.values.forEach((v, j) => {
      if (v !== null && !Number.isFinite(v)) {
        throw new RangeError(`series[${i}].values[${j}] must be finite or null, got ${v}`);
      }
    });
  });
  const stateColors = { ...DEFAULT_STATE_COLORS, ...chart.stateColors };
  const first = chart.times[0] ?? 0;
  const timeAxis = chart.timeAxis ?? (first > 1e11 ? 'clock' : 'relative');
  const data = {
    times: chart.times,
    origin: timeAxis === 'relative' ? first : 0,
    timeAxis,
    height: chart.height ?? 260,
    leftLabel: chart.leftLabel ?? '',
    rightLabel: chart.rightLabel ?? '',
    series: chart.series.map((s, i) => ({
      label: s.label,
      values: s.values,
      color: s.color ?? PALETTE[i % PALETTE.length],
      unit: s.unit ?? '',
      axis: s.axis ?? 'left',
      kind: s.kind ?? 'line',
    })),
    lanes: chart.lanes ?? [],
    stateColors,
  };
  const states = [...new Set((chart.lanes ?? []).flatMap((l) => l.segments.map((s) => s.state)))];
  return html`<figure class="chart">
    <figcaption>${chart.title}</figcaption>
    <div class="chart-plot" role="img" aria-label="${chart.title}"></div>
    <script type="application/json" class="chart-data">
      ${scriptJson(data)}
    </script>
    ${
      states.length > 0
        ? html`<p class="lanes-key">
            ${(chart.lanes ?? []).map((l, i) => html`<span class="lane-name">${i + 1}. ${l.label}</span>`)}${states.map(
              (s) =>
                html`<span class="state-chip"
                  ><i data-color="${stateColors[s] ?? '#888'}"></i>${s}</span
                >`,
            )}
          </p>`
        : ''
    }
  </figure>`;
}
