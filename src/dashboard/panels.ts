import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { reportListenerError } from '../core/emitter.js';
import { quote } from '../core/options.js';
import type { PanelRow, PanelView } from './types.js';

/**
 * A panel another module adds to every breaker's card (the fleet's lease holder, an adaptive
 * rule's variables, ...): the page shows it as a titled list of label / value rows, set as text.
 * `rows` runs for each breaker in every snapshot and update (about once a second per page), so
 * it should read state the module already keeps, not compute it.
 *
 * @example
 * dashboard(manager, {
 *   panels: [{ id: 'owner', title: 'Owner', rows: (b) => [{ label: 'team', value: teams[b.name] ?? '?' }] }],
 * });
 */
export interface DashboardPanel {
  /** Stable and unique among the panels: lower-case letters, digits and `-`. The element's `data-panel`. */
  readonly id: string;
  readonly title: string;
  /** The rows for `breaker`, or `undefined` (or `[]`) to show no panel on its card. */
  rows(breaker: CircuitBreaker): readonly PanelRow[] | undefined;
}

const ID = /^[a-z\d][a-z\d-]*$/;
const TONES: readonly unknown[] = ['ok', 'warn', 'bad'];

/**
 * Checks the `panels` option.
 * @throws TypeError naming the bad entry and quoting its value
 */
export function checkPanels(value: unknown): readonly DashboardPanel[] {
  if (value === undefined) return [];
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new TypeError(`dashboard: option ${name} must be ${expected}, got ${quote(got)}`);
  };
  if (!Array.isArray(value)) fail('panels', 'an array of { id, title, rows }', value);
  const seen = new Set<string>();
  return (value as unknown[]).map((panel, i) => {
    const p = (typeof panel === 'object' && panel !== null ? panel : {}) as Record<string, unknown>;
    if (typeof p.id !== 'string' || !ID.test(p.id)) {
      fail(`panels[${i}].id`, 'lower-case letters, digits and -', p.id);
    }
    if (seen.has(p.id as string)) fail(`panels[${i}].id`, 'unique', p.id);
    seen.add(p.id as string);
    if (typeof p.title !== 'string' || p.title === '') {
      fail(`panels[${i}].title`, 'a non-empty string', p.title);
    }
    if (typeof p.rows !== 'function') fail(`panels[${i}].rows`, 'a function', p.rows);
    return panel as DashboardPanel;
  });
}

/**
 * The panels that have rows for `breaker`. A panel that throws or returns malformed rows is
 * reported (as a listener error is) and left out: one module's bug does not blank the page.
 */
export function panelViews(
  panels: readonly DashboardPanel[],
  breaker: CircuitBreaker,
): PanelView[] {
  const out: PanelView[] = [];
  for (const panel of panels) {
    try {
      const rows = panel.rows(breaker);
      if (rows === undefined || rows.length === 0) continue;
      out.push({ id: panel.id, title: panel.title, rows: rows.map((r, i) => row(panel.id, r, i)) });
    } catch (error) {
      reportListenerError(`dashboard panel ${quote(panel.id)}`, error);
    }
  }
  return out;
}

function row(id: string, r: PanelRow, i: number): PanelRow {
  const ok =
    typeof r === 'object' &&
    typeof r.label === 'string' &&
    (typeof r.value === 'string' || (typeof r.value === 'number' && Number.isFinite(r.value))) &&
    (r.tone === undefined || TONES.includes(r.tone));
  if (!ok) {
    throw new TypeError(
      `panel ${quote(id)} row ${i}: expected { label: string, value: string | number, tone?: 'ok' | 'warn' | 'bad' }, got ${quote(r)}`,
    );
  }
  return r.tone === undefined
    ? { label: r.label, value: r.value }
    : { label: r.label, value: r.value, tone: r.tone };
}
