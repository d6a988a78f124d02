import { defaultReadyToTrip, type ResolvedOptions } from '../core/options.js';
import { formatMs as ms } from '../dashboard/rules.js';
import type { CircuitState, Disposer } from '../core/types.js';
import type { Scenario, ScenarioSummary, ScenarioTick, ServiceTick } from './scenario.js';
import type { CallCounts } from './stats.js';
import { STORY_LENGTH } from './story.js';

/**
 * How to render: `color` adds ANSI colours (for a terminal). `width` is the terminal's width in
 * columns: when the full live line would not fit, a compact one is printed (phase, state,
 * rejected calls and the two rates per service). Default: no limit.
 */
export interface TerminalStyle {
  color: boolean;
  width?: number | undefined;
}

const ANSI = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

function paint(style: TerminalStyle, code: keyof typeof ANSI, text: string): string {
  return style.color ? `\x1b[${ANSI[code]}m${text}\x1b[0m` : text;
}

const STATE_COLOR: Record<CircuitState, keyof typeof ANSI> = {
  closed: 'green',
  'half-open': 'yellow',
  open: 'red',
};

/** Pads first, then paints, so colour codes do not upset the columns. */
function state(style: TerminalStyle, value: CircuitState, width = 9): string {
  return paint(style, STATE_COLOR[value], value.padEnd(width));
}

