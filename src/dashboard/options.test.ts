import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../core/clock.js';
import { resolveDashboardOptions } from './options.js';

describe('dashboard options', () => {
  it('applies the defaults', () => {
    assert.deepEqual(resolveDashboardOptions(undefined), {
      title: 'breakwater',
      clock: systemClock,
      updateInterval: 1000,
      heartbeatInterval: 15_000,
      historyWindow: 300_000,
      transitionsKept: 50,
      cascadeThreshold: 50,
      cascadeMinimumOpen: 2,
      cascadeRuleGiven: false,
      describe: undefined,
      links: [],
      panels: [],
      maxClients: 100,
      maxBuffered: 1 << 20,
    });
    assert.equal(resolveDashboardOptions({ cascadeMinimumOpen: 3 }).cascadeRuleGiven, true);
  });

  const bad: [options: unknown, error: string, message: string][] = [
    [42, 'TypeError', 'dashboard: options must be an object, got 42'],
    [{ titel: 'x' }, 'TypeError', 'dashboard: unknown option "titel" (did you mean title?)'],
    [{ title: 7 }, 'TypeError', 'dashboard: option title must be a string, got 7'],
    [{ clock: {} }, 'TypeError', 'dashboard: option clock must be an object with now(), got {}'],
    [
      { updateInterval: 0 },
      'RangeError',
      'dashboard: option updateInterval must be a number of ms >= 1, got 0',
    ],
    [
      { heartbeatInterval: '5s' },
      'TypeError',
      'dashboard: option heartbeatInterval must be a number of ms >= 1, got "5s"',
    ],
    [
      { historyWindow: 90_500 },
      'RangeError',
      'dashboard: option historyWindow must be a whole number of seconds in ms from 10000 to 3600000, got 90500',
    ],
    [
      { cascadeThreshold: 0 },
      'RangeError',
      'dashboard: option cascadeThreshold must be a percentage with 0 < x <= 100, got 0',
    ],
    [
      { cascadeMinimumOpen: 1.5 },
      'RangeError',
      'dashboard: option cascadeMinimumOpen must be an integer >= 1, got 1.5',
    ],
    [{ describe: 'x' }, 'TypeError', 'dashboard: option describe must be a function, got "x"'],
    [
      { links: { href: '/metrics' } },
      'TypeError',
      'dashboard: option links must be an array of { label, href }, got {"href":"/metrics"}',
    ],
    [
      { links: [{ label: '', href: '/x' }] },
      'TypeError',
      'dashboard: option links[0].label must be a non-empty string, got ""',
    ],
    [
      {
        links: [
          { label: 'm', href: '/m' },
          { label: 'evil', href: 'javascript:alert(1)' },
        ],
      },
      'RangeError',
      'dashboard: option links[1].href must be a path or an http(s) URL, got "javascript:alert(1)"',
    ],
    [
      { panels: [{ id: 'Fleet Scope', title: 'x', rows: () => undefined }] },
      'TypeError',
      'dashboard: option panels[0].id must be lower-case letters, digits and -, got "Fleet Scope"',
    ],
    [
      {
        panels: [
          { id: 'fleet', title: 'Fleet', rows: () => undefined },
          { id: 'fleet', title: 'Again', rows: () => undefined },
        ],
      },
      'TypeError',
      'dashboard: option panels[1].id must be unique, got "fleet"',
    ],
    [
      { panels: [{ id: 'fleet', title: 'Fleet', rows: [] }] },
      'TypeError',
      'dashboard: option panels[0].rows must be a function, got []',
    ],
    [
      { maxClients: -1 },
      'RangeError',
      'dashboard: option maxClients must be an integer >= 1, got -1',
    ],
  ];
  for (const [options, name, message] of bad) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      assert.throws(() => resolveDashboardOptions(options), { name, message });
    });
  }

  it('takes links that are paths, relative URLs or http(s) URLs', () => {
    const links = [
      { label: 'metrics', href: '/metrics' },
      { label: 'ready', href: 'readyz?verbose' },
      { label: 'grafana', href: 'https://grafana.example/d/1' },
    ];
    assert.deepEqual(resolveDashboardOptions({ links }).links, links);
  });
});
