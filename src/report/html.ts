import { escapeHtml } from './escape.js';

/**
 * Markup that is already safe to place in a page: made only by the `html` tag (which escapes
 * every value interpolated into it) or by `trustedHtml` for text the report itself wrote.
 */
export class SafeHtml {
  readonly #text: string;

  /** Use `html` or `trustedHtml` instead: a SafeHtml promises its text is escaped. */
  private constructor(text: string) {
    this.#text = text;
  }

  /** @internal the one way in, so that no caller can wrap unescaped text by accident */
  static of(text: string): SafeHtml {
    return new SafeHtml(text);
  }

  toString(): string {
    return this.#text;
  }
}

/** What may be interpolated into `html`: text is escaped, arrays are joined, null/undefined/false vanish. */
export type HtmlValue =
  SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template for report markup: every interpolated string or number is HTML-escaped
 * (so a service called `<script>` shows as text), nested `html` fragments are kept as they are.
 *
 * @example html`<td>${serviceName}</td>`
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return SafeHtml.of(out);
}

/** Text written by the report code itself (CSS, the inlined chart library): not escaped. */
export function trustedHtml(text: string): SafeHtml {
  return SafeHtml.of(text);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the line separators are
 * written as \u escapes, so no string in the data can close the script element.
 */
export function scriptJson(value: unknown): SafeHtml {
  const text = JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return SafeHtml.of(text);
}
