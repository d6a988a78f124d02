/**
 * The page's own script (plain browser JavaScript, inlined after uPlot): turns every
 * `figure.chart` into a uPlot chart from its JSON block, paints the state lanes behind the
 * series, and keeps the charts as wide as their figure. A figure that rendered gets
 * `data-rendered="true"`; one that failed gets `data-error` and a console error, so a browser
 * test can tell the two apart.
 */
export const reportRuntime = String.raw`(() => {
  'use strict';
  const charts = [];
  function colorize(root) {
    for (const el of root.querySelectorAll('[data-color]')) el.style.background = el.dataset.color;
  }
  function fmt(v, unit) {
    if (v == null) return '-';
    const a = Math.abs(v);
    const s = a >= 100 || Number.isInteger(v) ? Math.round(v).toString() : v.toPrecision(3);
    return unit ? s + ' ' + unit : s;
  }
  function lanePainter(spec) {
    return (u) => {
      const lanes = spec.lanes;
      if (lanes.length === 0) return;
      const ctx = u.ctx;
      const { left, top, width, height } = u.bbox;
      const rowH = height / lanes.length;
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, height);
      ctx.clip();
      lanes.forEach((lane, i) => {
        const y = top + i * rowH;
        for (const seg of lane.segments) {
          const x0 = u.valToPos((seg.from - spec.origin) / 1000, 'x', true);
          const x1 = u.valToPos((seg.to - spec.origin) / 1000, 'x', true);
          ctx.globalAlpha = seg.state === 'closed' ? 0.07 : 0.22;
          ctx.fillStyle = spec.stateColors[seg.state] || '#888';
          ctx.fillRect(x0, y, Math.max(1, x1 - x0), rowH);
        }
        ctx.globalAlpha = 0.75;
        ctx.fillStyle = getComputedStyle(document.body).color;
        ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
        ctx.fillText((i + 1) + '. ' + lane.label, left + 6 * devicePixelRatio, y + 14 * devicePixelRatio);
      });
      ctx.restore();
    };
  }
  function build(figure) {
    const spec = JSON.parse(figure.querySelector('script.chart-data').textContent);
    const plot = figure.querySelector('.chart-plot');
    const xs = spec.times.map((t) => (t - spec.origin) / 1000);
    const hasRight = spec.series.some((s) => s.axis === 'right');
    const grid = { stroke: 'rgba(128,128,128,0.18)' };
    const axisColor = getComputedStyle(document.body).color;
    const series = [
      { label: spec.timeAxis === 'clock' ? 'time' : 'time (s)', value: (u, v) => v == null ? '-' : spec.timeAxis === 'clock' ? new Date(v * 1000).toISOString().slice(11, 19) : v.toFixed(1) + ' s' },
      ...spec.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        scale: s.axis === 'right' ? 'y2' : 'y',
        fill: s.kind === 'bars' ? s.color + '55' : undefined,
        paths: s.kind === 'bars' ? uPlot.paths.bars({ size: [0.9, 40] }) : s.kind === 'step' ? uPlot.paths.stepped({ align: 1 }) : undefined,
        points: { show: false },
        spanGaps: false,
        value: (u, v) => fmt(v, s.unit),
      })),
    ];
    const axes = [
      { stroke: axisColor, grid, values: spec.timeAxis === 'clock' ? undefined : (u, vals) => vals.map((v) => v + ' s') },
      { stroke: axisColor, grid, label: spec.leftLabel, scale: 'y' },
    ];
    if (hasRight) axes.push({ stroke: axisColor, grid: { show: false }, side: 1, scale: 'y2', label: spec.rightLabel });
    const opts = {
      width: Math.max(280, plot.clientWidth),
      height: spec.height,
      scales: { x: { time: spec.timeAxis === 'clock' }, y: { auto: true }, y2: { auto: true } },
      series,
      axes,
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: { drawClear: [lanePainter(spec)] },
    };
    const data = [xs, ...spec.series.map((s) => s.values)];
    const chart = new uPlot(opts, data, plot);
    charts.push({ chart, plot });
    figure.dataset.rendered = 'true';
  }
  function start() {
    colorize(document);
    for (const figure of document.querySelectorAll('figure.chart')) {
      try {
        build(figure);
      } catch (error) {
        figure.dataset.error = String(error && error.message || error);
        console.error('report chart failed:', error);
      }
    }
    let pending = 0;
    addEventListener('resize', () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => {
        for (const { chart, plot } of charts) chart.setSize({ width: Math.max(280, plot.clientWidth), height: chart.height });
      });
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
