import { createHash } from 'node:crypto';
import { chartAssets } from './assets.js';
import { html, trustedHtml, type HtmlValue, type SafeHtml } from './html.js';
import { reportRuntime } from './runtime.js';
import { reportStyle } from './style.js';

/** One titled block of a report page. */
export interface ReportSection {
  /** The block's heading (escaped). */
  readonly heading: string;
  /** The block's content: `html` fragments, `timelineChart`s, `dataTable`s. */
  readonly body: SafeHtml | readonly SafeHtml[];
}

/** What a report page shows. */
export interface ReportPage {
  /** The page title and top heading (escaped). */
  readonly title: string;
  /** A line under the title (escaped). Default none. */
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
  /** Extra footer text (escaped), after the generator line. Default none. */
  readonly footer?: string;
}

/**
 * An inline `<script>` or `<style>` built by concatenation, not inside the page's template, so
 * that its content is byte for byte what the Content-Security-Policy hash was computed from
 * (formatters reindent template literals tagged `html`).
 */
function element(tag: 'script' | 'style', content: string): SafeHtml {
  return trustedHtml('<' + tag + '>' + content + '</' + tag + '>');
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/**
 * A whole report as one self-contained HTML document: its CSS, uPlot (read from node_modules)
 * and the chart script are inline, and its Content-Security-Policy lets only those inline pieces
 * run and fetch nothing at all (`default-src 'none'`), so the file opens offline, from an email
 * attachment or a CI artifact, the same way. Every string that comes from outside is escaped.
 */
export function renderReport(page: ReportPage): string {
  const assets = chartAssets();
  const style = `${assets.style}\n${reportStyle}`;
  const policy = [
    "default-src 'none'",
    `script-src ${sha256(assets.script)} ${sha256(reportRuntime)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const sections: HtmlValue[] = page.sections.map(
    (s) =>
      html`<section class="block">
        <h2>${s.heading}</h2>
        ${s.body}
      </section> `,
  );
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="${policy}" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title}</title>
        ${element('style', style)}
      </head>
      <body>
        <header class="report">
          <h1>${page.title}</h1>
          ${page.subtitle === undefined ? '' : html`<p>${page.subtitle}</p>`}
        </header>
        <main>${sections}</main>
        <footer class="report">
          made by breakwater with uPlot
          ${assets.version}${page.footer === undefined ? '' : html` · ${page.footer}`}
        </footer>
        ${element('script', assets.script)} ${element('script', reportRuntime)}
      </body>
    </html> `;
  return doc.toString();
}
