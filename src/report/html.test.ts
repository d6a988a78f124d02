import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timelineChart } from './chart.js';
import { html, scriptJson, trustedHtml } from './html.js';
import { renderReport } from './page.js';
import { dataTable } from './table.js';

const HOSTILE = '</script><img src=x onerror="alert(1)">&\'';

describe('report escaping', () => {
  it('html escapes every interpolated string and keeps nested fragments', () => {
    const inner = html`<b>${HOSTILE}</b>`;
    const out = html`<p title="${HOSTILE}">${inner}${[1, 'a<b', null, undefined, false]}</p>`;
    assert.equal(
      out.toString(),
      '<p title="&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;">' +
        '<b>&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;</b>1a&lt;b</p>',
    );
    assert.equal(trustedHtml('<i>').toString(), '<i>');
  });

  it('scriptJson cannot close its script element and parses back to the same value', () => {
    const value = { label: HOSTILE, sep: '\u2028' };
    const text = scriptJson(value).toString();
    assert.doesNotMatch(text, /[<>&\u2028]/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('a page escapes titles, sections, tables and chart labels', () => {
    const page = renderReport({
      title: HOSTILE,
      subtitle: HOSTILE,
      footer: HOSTILE,
      sections: [
        {
          heading: HOSTILE,
          body: [
            dataTable({ headers: [HOSTILE], rows: [[HOSTILE], [3.14159]] }),
            timelineChart({
              title: HOSTILE,
              times: [0, 1000],
              series: [{ label: HOSTILE, values: [1, null], unit: HOSTILE }],
              lanes: [{ label: HOSTILE, segments: [{ from: 0, to: 1000, state: HOSTILE }] }],
            }),
          ],
        },
      ],
    });
    // The only </script> closers and <img> are the page's own.
    assert.equal(page.split('</script>').length - 1, 3);
    assert.doesNotMatch(page, /<img/);
    assert.match(page, /<td class="num">3\.14<\/td>/);
    assert.match(page, /Content-Security-Policy" content="default-src &#39;none&#39;/);
  });

  it('timelineChart refuses series of the wrong length and values that are not finite', () => {
    assert.throws(
      () => timelineChart({ title: 't', times: [0, 1], series: [{ label: 'a', values: [1] }] }),
      /series\[0\] \("a"\) has 1 values for 2 times/,
    );
    assert.throws(
      () => timelineChart({ title: 't', times: [0], series: [{ label: 'a', values: [NaN] }] }),
      /series\[0\]\.values\[0\] must be finite or null, got NaN/,
    );
  });
});
