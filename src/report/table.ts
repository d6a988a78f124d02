import { html, type HtmlValue, type SafeHtml } from './html.js';

/** A cell: text or a number (right-aligned), or an `html` fragment. */
export type Cell = string | number | SafeHtml;

/** Options of `dataTable`. */
export interface DataTable {
  readonly headers: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
  /** Class per row (e.g. `'better'`), same length as `rows`. Default none. */
  readonly rowClasses?: readonly (string | undefined)[];
}

function cell(tag: 'td' | 'th', value: Cell, numeric: boolean): SafeHtml {
  const text: HtmlValue = typeof value === 'number' ? formatNumber(value) : value;
  return tag === 'td'
    ? html`<td${numeric ? html` class="num"` : ''}>${text}</td>`
    : html`<th${numeric ? html` class="num"` : ''}>${text}</th>`;
}

/** Numbers as a report shows them: integers whole, others with 3 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) || Math.abs(value) >= 100
    ? Math.round(value).toLocaleString('en-US')
    : value.toPrecision(3);
}

/** A table with every header and cell escaped; numbers and the headers of their columns align right. */
export function dataTable(table: DataTable): SafeHtml {
  const numericColumn = table.headers.map((_, i) =>
    table.rows.some((row) => typeof row[i] === 'number'),
  );
  return html`<table class="data">
    <thead>
      <tr>
        ${table.headers.map((h, i) => cell('th', h, numericColumn[i] === true))}
      </tr>
    </thead>
    <tbody>
      ${table.rows.map(
        (row, i) =>
          html`<tr${table.rowClasses?.[i] ? html` class="${table.rowClasses[i]}"` : ''}>${row.map((c) => cell('td', c, typeof c === 'number'))}</tr>`,
      )}
    </tbody>
  </table>`;
}
