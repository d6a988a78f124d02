/**
 * The page's JavaScript: plain ES2019 for any current browser, no build step, no library. It
 * opens `events` (relative, so the page works wherever the handler is mounted), keeps a model
 * of the breakers from the `snapshot`, `update`, `transition` and `cascade` events, and renders
 * it with DOM calls that set text (`textContent`) and attributes only: nothing received is ever
 * parsed as HTML, so breaker names and details are shown exactly as they are.
 *
 * Kept as a string (it runs in the browser, not in Node): it must not contain a backtick, the
 * two characters that open a template substitution, or a closing script tag. A test checks
 * that, and that it parses.
 */
export const pageScript = String.raw`
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var MIN_SPAN = 60000;
  var BAR_H = 44;
  var BAND_Y = 47;
  var BAND_H = 5;
  var SHOWN_TRANSITIONS = 6;
  var LOG_SIZE = 20;

  var model = {
    at: 0,
    receivedAt: 0,
    resolution: 1000,
    historyWindow: 300000,
    lastSeq: 0,
    fleet: null,
    breakers: new Map(),
    log: []
  };
  var grid = document.getElementById('breakers');
  var logList = document.getElementById('log');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    return e;
  }
  function setText(e, text) {
    var t = String(text);
    if (e.textContent !== t) e.textContent = t;
  }
  function pct(r) { return r < 0 ? '\u2013' : Math.round(r * 100) + '%'; }
  function num(n) { return Math.round(n).toLocaleString('en-US'); }
  function dur(ms) {
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (Math.round(ms / 100) / 10) + ' s';
    var m = Math.floor(ms / 60000);
    var s = Math.round((ms % 60000) / 1000);
    return m + ' min' + (s ? ' ' + s + ' s' : '');
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clockTime(at) {
    var d = new Date(at);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function ago(ms) {
    if (ms < 1500) return 'just now';
    if (ms < 90000) return Math.round(ms / 1000) + ' s ago';
    if (ms < 5400000) return Math.round(ms / 60000) + ' min ago';
    return Math.round(ms / 3600000) + ' h ago';
  }
  // The server's clock now, estimated from the last message (the page's clock may differ).
  function serverNow() { return model.at + (Date.now() - model.receivedAt); }
  function stateClass(s) { return 'st-' + s; }

  // ---- model -------------------------------------------------------------------------------

  function emptyPoint(t, state) {
    return { t: t, ok: 0, failed: 0, rejected: 0, excluded: 0, slow: 0, state: state };
  }

  function mergeHistory(entry, history, full) {
    if (full) entry.points = new Map();
    history.points.forEach(function (p) { entry.points.set(p.t, p); });
    var oldest = history.points.length ? history.points[history.points.length - 1].t - model.historyWindow : 0;
    entry.points.forEach(function (_p, t) { if (t <= oldest) entry.points.delete(t); });
  }

  function apply(s, full) {
    model.at = s.at;
    model.receivedAt = Date.now();
    model.resolution = s.resolution;
    model.historyWindow = s.historyWindow;
    model.fleet = s.fleet;
    if (full) {
      document.title = s.title;
      setText(document.getElementById('title'), s.title);
      renderLinks(s.links);
    }
    var seen = new Set();
    s.breakers.forEach(function (b, i) {
      seen.add(b.id);
      var entry = model.breakers.get(b.id);
      if (!entry) {
        entry = { id: b.id, view: b, points: new Map(), transitions: [], dom: createCard(b) };
        model.breakers.set(b.id, entry);
      }
      if (full) entry.transitions = b.transitions.slice();
      entry.view = b;
      mergeHistory(entry, b.history, full);
      var at = grid.children[i];
      if (at !== entry.dom.card) grid.insertBefore(entry.dom.card, at || null);
    });
    model.breakers.forEach(function (entry, id) {
      if (!seen.has(id)) {
        entry.dom.card.remove();
        model.breakers.delete(id);
      }
    });
    if (full) {
      var all = [];
      model.breakers.forEach(function (entry) { all = all.concat(entry.transitions); });
      all.sort(function (a, b) { return a.seq - b.seq; });
      model.log = all.slice(-LOG_SIZE);
      model.lastSeq = s.lastSeq;
    }
    render();
  }

  function onTransition(t) {
    if (t.seq <= model.lastSeq) return;
    model.lastSeq = t.seq;
    model.log.push(t);
    if (model.log.length > LOG_SIZE) model.log.shift();
    var entry = model.breakers.get(t.id);
    if (entry) {
      entry.transitions.push(t);
      if (entry.transitions.length > 50) entry.transitions.shift();
      entry.view.state = t.to;
      // Until the next update says, the open wait runs from the transition.
      var wait = entry.view.rules.timeout;
      entry.view.retryAfter = t.to !== 'open' ? 0 : wait === null ? null : Math.max(0, t.at + wait - model.at);
      if (t.reason === 'forced-open') entry.view.forced = 'open';
      else if (t.reason === 'disabled') entry.view.forced = 'disabled';
      else entry.view.forced = null;
      var card = entry.dom.card;
      card.classList.remove('flash');
      void card.offsetWidth;
      card.classList.add('flash');
    }
    render();
  }

  function onCascade(c) {
    if (model.fleet) model.fleet.cascade = c;
    renderFleet();
  }

  // ---- rendering ---------------------------------------------------------------------------

  function createCard(b) {
    var card = el('article', 'card');
    card.setAttribute('data-breaker', b.id);
    var head = el('div', 'card-head');
    var names = el('div', 'names');
    var name = el('h2', null, b.name);
    var detail = el('div', 'detail');
    names.appendChild(name);
    names.appendChild(detail);
    var badge = el('span', 'badge');
    head.appendChild(names);
    head.appendChild(badge);
    card.appendChild(head);
    var when = el('div', 'when');
    card.appendChild(when);

    var spark = el('div', 'spark');
    var svg = svgEl('svg', { viewBox: '0 0 60 52', preserveAspectRatio: 'none', role: 'img' });
    var title = svgEl('title', {});
    svg.appendChild(title);
    var paths = {};
    ['band-closed', 'band-half-open', 'band-open', 'ok', 'failed', 'rejected', 'excluded'].forEach(function (k) {
      var fill = {
        'band-closed': 'var(--closed)', 'band-half-open': 'var(--half)', 'band-open': 'var(--open)',
        ok: 'var(--ok-bar)', failed: 'var(--failed-bar)', rejected: 'var(--rejected)', excluded: 'var(--excluded)'
      }[k];
      paths[k] = svgEl('path', { fill: fill, 'shape-rendering': 'crispEdges' });
      svg.appendChild(paths[k]);
    });
    spark.appendChild(svg);
    var axis = el('div', 'axis');
    var span = el('span');
    var legend = el('span', 'legend');
    legend.appendChild(el('span', 'ok', 'ok'));
    legend.appendChild(el('span', 'failed', 'failed'));
    legend.appendChild(el('span', 'rejected', 'rejected'));
    var now = el('span', null, 'now');
    axis.appendChild(span);
    axis.appendChild(legend);
    axis.appendChild(now);
    spark.appendChild(axis);
    card.appendChild(spark);

    var stats = el('div', 'stats');
    function stat(key) {
      var box = el('div', 'stat');
      var k = el('div', 'k', key);
      var v = el('div', 'v');
      var bar = el('div', 'bar');
      var fill = el('span');
      var mark = el('i');
      bar.appendChild(fill);
      bar.appendChild(mark);
      var s = el('div', 's');
      box.appendChild(k);
      box.appendChild(v);
      box.appendChild(bar);
      box.appendChild(s);
      stats.appendChild(box);
      return { box: box, v: v, bar: bar, fill: fill, mark: mark, s: s };
    }
    var failure = stat('Failure rate');
    var slow = stat('Slow calls');
    var rate = stat('Calls / s');
    var rejected = stat('Rejected');
    card.appendChild(stats);
    var counts = el('div', 'counts');
    var rule = el('div', 'rule');
    card.appendChild(counts);
    card.appendChild(rule);
    var history = el('div', 'history');
    history.appendChild(el('h3', null, 'Transitions'));
    var list = el('ol', 'transitions');
    history.appendChild(list);
    card.appendChild(history);
    return {
      card: card, name: name, detail: detail, badge: badge, when: when, svg: svg, title: title,
      paths: paths, span: span, failure: failure, slow: slow, rate: rate, rejected: rejected,
      counts: counts, rule: rule, list: list
    };
  }

  function transitionItem(t, withName, now) {
    var li = el('li');
    var time = el('span', 't', clockTime(t.at));
    time.title = ago(now - t.at);
    li.appendChild(time);
    if (withName) li.appendChild(el('span', 'who', t.name));
    var move = el('span', 'move');
    move.appendChild(el('span', stateClass(t.from), t.from));
    move.appendChild(document.createTextNode(' \u2192 '));
    move.appendChild(el('span', stateClass(t.to), t.to));
    li.appendChild(move);
    li.appendChild(el('span', 'why', t.reason.replace(/-/g, ' ') + ' \u00b7 ' + ago(now - t.at)));
    return li;
  }

  function fillList(list, items, withName, now) {
    while (list.firstChild) list.removeChild(list.firstChild);
    if (items.length === 0) {
      list.appendChild(el('li', 'none', withName ? 'No state change yet.' : 'None yet: closed since watched.'));
      return;
    }
    for (var i = items.length - 1; i >= 0; i--) list.appendChild(transitionItem(items[i], withName, now));
  }

  function statBar(st, value, threshold) {
    st.bar.hidden = value < 0 && threshold === null;
    st.fill.style.width = (value < 0 ? 0 : Math.min(100, value * 100)) + '%';
    var bad = threshold !== null && value >= 0 && value * 100 >= threshold;
    st.fill.className = bad ? 'bad' : '';
    st.v.className = 'v' + (bad ? ' bad' : '');
    st.mark.hidden = threshold === null;
    if (threshold !== null) st.mark.style.left = 'calc(' + Math.min(100, threshold) + '% - 1px)';
  }

  // Bars of calls per second (ok, failed, rejected, excluded stacked), and a thin band below
  // coloured by the worst state of each second. One path per colour keeps the DOM small.
  function drawSpark(entry, now, span) {
    var d = entry.dom;
    var res = model.resolution;
    var n = Math.max(1, Math.round(span / res));
    var last = Math.floor(now / res) * res;
    var first = last - (n - 1) * res;
    var since = Math.floor(entry.view.since / res) * res;
    var max = 1;
    var pts = [];
    var carried = null;
    for (var i = 0; i < n; i++) {
      var t = first + i * res;
      var p = entry.points.get(t);
      if (p) carried = p.state;
      if (!p && t >= since && carried !== null) p = emptyPoint(t, carried);
      if (!p && t >= since && carried === null) p = emptyPoint(t, entry.view.state);
      pts.push(p || null);
      if (p) max = Math.max(max, p.ok + p.failed + p.rejected + p.excluded);
    }
    var scale = BAR_H / max;
    var paths = { ok: '', failed: '', rejected: '', excluded: '', 'band-closed': '', 'band-half-open': '', 'band-open': '' };
    pts.forEach(function (p, x) {
      if (!p) return;
      var y = BAR_H;
      ['ok', 'failed', 'rejected', 'excluded'].forEach(function (k) {
        var h = p[k] * scale;
        if (h <= 0) return;
        y -= h;
        paths[k] += 'M' + x + ' ' + y.toFixed(2) + 'h1v' + h.toFixed(2) + 'h-1z';
      });
      paths['band-' + p.state] += 'M' + x + ' ' + BAND_Y + 'h1v' + BAND_H + 'h-1z';
    });
    d.svg.setAttribute('viewBox', '0 0 ' + n + ' 52');
    Object.keys(paths).forEach(function (k) { d.paths[k].setAttribute('d', paths[k]); });
    setText(d.span, '\u2212' + dur(span));
    var lastFull = entry.points.get(last - res);
    setText(d.title, 'Calls per second over the last ' + dur(span) + '; peak ' + max + '/s' +
      (lastFull ? '; last second: ' + lastFull.ok + ' ok, ' + lastFull.failed + ' failed, ' + lastFull.rejected + ' rejected' : ''));
  }

  function renderCard(entry, now, span) {
    var b = entry.view;
    var d = entry.dom;
    d.card.setAttribute('data-state', b.state);
    setText(d.name, b.name);
    setText(d.detail, b.detail || '');
    d.detail.hidden = !b.detail;
    var label = b.forced === 'open' ? 'forced open' : b.forced === 'disabled' ? 'disabled' : b.state;
    setText(d.badge, label);
    d.badge.setAttribute('data-state', b.state);
    d.badge.setAttribute('data-forced', b.forced || '');
    var when = '';
    if (b.forced === 'open') when = 'Rejecting every call until reset.';
    else if (b.forced === 'disabled') when = 'Letting every call through, recording nothing.';
    else if (b.state === 'open') {
      var left = b.retryAfter === null ? null : Math.max(0, b.retryAfter - (Date.now() - model.receivedAt));
      when = left === null ? 'Rejecting calls until the open wait ends.' :
        left > 0 ? 'Half-open in ' + dur(left) + ': calls are rejected until then.' : 'Half-open at the next call.';
    } else if (b.state === 'half-open') when = 'Probing: ' + b.rules.maxRequests + ' trial call' + (b.rules.maxRequests === 1 ? '' : 's') + ' decide.';
    setText(d.when, when);

    drawSpark(entry, now, span);

    var r = b.rules;
    setText(d.failure.v, pct(b.failureRate));
    statBar(d.failure, b.failureRate, r.failureRateThreshold);
    setText(d.failure.s, r.failureRateThreshold === null ? (b.failureRate < 0 ? 'too few calls' : 'no rate rule') :
      'trips at ' + r.failureRateThreshold + '%' + (b.failureRate < 0 ? ' (min ' + r.minimumCalls + ' calls)' : ''));
    setText(d.slow.v, r.slowCallRateThreshold === null ? '\u2013' : pct(b.slowCallRate));
    statBar(d.slow, r.slowCallRateThreshold === null ? -1 : b.slowCallRate, r.slowCallRateThreshold);
    setText(d.slow.s, r.slowCallRateThreshold === null ? 'no slow-call rule' :
      'trips at ' + r.slowCallRateThreshold + '% over ' + dur(r.slowCallDuration));
    var res = model.resolution;
    var lastSecond = entry.points.get(Math.floor(now / res) * res - res) || emptyPoint(0, b.state);
    var perSecond = lastSecond.ok + lastSecond.failed + lastSecond.rejected + lastSecond.excluded;
    setText(d.rate.v, num(perSecond));
    d.rate.bar.hidden = true;
    setText(d.rate.s, num(b.totals.calls) + ' calls in all');
    var minuteAgo = now - 60000;
    var rejectedMinute = 0;
    entry.points.forEach(function (p, t) { if (t > minuteAgo) rejectedMinute += p.rejected; });
    setText(d.rejected.v, num(rejectedMinute));
    d.rejected.v.className = 'v' + (lastSecond.rejected > 0 ? ' bad' : '');
    d.rejected.bar.hidden = true;
    setText(d.rejected.s, 'last minute; ' + num(b.totals.rejected) + ' in all');

    var c = b.counts;
    setText(d.counts, 'Counted now: ' + num(c.requests) + ' call' + (c.requests === 1 ? '' : 's') + ' (' +
      num(c.totalSuccesses) + ' ok, ' + num(c.totalFailures) + ' failed' +
      (c.totalExclusions ? ', ' + num(c.totalExclusions) + ' excluded' : '') + '); ' +
      c.consecutiveFailures + ' failure' + (c.consecutiveFailures === 1 ? '' : 's') + ' in a row.');
    setText(d.rule, 'Rule: ' + r.summary + (r.callTimeout !== null ? '; calls time out after ' + dur(r.callTimeout) : '') + '.');
    fillList(d.list, entry.transitions.slice(-SHOWN_TRANSITIONS), false, now);
  }

  function renderFleet() {
    var f = model.fleet;
    if (!f) return;
    // Counted from the cards, which transitions update at once (the fleet numbers come with updates).
    var n = { closed: 0, 'half-open': 0, open: 0 };
    model.breakers.forEach(function (e) { n[e.view.state]++; });
    setText(document.getElementById('n-total'), model.breakers.size);
    setText(document.getElementById('n-closed'), n.closed);
    setText(document.getElementById('n-half-open'), n['half-open']);
    setText(document.getElementById('n-open'), n.open);
    var c = f.cascade;
    var box = document.getElementById('cascade');
    box.setAttribute('data-active', String(c.active));
    setText(document.getElementById('cascade-label'), c.active ? 'Cascade in progress' : 'No cascade');
    var rule = c.threshold === null ? 'as the manager judges it' : 'signalled above ' + c.threshold + '% open (at least ' + c.minimumOpen + ')';
    setText(document.getElementById('cascade-why'), c.open + ' of ' + c.total + ' breakers open (' +
      Math.round(c.share * 100) + '%)' + (c.services.length ? ': ' + c.services.join(', ') : '') + '; ' + rule + '.');
    document.getElementById('cascade-fill').style.width = Math.round(c.share * 100) + '%';
    var mark = document.getElementById('cascade-mark');
    mark.hidden = c.threshold === null;
    if (c.threshold !== null) mark.style.left = 'calc(' + c.threshold + '% - 1px)';
  }

  function renderLinks(links) {
    var box = document.getElementById('links');
    while (box.firstChild) box.removeChild(box.firstChild);
    links.forEach(function (l) {
      var a = el('a', null, l.label);
      a.setAttribute('href', l.href);
      box.appendChild(a);
    });
  }

  function render() {
    var now = serverNow();
    var earliest = now;
    model.breakers.forEach(function (e) { earliest = Math.min(earliest, e.view.since); });
    var span = Math.min(model.historyWindow, Math.max(MIN_SPAN, Math.ceil((now - earliest) / 60000) * 60000));
    model.breakers.forEach(function (entry) { renderCard(entry, now, span); });
    document.getElementById('empty').hidden = model.breakers.size > 0;
    renderFleet();
    fillList(logList, model.log, true, now);
    setText(document.getElementById('updated'), 'updated ' + clockTime(model.at));
  }

  // ---- connection --------------------------------------------------------------------------

  function connection(state, text) {
    document.body.setAttribute('data-connection', state);
    setText(document.getElementById('conn'), text);
  }

  function parse(handler) {
    return function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (_err) { return; }
      handler(data);
    };
  }

  if (typeof EventSource === 'undefined') {
    connection('closed', 'this browser cannot receive live updates');
    return;
  }
  var source = new EventSource('events');
  source.addEventListener('snapshot', parse(function (s) { apply(s, true); connection('live', 'live'); }));
  source.addEventListener('update', parse(function (s) { apply(s, false); }));
  source.addEventListener('transition', parse(onTransition));
  source.addEventListener('cascade', parse(onCascade));
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) connection('closed', 'disconnected');
    else connection('reconnecting', model.at ? 'reconnecting \u2013 showing data of ' + clockTime(model.at) : 'connecting');
  };
})();
`;
