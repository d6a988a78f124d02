import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { panelViews, type DashboardPanel } from './panels.js';

describe('dashboard panels', () => {
  const a = new CircuitBreaker({ name: 'a' });
  const b = new CircuitBreaker({ name: 'b' });

  it('gives each breaker the panels that have rows for it, in order', () => {
    const panels: DashboardPanel[] = [
      { id: 'scope', title: 'Fleet', rows: (x) => [{ label: 'scope', value: x.name }] },
      {
        id: 'adaptive',
        title: 'Adaptive',
        rows: (x) => (x === b ? [{ label: 'limit', value: 0.5, tone: 'warn' }] : []),
      },
    ];
    assert.deepEqual(panelViews(panels, a), [
      { id: 'scope', title: 'Fleet', rows: [{ label: 'scope', value: 'a' }] },
    ]);
    assert.deepEqual(panelViews(panels, b), [
      { id: 'scope', title: 'Fleet', rows: [{ label: 'scope', value: 'b' }] },
      { id: 'adaptive', title: 'Adaptive', rows: [{ label: 'limit', value: 0.5, tone: 'warn' }] },
    ]);
  });

  it('leaves out, and reports, a panel that throws or gives malformed rows', () => {
    const seen: string[] = [];
    const original = process.emitWarning.bind(process);
    process.emitWarning = (warning: string | Error): void => {
      seen.push(warning instanceof Error ? warning.message : warning);
    };
    try {
      const views = panelViews(
        [
          {
            id: 'bad',
            title: 'Bad',
            rows: () => {
              throw new Error('no data');
            },
          },
          { id: 'nan', title: 'NaN', rows: () => [{ label: 'x', value: Number.NaN }] },
          { id: 'good', title: 'Good', rows: () => [{ label: 'x', value: 1 }] },
        ],
        a,
      );
      assert.deepEqual(
        views.map((v) => v.id),
        ['good'],
      );
    } finally {
      process.emitWarning = original;
    }
    assert.equal(seen.length, 2);
    assert.match(seen[0] ?? '', /^dashboard panel "bad" threw: Error: no data/);
    assert.match(
      seen[1] ?? '',
      /^dashboard panel "nan" threw: TypeError: panel "nan" row 0: expected/,
    );
  });
});
