import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../testing/manual-clock.js';
import type { Alert, AlertSink } from './alert.js';
import { SinkRunner } from './sink-runner.js';

function alert(i: number): Alert {
  return {
    key: `CircuitBreakerOpen/b${i}`,
    rule: 'open',
    alertname: 'CircuitBreakerOpen',
    status: 'firing',
    breaker: `b${i}`,
    severity: 'critical',
    summary: 's',
    description: 'd',
    labels: {},
    startsAt: 0,
  };
}

describe('SinkRunner', () => {
  it('holds at most maxQueue alerts, the batch in flight included', async () => {
    const clock = new ManualClock(0);
    const sent: Alert[][] = [];
    let release: (() => void) | undefined;
    let hold = true;
    const sink: AlertSink = {
      name: 'slow',
      send: (batch) => {
        sent.push([...batch]);
        if (!hold) return Promise.resolve();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    };
    const runner = new SinkRunner({
      sink,
      delivery: {
        maxQueue: 5,
        maxBatch: 3,
        retries: 0,
        backoff: 1000,
        maxBackoff: 1000,
        jitter: 0,
        timeout: 10_000,
        rateLimit: { requests: 100, per: 1000 },
      },
      clock,
      schedule: (ms, callback) => clock.schedule(ms, callback),
      random: () => 0,
      report: () => undefined,
    });
    for (let i = 0; i < 20; i++) {
      runner.enqueue(alert(i));
      assert.ok(runner.stats().queued <= 5, `${runner.stats().queued} held after ${i + 1}`);
    }
    assert.equal(sent.length, 1);
    assert.equal(runner.stats().queued, 5);
    assert.equal(runner.stats().dropped, 15, 'the 15 oldest waiting');
    hold = false;
    release?.();
    await runner.close();
    assert.deepEqual(
      sent.map((batch) => batch.map((a) => a.breaker)),
      // b0 went out at once and the four newest waited behind it; close() makes one last
      // attempt (a batch of at most 3) and drops the rest.
      [['b0'], ['b16', 'b17', 'b18']],
    );
    assert.deepEqual([runner.stats().delivered, runner.stats().dropped], [4, 16]);
  });
});
