import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Script } from 'node:vm';
import { createHash } from 'node:crypto';
import { escapeHtml, pageScript, pageSecurityPolicy, renderPage } from './page.js';

describe('the dashboard page', () => {
  it('escapes the five HTML characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&amp;</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('shows the title escaped, in the title and the heading', () => {
    const html = renderPage('<script>alert("x")</script> & co');
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co';
    assert.ok(html.includes(`<title>${escaped}</title>`));
    assert.ok(html.includes(`<h1 id="title">${escaped}</h1>`));
    assert.equal(html.match(/<script/g)?.length, 1, 'only the page script');
    assert.equal(html.includes('alert("x")'), false);
  });

  it('is one self-contained document: no external script, style or font', () => {
    const html = renderPage('t');
    assert.doesNotMatch(html, /<script [^>]*src=|<link rel="stylesheet"|@import|url\(http/);
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  });

  it('allows exactly its own inline script and style, by hash', () => {
    const html = renderPage('t');
    const script = /<script type="module">([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    const sha = (text: string) => createHash('sha256').update(text).digest('base64');
    assert.equal(
      pageSecurityPolicy(),
      `default-src 'none'; script-src 'sha256-${sha(script)}'; style-src 'sha256-${sha(style)}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    assert.doesNotMatch(html, / style="/, 'no inline style attribute (the policy would block it)');
  });

  it('has a script that parses, sets text only, and cannot break out of its tag', () => {
    const script = pageScript();
    // A module script; what tsc adds to one when it copies it to dist/ is only `export {};`.
    const body = script.replace(/^export \{\};$/m, '');
    assert.doesNotThrow(() => new Script(body, { filename: 'page/client.js' }));
    assert.equal(/<\/script/i.test(script), false);
    // Received text is never parsed as HTML.
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
