// @ts-check
/// <reference lib="dom" />
/**
 * The dashboard page's JavaScript, served as is (no build step): the handler reads this file and
 * inlines it as a module script, allowed by its SHA-256 in the page's Content-Security-Policy.
 * It runs in the browser, so it imports nothing; the type checker sees it (`@ts-check`, with the server's own
 * snapshot types) and so does lint.
 *
 * It opens `events` (relative, so the page works wherever the handler is mounted) and renders
 * the whole page from one snapshot at a time: `snapshot` and `update` messages replace the model
 * and render it; `transition` messages only queue log entries, which the server follows at once
 * with an update taken after them. So the cards, the counts, the cascade banner and the logs
 * never disagree. Everything received is set as text (`textContent`) or attributes, never parsed
 * as HTML.
 *
 * @typedef {import('../types.js').DashboardSnapshot} PageSnapshot
 * @typedef {import('../types.js').BreakerView} PageBreaker
 * @typedef {import('../types.js').TransitionView} PageTransition
 * @typedef {import('../types.js').HistoryPoint} PagePoint
 * @typedef {import('../types.js').PanelView} PagePanel
 * @typedef {{ box: HTMLElement, v: HTMLElement, bar: HTMLElement, fill: HTMLElement, mark: HTMLElement, s: HTMLElement }} PageStat
 * @typedef {{
 *   card: HTMLElement, name: HTMLElement, detail: HTMLElement, badge: HTMLElement, when: HTMLElement,
 *   svg: SVGElement, title: SVGElement, paths: Record<string, SVGElement>, span: HTMLElement,
 *   failure: PageStat, slow: PageStat, rate: PageStat, rejected: PageStat,
 *   counts: HTMLElement, rule: HTMLElement, panels: HTMLElement, list: HTMLElement
 * }} PageCard
 * @typedef {{ id: string, view: PageBreaker, points: Map<number, PagePoint>, transitions: PageTransition[], flash: boolean, dom: PageCard }} PageEntry
 */
