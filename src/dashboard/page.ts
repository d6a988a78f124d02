import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { escapeHtml } from '../report/escape.js';
import { pageStyle } from './page-style.js';

/**
 * The page's JavaScript (`page/client.js`, served as is: a browser module script, type-checked
 * and linted with the rest; `tsc` copies it to `dist/` as a module). Read from disk when a
 * dashboard is made.
 */
export function pageScript(): string {
  const text = readFileSync(new URL('./page/client.js', import.meta.url), 'utf8');
  // The built copy names a source map the handler does not serve.
  return text.replace(/^\/\/# sourceMappingURL=.*$/m, '');
}

export { escapeHtml };

/**
 * The page's Content-Security-Policy: only its own inline script and style run (by their
 * SHA-256, so nothing injected would), and it connects to its own origin only.
 */
export function pageSecurityPolicy(script: string = pageScript()): string {
  const hash = (text: string): string =>
    `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  return [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(pageStyle)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The whole page: one self-contained HTML document with its CSS and JavaScript inline (no
 * other request than `events`). Only `title` comes from outside, and it is escaped; everything
 * else the page shows arrives as JSON and is set as text by the script.
 */
export function renderPage(title: string, script: string = pageScript()): string {
  const t = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>${t}</title>
<style>${pageStyle}</style>
</head>
<body data-connection="connecting">
<header class="top">
  <h1 id="title">${t}</h1>
  <span class="conn" id="conn" role="status">connecting</span>
  <div class="fleet" aria-label="breakers by state">
    <span class="chip"><b id="n-total">0</b> breakers</span>
    <span class="chip closed"><b id="n-closed">0</b> closed</span>
    <span class="chip half-open"><b id="n-half-open">0</b> half-open</span>
    <span class="chip open"><b id="n-open">0</b> open</span>
  </div>
</header>
<section class="cascade" id="cascade" data-active="false" aria-live="polite">
  <span class="label" id="cascade-label">No cascade</span>
  <span class="meter" aria-hidden="true"><span id="cascade-fill"></span><i id="cascade-mark" hidden></i></span>
  <span class="why" id="cascade-why">waiting for data</span>
</section>
<main>
  <div class="grid" id="breakers"></div>
  <p class="empty" id="empty">No breaker to show yet.</p>
  <section class="log">
    <h2>Recent transitions, all breakers</h2>
    <ol class="transitions" id="log"></ol>
  </section>
</main>
<footer><span id="updated"></span><span id="links"></span><span>breakwater dashboard</span></footer>
<script type="module">${script}</script>
</body>
</html>
`;
}
