import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { ManualClock } from '../testing/manual-clock.js';
import { Scenario, type ScenarioSummary, type ScenarioTick } from './scenario.js';
import { zeroCounts } from './stats.js';
import { describeBreaker, formatIntro, formatSummary, formatTick } from './terminal.js';

const plain = { color: false };
const color = { color: true };

const tick: ScenarioTick = {
  index: 7,
  at: 7000,
  storyAt: 7000,
  services: [
    {
      name: 'payments',
      phase: 'failing',
      healthy: false,
      state: 'open',
      failureRate: -1,
      slowCallRate: -1,
      interval: {
        ...zeroCounts(),
        attempted: 50,
        through: 17,
        succeeded: 2,
        failed: 14,
        rejected: 33,
      },
      total: zeroCounts(),
      transitions: 1,
    },
    {
      name: 'inventory',
      phase: 'healthy',
      healthy: true,
      state: 'closed',
      failureRate: 0.025,
      slowCallRate: 0,
      interval: { ...zeroCounts(), attempted: 50, through: 50, succeeded: 48, failed: 1 },
      total: zeroCounts(),
      transitions: 0,
    },
  ],
};

describe('formatTick', () => {
  it('prints one plain line: time, then phase, state, counts and rates per service', () => {
    assert.equal(
      formatTick(tick, plain),
      '  7.0s | failing   open        17    2   14   33     -     - | healthy   closed      50   48    1    0    3%    0%',
    );
  });

  it('colours the states, and the phase of a dependency in trouble, on a terminal', () => {
    assert.equal(
      formatTick(tick, color),
      '  7.0s | \x1b[33mfailing  \x1b[0m \x1b[31mopen     \x1b[0m   17    2   14   33     -     - | healthy   \x1b[32mclosed   \x1b[0m   50   48    1    0    3%    0%',
    );
  });
});

describe('formatIntro', () => {
  it('says what will happen, in real time, and titles the columns', () => {
    const scenario = new Scenario({ clock: new ManualClock(), duration: 3000, speed: 25 / 3 });
    assert.equal(
      formatIntro(scenario, plain),
      [
        'breakwater demo: 2 simulated dependencies behind circuit breakers, 50 calls/s through each, for 3.0s (Ctrl-C stops early).',
        'The 25.0s story plays 8.33x faster (3.0s).',
        '  payments   healthy, failing at 0.7s, recovered at 1.7s. Breaker trips at 50% failures of the last 20 calls; open 240ms, then 3 probes.',
        '  inventory  healthy, slow at 1.2s, recovered at 2.0s. Breaker trips at 50% failures or 50% slower than 48ms in the last 600ms; open 240ms, then 3 probes.',
        'Each line: the dependency, its breaker, and calls in the last second: let through, ok,',
        "failed, rejected; then the breaker's failure and slow-call rates over its window.",
        '',
        '  time | payments            thru   ok fail  rej fail% slow% | inventory           thru   ok fail  rej fail% slow%',
        '',
      ].join('\n'),
    );
  });

  it('says the story repeats when the run is longer than the story', () => {
    const text = formatIntro(new Scenario({ clock: new ManualClock() }), plain);
    assert.equal(
      text.split('\n').slice(0, 2).join('\n'),
      'breakwater demo: 2 simulated dependencies behind circuit breakers, 50 calls/s through each, until Ctrl-C.\nThe story repeats every 25.0s.',
    );
  });
});

describe('describeBreaker', () => {
  it('names the default consecutive-failure rule, and a custom one', () => {
    const byDefault = new CircuitBreaker({ timeout: 1500 });
    assert.equal(
      describeBreaker(byDefault.settings),
      'trips after 6 failures in a row; open 1.5s, then 1 probe',
    );
    const custom = new CircuitBreaker({ readyToTrip: () => true, timeout: 250, maxRequests: 2 });
    assert.equal(
      describeBreaker(custom.settings),
      'trips by its readyToTrip rule; open 250ms, then 2 probes',
    );
  });
});

describe('formatSummary', () => {
  const summary: ScenarioSummary = {
    elapsed: 3000,
    speed: 25 / 3,
    rate: 50,
    ticks: 3,
    stoppedBy: 'duration',
    services: [
      {
        name: 'payments',
        total: {
          attempted: 150,
          through: 114,
          succeeded: 99,
          failed: 14,
          rejected: 36,
          slow: 0,
          cancelled: 1,
        },
        attemptedWhileUnhealthy: 48,
        spared: 35,
        rejectedWhileHealthy: 1,
        finalState: 'closed',
      },
      {
        name: 'db',
        total: {
          attempted: 150,
          through: 150,
          succeeded: 150,
          failed: 0,
          rejected: 0,
          slow: 0,
          cancelled: 0,
        },
        attemptedWhileUnhealthy: 0,
        spared: 0,
        rejectedWhileHealthy: 0,
        finalState: 'closed',
      },
    ],
    transitions: [
      { name: 'payments', from: 'closed', to: 'open', reason: 'tripped', at: 912 },
      { name: 'payments', from: 'open', to: 'half-open', reason: 'timeout-elapsed', at: 1152 },
      { name: 'payments', from: 'half-open', to: 'closed', reason: 'probes-succeeded', at: 1188 },
    ],
  };

  it('prints totals, calls spared and every transition with its time', () => {
    assert.equal(
      formatSummary(summary, plain),
      [
        '',
        'Summary after 3.0s (done):',
        '  payments  150 calls: 114 let through (99 ok, 14 failed, 1 cancelled at the end), 36 rejected; now closed',
        '            the breaker spared it 35 of the 48 calls made while it was unhealthy (73%); 1 rejected while it was healthy',
        '  db        150 calls: 150 let through (150 ok, 0 failed), 0 rejected; now closed',
        '            it was healthy throughout; 0 rejected while it was healthy',
        'Transitions (3):',
        '    0.91s  payments  closed -> open  (tripped)',
        '    1.15s  payments  open -> half-open  (timeout elapsed)',
        '    1.19s  payments  half-open -> closed  (probes succeeded)',
        '',
      ].join('\n'),
    );
  });

  it('says when it was stopped, and when nothing changed state', () => {
    const text = formatSummary({ ...summary, stoppedBy: 'signal', transitions: [] }, plain);
    assert.match(text, /^Summary after 3\.0s \(stopped\):$/m);
    assert.match(text, /^Transitions \(0\):\n {2}none\n$/m);
  });
});
