import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../testing/manual-clock.js';
import { Scenario, type ScenarioTick, type ServiceTick } from './scenario.js';
import { zeroCounts } from './stats.js';
import { gatewayStory } from './story.js';
import { formatIntro, formatTick } from './terminal.js';

function gatewayScenario(): Scenario {
  return new Scenario({
    clock: new ManualClock(),
    duration: 3000,
    speed: 25 / 3,
    services: gatewayStory,
    connect: (dependency, script) => ({
      via:
        script.reach === 'http'
          ? `http://127.0.0.1:${4000 + dependency.name.length}`
          : 'in process',
      call: (signal) => dependency.call(signal),
    }),
  });
}

const service = (name: string, state: ServiceTick['state'], rejected: number): ServiceTick => ({
  name,
  phase: state === 'closed' ? 'healthy' : 'failing',
  healthy: state === 'closed',
  state,
  failureRate: state === 'closed' ? 0.04 : -1,
  slowCallRate: -1,
  interval: {
    ...zeroCounts(),
    attempted: 50,
    through: 50 - rejected,
    succeeded: 48 - rejected,
    failed: 2,
    rejected,
  },
  total: zeroCounts(),
  transitions: 0,
});

const tick: ScenarioTick = {
  index: 2,
  at: 2000,
  storyAt: 2000,
  services: [
    service('payments', 'open', 35),
    service('inventory', 'closed', 0),
    service('shipping', 'half-open', 12),
  ],
};

describe('the gateway demo in the terminal', () => {
  it('names the third-party API, says which dependencies are called over HTTP, and adds notes', () => {
    const text = formatIntro(gatewayScenario(), { color: false }, ['dashboard: http://x/']);
    assert.deepEqual(text.split('\n').slice(0, 8), [
      'breakwater demo: 2 simulated dependencies and a flaky third-party API behind circuit breakers, 50 calls/s through each, for 3.0s (Ctrl-C stops early).',
      'The 25.0s story plays 8.33x faster (3.0s).',
      '  payments   healthy, failing at 0.7s, recovered at 1.7s. Breaker trips at 50% failures of the last 20 calls; open 240ms, then 3 probes. Called over HTTP at http://127.0.0.1:4008.',
      '  inventory  healthy, slow at 1.2s, recovered at 2.0s. Breaker trips at 50% failures or 50% slower than 48ms in the last 600ms; open 240ms, then 3 probes.',
      '  shipping   flaky, down at 2.3s, flaky at 2.6s. Breaker trips after 6 failures in a row; open 180ms, then 1 probe. Called over HTTP at http://127.0.0.1:4008.',
      'dashboard: http://x/',
      'Each line: the dependency, its breaker, and calls in the last second: let through, ok,',
      "failed, rejected; then the breaker's failure and slow-call rates over its window.",
    ]);
  });

  it('prints the full line when it fits the terminal, a compact one when it does not', () => {
    const full =
      '  2.0s | failing   open        15   13    2   35     -     - | healthy   closed      50   48    2    0    4%     - | failing   half-open   38   36    2   12     -     -';
    assert.equal(formatTick(tick, { color: false }), full);
    assert.equal(full.length, 168);
    assert.equal(formatTick(tick, { color: false, width: 168 }), full);
    const compact =
      '  2.0s | failing   open        35     -     - | healthy   closed       0    4%     - | failing   half-open   12     -     -';
    assert.equal(formatTick(tick, { color: false, width: 167 }), compact);
    assert.equal(compact.length, 123);

    const intro = formatIntro(gatewayScenario(), { color: false, width: 120 }).split('\n');
    assert.deepEqual(intro.slice(-5), [
      'Each line: the dependency, its breaker, the calls it rejected in the last second, and',
      "the breaker's failure and slow-call rates over its window (a wider terminal shows more).",
      '',
      '  time | payments             rej fail% slow% | inventory            rej fail% slow% | shipping             rej fail% slow%',
      '',
    ]);
  });
});