/** Seconds with one decimal: `7.0s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Seconds with two decimals, for events: `6.32s`. */
function instant(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

/** A 0..1 rate as a whole percentage; `-` when the breaker has too few calls to tell (-1). */
function percent(rate: number): string {
  return rate < 0 ? '-' : `${Math.round(rate * 100)}%`;
}

/** The rules of a breaker in one phrase, from its resolved settings. */
export function describeBreaker(o: Readonly<ResolvedOptions>): string {
  const rules: string[] = [];
  if (o.failureRateThreshold !== undefined) rules.push(`${o.failureRateThreshold}% failures`);
  if (o.slowCallRateThreshold !== undefined && o.slowCallDuration !== undefined) {
    rules.push(`${o.slowCallRateThreshold}% slower than ${ms(o.slowCallDuration)}`);
  }
  const over = !o.window
    ? ''
    : o.window.kind === 'count'
      ? ` of the last ${o.window.size} calls`
      : ` in the last ${ms(o.window.size)}`;
  const open = typeof o.timeout === 'number' ? ms(o.timeout) : 'a backoff';
  const trip =
    rules.length > 0
      ? `trips at ${rules.join(' or ')}${over}`
      : o.readyToTrip === defaultReadyToTrip
        ? 'trips after 6 failures in a row'
        : 'trips by its readyToTrip rule';
  return `${trip}; open ${open}, then ${o.maxRequests} probe${o.maxRequests === 1 ? '' : 's'}`;
}

/** When each phase of a service starts, in real time: `healthy, failing at 6.0s, recovered at 14.0s`. */
function describePhases(scenario: Scenario, index: number): string {
  const service = scenario.services[index];
  if (!service) return '';
  const phases = service.dependency.phases;
  return phases
    .map((p, i) => (i === 0 ? p.name : `${p.name} at ${seconds(p.from / scenario.speed)}`))
    .join(', ');
}

/** How the load reaches a service, when it is not a direct call: ` Called over HTTP at ...`. */
function describeReach(scenario: Scenario, index: number): string {
  const via = scenario.services[index]?.client.via ?? 'in process';
  return via === 'in process' ? '' : ` Called over HTTP at ${via}.`;
}

/**
 * The lines printed before the first tick: what will happen, then `notes` (where the
 * dashboard is, say), then the column titles.
 */
export function formatIntro(
  scenario: Scenario,
  style: TerminalStyle,
  notes: readonly string[] = [],
): string {
  const { services, speed, rate, duration } = scenario;
  const story = STORY_LENGTH / speed;
  const length = Number.isFinite(duration)
    ? `for ${seconds(duration)} (Ctrl-C stops early)`
    : 'until Ctrl-C';
  const pace =
    speed === 1
      ? ''
      : ` The ${seconds(STORY_LENGTH)} story plays ${Number(speed.toFixed(2))}x faster (${seconds(story)}).`;
  const repeats = duration > story ? ` The story repeats every ${seconds(story)}.` : '';
  const width = Math.max(...services.map((s) => s.name.length));
  const own = services.filter((s) => s.thirdParty === undefined).length;
  const others = services.flatMap((s) => (s.thirdParty === undefined ? [] : [s.thirdParty]));
  const what = [`${own} simulated dependencies`, ...others].join(' and ');
  const lines = [
    paint(
      style,
      'bold',
      `breakwater demo: ${what} behind circuit breakers, ${rate} calls/s through each, ${length}.`,
    ),
    ...(pace || repeats ? [`${pace}${repeats}`.trim()] : []),
    ...services.map(
      (s, i) =>
        `  ${s.name.padEnd(width)}  ${describePhases(scenario, i)}. Breaker ${describeBreaker(s.breaker.settings)}.${describeReach(scenario, i)}`,
    ),
    ...notes,
    ...(compact(style, services.length)
      ? [
          'Each line: the dependency, its breaker, the calls it rejected in the last second, and',
          "the breaker's failure and slow-call rates over its window (a wider terminal shows more).",
        ]
      : [
          'Each line: the dependency, its breaker, and calls in the last second: let through, ok,',
          "failed, rejected; then the breaker's failure and slow-call rates over its window.",
        ]),
    '',
    header(scenario, style),
  ];
  return lines.join('\n') + '\n';
}

// Column widths: phase and state, then four counts, then two rates.
const PHASE = 9;
const STATE = 9;
const COUNT = 5;
const RATE = 6;

const TIME = 6;
const SEPARATOR = 3;
const FULL_CELL = PHASE + 1 + STATE + 4 * COUNT + 2 * RATE;

/** True when the full line of `services` services does not fit in `style.width`. */
function compact(style: TerminalStyle, services: number): boolean {
  return style.width !== undefined && TIME + services * (SEPARATOR + FULL_CELL) > style.width;
}

function header(scenario: Scenario, style: TerminalStyle): string {
  const counts = compact(style, scenario.services.length) ? ['rej'] : ['thru', 'ok', 'fail', 'rej'];
  const cells = scenario.services.map(
    (s) =>
      s.name.padEnd(PHASE + 1 + STATE) +
      counts.map((c) => c.padStart(COUNT)).join('') +
      ['fail%', 'slow%'].map((c) => c.padStart(RATE)).join(''),
  );
  return paint(style, 'bold', ['  time', ...cells].join(' | '));
}

function cell(s: ServiceTick, style: TerminalStyle, short: boolean): string {
  const phase = s.phase.padEnd(PHASE);
  const c = s.interval;
  const counts = short ? [c.rejected] : [c.through, c.succeeded, c.failed, c.rejected];
  return (
    (s.healthy ? phase : paint(style, 'yellow', phase)) +
    ' ' +
    state(style, s.state, STATE) +
    counts.map((n) => String(n).padStart(COUNT)).join('') +
    [s.failureRate, s.slowCallRate].map((r) => percent(r).padStart(RATE)).join('')
  );
}

/** One live line: the time, then each service's phase, breaker state, counts and rates. */
export function formatTick(tick: ScenarioTick, style: TerminalStyle): string {
  const short = compact(style, tick.services.length);
  return [seconds(tick.at).padStart(TIME), ...tick.services.map((s) => cell(s, style, short))].join(
    ' | ',
  );
}

function callsLine(t: CallCounts): string {
  const cancelled = t.cancelled > 0 ? `, ${t.cancelled} cancelled at the end` : '';
  return `${t.attempted} calls: ${t.through} let through (${t.succeeded} ok, ${t.failed} failed${cancelled}), ${t.rejected} rejected`;
}

/** The report printed when the run ends: totals, what the breakers spared, every transition. */
export function formatSummary(summary: ScenarioSummary, style: TerminalStyle): string {
  const width = Math.max(...summary.services.map((s) => s.name.length));
  const lines = [
    '',
    paint(
      style,
      'bold',
      `Summary after ${seconds(summary.elapsed)} (${summary.stoppedBy === 'signal' ? 'stopped' : 'done'}):`,
    ),
  ];
  for (const s of summary.services) {
    const spared =
      s.attemptedWhileUnhealthy > 0
        ? `the breaker spared it ${s.spared} of the ${s.attemptedWhileUnhealthy} calls made while it was unhealthy (${Math.round((100 * s.spared) / s.attemptedWhileUnhealthy)}%)`
        : 'it was healthy throughout';
    lines.push(
      `  ${s.name.padEnd(width)}  ${callsLine(s.total)}; now ${state(style, s.finalState, 0)}`,
      `  ${''.padEnd(width)}  ${spared}; ${s.rejectedWhileHealthy} rejected while it was healthy`,
    );
  }
  lines.push(
    paint(style, 'bold', `Transitions (${summary.transitions.length}):`),
    ...summary.transitions.map(
      (t) =>
        `  ${instant(t.at).padStart(7)}  ${t.name.padEnd(width)}  ${state(style, t.from, 0)} -> ${state(style, t.to, 0)}  (${t.reason.replaceAll('-', ' ')})`,
    ),
  );
  if (summary.transitions.length === 0) lines.push('  none');
  return lines.join('\n') + '\n';
}

/**
 * Prints one line per tick of `scenario` through `write` until the returned function is called.
 * The intro and the summary are separate (`formatIntro`, `formatSummary`), for the caller to
 * print when it chooses.
 */
export function attachTerminal(
  scenario: Scenario,
  write: (text: string) => void,
  style: TerminalStyle,
): Disposer {
  return scenario.onTick((tick) => {
    write(formatTick(tick, style) + '\n');
  });
}