(function () {
  'use strict';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const MIN_SPAN = 60000;
  const BAR_H = 44;
  const BAND_Y = 47;
  const BAND_H = 5;
  const SHOWN_TRANSITIONS = 6;
  const KEPT_TRANSITIONS = 50;
  const LOG_SIZE = 20;
  const KINDS = /** @type {const} */ (['ok', 'failed', 'rejected', 'excluded']);

  const model = {
    at: 0,
    receivedAt: 0,
    resolution: 1000,
    historyWindow: 300000,
    lastSeq: 0,
    /** @type {PageSnapshot['fleet'] | null} */
    fleet: null,
    /** @type {Map<string, PageEntry>} */
    breakers: new Map(),
    /** @type {PageTransition[]} */
    log: [],
  };

  /** @param {string} id */
  function byId(id) {
    const e = document.getElementById(id);
    if (!e) throw new Error('the page has no #' + id);
    return e;
  }
  const grid = byId('breakers');
  const logList = byId('log');

  /**
   * @param {string} tag
   * @param {string | null} [cls]
   * @param {string | number | null} [text]
   */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /**
   * @param {string} tag
   * @param {Record<string, string | number>} attrs
   */
  function svgEl(tag, attrs) {
    const e = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
    Object.keys(attrs).forEach((k) => {
      e.setAttribute(k, String(attrs[k]));
    });
    return e;
  }
  /**
   * @param {Element} e
   * @param {string | number} text
   */
  function setText(e, text) {
    const t = String(text);
    if (e.textContent !== t) e.textContent = t;
  }
  /** @param {number} r */
  const pct = (r) => (r < 0 ? '\u2013' : Math.round(r * 100) + '%');
  /** @param {number} n */
  const num = (n) => Math.round(n).toLocaleString('en-US');
  /** @param {number} ms */
  function dur(ms) {
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return Math.round(ms / 100) / 10 + ' s';
    const m = Math.floor(ms / 60000);
    const s = Math.round((ms % 60000) / 1000);
    return m + ' min' + (s ? ' ' + s + ' s' : '');
  }
  /** @param {number} n */
  const pad = (n) => (n < 10 ? '0' : '') + n;
  /** @param {number} at */
  function clockTime(at) {
    const d = new Date(at);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  /** @param {number} ms */
  function ago(ms) {
    if (ms < 1500) return 'just now';
    if (ms < 90000) return Math.round(ms / 1000) + ' s ago';
    if (ms < 5400000) return Math.round(ms / 60000) + ' min ago';
    return Math.round(ms / 3600000) + ' h ago';
  }
  /** @param {string} s */
  const stateClass = (s) => 'st-' + s;

  // ---- model -------------------------------------------------------------------------------

  /**
   * @param {number} t
   * @param {PagePoint['state']} state
   * @returns {PagePoint}
   */
  function emptyPoint(t, state) {
    return { t, ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0, state };
  }

  /**
   * @param {PageEntry} entry
   * @param {PageBreaker['history']} history
   * @param {boolean} full
   */
  function mergeHistory(entry, history, full) {
    if (full) entry.points = new Map();
    history.points.forEach((p) => entry.points.set(p.t, p));
    const newest = history.points[history.points.length - 1];
    const oldest = newest ? newest.t - model.historyWindow : 0;
    entry.points.forEach((_p, t) => {
      if (t <= oldest) entry.points.delete(t);
    });
  }

  /**
   * Adds a transition to the model (the log and its breaker's list). Rendered with the next
   * snapshot, which the server sends right after it.
   * @param {PageTransition} t
   */
  function addTransition(t) {
    if (t.seq <= model.lastSeq) return;
    model.lastSeq = t.seq;
    model.log.push(t);
    if (model.log.length > LOG_SIZE) model.log.shift();
    const entry = model.breakers.get(t.id);
    if (entry) {
      entry.transitions.push(t);
      if (entry.transitions.length > KEPT_TRANSITIONS) entry.transitions.shift();
      entry.flash = true;
    }
  }

  /**
   * Replaces the model by a snapshot (`full`) or an update, then renders all of it.
   * @param {PageSnapshot} s
   * @param {boolean} full
   */
  function apply(s, full) {
    model.at = s.at;
    model.receivedAt = Date.now();
    model.resolution = s.resolution;
    model.historyWindow = s.historyWindow;
    model.fleet = s.fleet;
    if (full) {
      document.title = s.title;
      setText(byId('title'), s.title);
      renderLinks(s.links);
    }
    const seen = new Set();
    s.breakers.forEach((b, i) => {
      seen.add(b.id);
      let entry = model.breakers.get(b.id);
      if (!entry) {
        entry = {
          id: b.id,
          view: b,
          points: new Map(),
          transitions: [],
          flash: false,
          dom: createCard(b),
        };
        model.breakers.set(b.id, entry);
      }
      if (full) entry.transitions = b.transitions.slice();
      entry.view = b;
      mergeHistory(entry, b.history, full);
      const at = grid.children[i];
      if (at !== entry.dom.card) grid.insertBefore(entry.dom.card, at || null);
    });
    model.breakers.forEach((entry, id) => {
      if (!seen.has(id)) {
        entry.dom.card.remove();
        model.breakers.delete(id);
      }
    });
    if (full) {
      /** @type {PageTransition[]} */
      let all = [];
      model.breakers.forEach((entry) => {
        all = all.concat(entry.transitions);
      });
      all.sort((a, b) => a.seq - b.seq);
      model.log = all.slice(-LOG_SIZE);
      model.lastSeq = s.lastSeq;
    }
    render();
  }

  // ---- rendering ---------------------------------------------------------------------------

  /** @param {PageBreaker} b @returns {PageCard} */
  function createCard(b) {
    const card = el('article', 'card');
    card.setAttribute('data-breaker', b.id);
    const head = el('div', 'card-head');
    const names = el('div', 'names');
    const name = el('h2', null, b.name);
    const detail = el('div', 'detail');
    names.appendChild(name);
    names.appendChild(detail);
    const badge = el('span', 'badge');
    head.appendChild(names);
    head.appendChild(badge);
    card.appendChild(head);
    const when = el('div', 'when');
    card.appendChild(when);

    const spark = el('div', 'spark');
    const svg = svgEl('svg', { viewBox: '0 0 60 52', preserveAspectRatio: 'none', role: 'img' });
    const title = svgEl('title', {});
    svg.appendChild(title);
    /** @type {Record<string, string>} */
    const fills = {
      'band-closed': 'var(--closed)',
      'band-half-open': 'var(--half)',
      'band-open': 'var(--open)',
      ok: 'var(--ok-bar)',
      failed: 'var(--failed-bar)',
      rejected: 'var(--rejected)',
      excluded: 'var(--excluded)',
    };
    /** @type {Record<string, SVGElement>} */
    const paths = {};
    Object.keys(fills).forEach((k) => {
      const path = svgEl('path', { fill: fills[k] ?? '', 'shape-rendering': 'crispEdges' });
      paths[k] = path;
      svg.appendChild(path);
    });
    spark.appendChild(svg);
    const axis = el('div', 'axis');
    const span = el('span');
    const legend = el('span', 'legend');
    legend.appendChild(el('span', 'ok', 'ok'));
    legend.appendChild(el('span', 'failed', 'failed'));
    legend.appendChild(el('span', 'rejected', 'rejected'));
    axis.appendChild(span);
    axis.appendChild(legend);
    axis.appendChild(el('span', null, 'now'));
    spark.appendChild(axis);
    card.appendChild(spark);

    const stats = el('div', 'stats');
    /** @param {string} key @returns {PageStat} */
    function stat(key) {
      const box = el('div', 'stat');
      const v = el('div', 'v');
      const bar = el('div', 'bar');
      const fill = el('span');
      const mark = el('i');
      bar.appendChild(fill);
      bar.appendChild(mark);
      const s = el('div', 's');
      box.appendChild(el('div', 'k', key));
      box.appendChild(v);
      box.appendChild(bar);
      box.appendChild(s);
      stats.appendChild(box);
      return { box, v, bar, fill, mark, s };
    }
    const failure = stat('Failure rate');
    const slow = stat('Slow calls');
    const rate = stat('Calls / s');
    const rejected = stat('Rejected');
    card.appendChild(stats);
    const counts = el('div', 'counts');
    const rule = el('div', 'rule');
    card.appendChild(counts);
    card.appendChild(rule);
    const panels = el('div', 'panels');
    card.appendChild(panels);
    const history = el('div', 'history');
    history.appendChild(el('h3', null, 'Transitions'));
    const list = el('ol', 'transitions');
    history.appendChild(list);
    card.appendChild(history);
    return {
      card,
      name,
      detail,
      badge,
      when,
      svg,
      title,
      paths,
      span,
      failure,
      slow,
      rate,
      rejected,
      counts,
      rule,
      panels,
      list,
    };
  }

  /**
   * @param {PageTransition} t
   * @param {boolean} withName
   * @param {number} now
   */
  function transitionItem(t, withName, now) {
    const li = el('li');
    const time = el('span', 't', clockTime(t.at));
    time.title = ago(now - t.at);
    li.appendChild(time);
    if (withName) li.appendChild(el('span', 'who', t.name));
    const move = el('span', 'move');
    move.appendChild(el('span', stateClass(t.from), t.from));
    move.appendChild(document.createTextNode(' \u2192 '));
    move.appendChild(el('span', stateClass(t.to), t.to));
    li.appendChild(move);
    li.appendChild(el('span', 'why', t.reason.replace(/-/g, ' ') + ' \u00b7 ' + ago(now - t.at)));
    return li;
  }

  /**
   * @param {HTMLElement} list
   * @param {PageTransition[]} items
   * @param {boolean} withName
   * @param {number} now
   */
  function fillList(list, items, withName, now) {
    list.replaceChildren();
    if (items.length === 0) {
      list.appendChild(
        el('li', 'none', withName ? 'No state change yet.' : 'None yet: closed since watched.'),
      );
      return;
    }
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item) list.appendChild(transitionItem(item, withName, now));
    }
  }

  /**
   * @param {PageStat} st
   * @param {number} value
   * @param {number | null} threshold
   */
  function statBar(st, value, threshold) {
    st.bar.hidden = value < 0 && threshold === null;
    st.fill.style.width = (value < 0 ? 0 : Math.min(100, value * 100)) + '%';
    const bad = threshold !== null && value >= 0 && value * 100 >= threshold;
    st.fill.className = bad ? 'bad' : '';
    st.v.className = 'v' + (bad ? ' bad' : '');
    st.mark.hidden = threshold === null;
    if (threshold !== null) st.mark.style.left = 'calc(' + Math.min(100, threshold) + '% - 1px)';
  }

  /**
   * Bars of calls per second (ok, failed, rejected, excluded stacked), and a thin band below
   * coloured by the worst state of each second. One path per colour keeps the DOM small.
   * @param {PageEntry} entry
   * @param {number} now
   * @param {number} span
   */
  function drawSpark(entry, now, span) {
    const d = entry.dom;
    const res = model.resolution;
    const n = Math.max(1, Math.round(span / res));
    const last = Math.floor(now / res) * res;
    const first = last - (n - 1) * res;
    const since = Math.floor(entry.view.since / res) * res;
    let max = 1;
    /** @type {(PagePoint | null)[]} */
    const pts = [];
    /** @type {PagePoint['state'] | null} */
    let carried = null;
    for (let i = 0; i < n; i++) {
      const t = first + i * res;
      let p = entry.points.get(t) ?? null;
      if (p) carried = p.state;
      if (!p && t >= since) p = emptyPoint(t, carried ?? entry.view.state);
      pts.push(p);
      if (p) max = Math.max(max, p.ok + p.failed + p.rejected + p.excluded);
    }
    const scale = BAR_H / max;
    /** @type {Record<string, string>} */
    const paths = {
      ok: '',
      failed: '',
      rejected: '',
      excluded: '',
      'band-closed': '',
      'band-half-open': '',
      'band-open': '',
    };
    pts.forEach((p, x) => {
      if (!p) return;
      let y = BAR_H;
      KINDS.forEach((k) => {
        const h = p[k] * scale;
        if (h <= 0) return;
        y -= h;
        paths[k] += 'M' + x + ' ' + y.toFixed(2) + 'h1v' + h.toFixed(2) + 'h-1z';
      });
      paths['band-' + p.state] += 'M' + x + ' ' + BAND_Y + 'h1v' + BAND_H + 'h-1z';
    });
    d.svg.setAttribute('viewBox', '0 0 ' + n + ' 52');
    Object.keys(paths).forEach((k) => {
      d.paths[k]?.setAttribute('d', paths[k] ?? '');
    });
    setText(d.span, '\u2212' + dur(span));
    const lastFull = entry.points.get(last - res);
    setText(
      d.title,
      'Calls per second over the last ' +
        dur(span) +
        '; peak ' +
        max +
        '/s' +
        (lastFull
          ? '; last second: ' +
            lastFull.ok +
            ' ok, ' +
            lastFull.failed +
            ' failed, ' +
            lastFull.rejected +
            ' rejected'
          : ''),
    );
  }

  /**
   * The extra panels other modules put in a breaker's snapshot (`BreakerView.panels`), each a
   * titled list of label / value rows, rebuilt only when they changed.
   * @param {HTMLElement} box
   * @param {PagePanel[]} panels
   */
  function renderPanels(box, panels) {
    const key = JSON.stringify(panels);
    if (box.getAttribute('data-key') === key) return;
    box.setAttribute('data-key', key);
    box.replaceChildren();
    box.hidden = panels.length === 0;
    panels.forEach((p) => {
      const section = el('section', 'panel');
      section.setAttribute('data-panel', p.id);
      section.appendChild(el('h3', null, p.title));
      const rows = el('dl');
      p.rows.forEach((r) => {
        const dt = el('dt', null, r.label);
        const dd = el('dd', null, r.value);
        if (r.tone) dd.setAttribute('data-tone', r.tone);
        rows.appendChild(dt);
        rows.appendChild(dd);
      });
      section.appendChild(rows);
      box.appendChild(section);
    });
  }

  /**
   * @param {PageEntry} entry
   * @param {number} now
   * @param {number} span
   */
  function renderCard(entry, now, span) {
    const b = entry.view;
    const d = entry.dom;
    d.card.setAttribute('data-state', b.state);
    setText(d.name, b.name);
    setText(d.detail, b.detail || '');
    d.detail.hidden = !b.detail;
    const label =
      b.forced === 'open' ? 'forced open' : b.forced === 'disabled' ? 'disabled' : b.state;
    setText(d.badge, label);
    d.badge.setAttribute('data-state', b.state);
    d.badge.setAttribute('data-forced', b.forced || '');
    let when = '';
    if (b.forced === 'open') when = 'Rejecting every call until reset.';
    else if (b.forced === 'disabled') when = 'Letting every call through, recording nothing.';
    else if (b.state === 'open') {
      const left =
        b.retryAfter === null ? null : Math.max(0, b.retryAfter - (Date.now() - model.receivedAt));
      when =
        left === null
          ? 'Rejecting calls until the open wait ends.'
          : left > 0
            ? 'Half-open in ' + dur(left) + ': calls are rejected until then.'
            : 'Half-open at the next call.';
    } else if (b.state === 'half-open') {
      when =
        'Probing: ' +
        b.rules.maxRequests +
        ' trial call' +
        (b.rules.maxRequests === 1 ? '' : 's') +
        ' decide.';
    }
    setText(d.when, when);
    if (entry.flash) {
      entry.flash = false;
      // Restarts the animation: reading the layout between removing and adding the class.
      d.card.classList.remove('flash');
      d.card.getBoundingClientRect();
      d.card.classList.add('flash');
    }

    drawSpark(entry, now, span);

    const r = b.rules;
    setText(d.failure.v, pct(b.failureRate));
    statBar(d.failure, b.failureRate, r.failureRateThreshold);
    setText(
      d.failure.s,
      r.failureRateThreshold === null
        ? b.failureRate < 0
          ? 'too few calls'
          : 'no rate rule'
        : 'trips at ' +
            r.failureRateThreshold +
            '%' +
            (b.failureRate < 0 ? ' (min ' + r.minimumCalls + ' calls)' : ''),
    );
    setText(d.slow.v, r.slowCallRateThreshold === null ? '\u2013' : pct(b.slowCallRate));
    statBar(
      d.slow,
      r.slowCallRateThreshold === null ? -1 : b.slowCallRate,
      r.slowCallRateThreshold,
    );
    setText(
      d.slow.s,
      r.slowCallRateThreshold === null || r.slowCallDuration === null
        ? 'no slow-call rule'
        : 'trips at ' + r.slowCallRateThreshold + '% over ' + dur(r.slowCallDuration),
    );
    const res = model.resolution;
    const lastSecond =
      entry.points.get(Math.floor(now / res) * res - res) || emptyPoint(0, b.state);
    const perSecond = lastSecond.ok + lastSecond.failed + lastSecond.rejected + lastSecond.excluded;
    setText(d.rate.v, num(perSecond));
    d.rate.bar.hidden = true;
    setText(d.rate.s, num(b.totals.calls) + ' calls in all');
    const minuteAgo = now - 60000;
    let rejectedMinute = 0;
    entry.points.forEach((p, t) => {
      if (t > minuteAgo) rejectedMinute += p.rejected;
    });
    setText(d.rejected.v, num(rejectedMinute));
    d.rejected.v.className = 'v' + (lastSecond.rejected > 0 ? ' bad' : '');
    d.rejected.bar.hidden = true;
    setText(d.rejected.s, 'last minute; ' + num(b.totals.rejected) + ' in all');

    const c = b.counts;
    setText(
      d.counts,
      'Counted now: ' +
        num(c.requests) +
        ' call' +
        (c.requests === 1 ? '' : 's') +
        ' (' +
        num(c.totalSuccesses) +
        ' ok, ' +
        num(c.totalFailures) +
        ' failed' +
        (c.totalExclusions ? ', ' + num(c.totalExclusions) + ' excluded' : '') +
        '); ' +
        c.consecutiveFailures +
        ' failure' +
        (c.consecutiveFailures === 1 ? '' : 's') +
        ' in a row.',
    );
    setText(
      d.rule,
      'Rule: ' +
        r.summary +
        (r.callTimeout !== null ? '; calls time out after ' + dur(r.callTimeout) : '') +
        '.',
    );
    renderPanels(d.panels, b.panels);
    fillList(d.list, entry.transitions.slice(-SHOWN_TRANSITIONS), false, now);
  }

  /** The counts and the cascade banner, from the same snapshot as the cards. */
  function renderFleet() {
    const f = model.fleet;
    if (!f) return;
    setText(byId('n-total'), f.total);
    setText(byId('n-closed'), f.closed);
    setText(byId('n-half-open'), f.halfOpen);
    setText(byId('n-open'), f.open);
    const c = f.cascade;
    byId('cascade').setAttribute('data-active', String(c.active));
    setText(byId('cascade-label'), c.active ? 'Cascade in progress' : 'No cascade');
    const rule =
      c.threshold === null
        ? 'as the manager judges it'
        : 'signalled above ' + c.threshold + '% open (at least ' + c.minimumOpen + ')';
    setText(
      byId('cascade-why'),
      c.open +
        ' of ' +
        c.total +
        ' breakers open (' +
        Math.round(c.share * 100) +
        '%)' +
        (c.services.length ? ': ' + c.services.join(', ') : '') +
        '; ' +
        rule +
        '.',
    );
    byId('cascade-fill').style.width = Math.round(c.share * 100) + '%';
    const mark = byId('cascade-mark');
    mark.hidden = c.threshold === null;
    if (c.threshold !== null) mark.style.left = 'calc(' + c.threshold + '% - 1px)';
  }

  /** @param {PageSnapshot['links']} links */
  function renderLinks(links) {
    const box = byId('links');
    box.replaceChildren();
    links.forEach((l) => {
      const a = el('a', null, l.label);
      a.setAttribute('href', l.href);
      box.appendChild(a);
    });
  }

  function render() {
    // The server's clock now, estimated from the last message (the page's clock may differ).
    const now = model.at + (Date.now() - model.receivedAt);
    let earliest = now;
    model.breakers.forEach((e) => {
      earliest = Math.min(earliest, e.view.since);
    });
    const span = Math.min(
      model.historyWindow,
      Math.max(MIN_SPAN, Math.ceil((now - earliest) / 60000) * 60000),
    );
    model.breakers.forEach((entry) => {
      renderCard(entry, now, span);
    });
    byId('empty').hidden = model.breakers.size > 0;
    renderFleet();
    fillList(logList, model.log, true, now);
    setText(byId('updated'), 'updated ' + clockTime(model.at));
  }

  // ---- connection --------------------------------------------------------------------------

  /**
   * @param {string} state
   * @param {string} text
   */
  function connection(state, text) {
    document.body.setAttribute('data-connection', state);
    setText(byId('conn'), text);
  }

  /**
   * @param {string} text
   * @returns {unknown}
   */
  function parseJson(text) {
    return JSON.parse(text);
  }

  /**
   * @template T
   * @param {(data: T) => void} handler
   * @returns {(e: MessageEvent<string>) => void}
   */
  function parse(handler) {
    return (e) => {
      /** @type {T} */
      let data;
      try {
        data = /** @type {T} */ (parseJson(e.data));
      } catch {
        return;
      }
      handler(data);
    };
  }

  if (typeof EventSource === 'undefined') {
    connection('closed', 'this browser cannot receive live updates');
    return;
  }
  const source = new EventSource('events');
  source.addEventListener(
    'snapshot',
    parse(
      /** @param {PageSnapshot} s */ (s) => {
        apply(s, true);
        connection('live', 'live');
      },
    ),
  );
  source.addEventListener(
    'update',
    parse(
      /** @param {PageSnapshot} s */ (s) => {
        apply(s, false);
      },
    ),
  );
  source.addEventListener('transition', parse(addTransition));
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) connection('closed', 'disconnected');
    else
      connection(
        'reconnecting',
        model.at ? 'reconnecting \u2013 showing data of ' + clockTime(model.at) : 'connecting',
      );
  };
})();
