import { AlertManager, type Alert, type AlertSink } from '../../src/observability/alerts/index.js';
import { CircuitBreaker } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const clock = new ManualClock();
const payments = new CircuitBreaker({
  name: 'payments',
  clock,
  timeout: 30_000,
  readyToTrip: (c) => c.consecutiveFailures >= 1,
});

// A sink of our own: it only formats and delivers; the AlertManager queues, batches,
// rate-limits and retries.
const consoleSink: AlertSink = {
  name: 'console',
  send(alerts: readonly Alert[]) {
    for (const a of alerts) {
      console.log(
        `${clock.now() / 1000}s ${a.status} ${a.alertname} (${a.severity}): ${a.summary}`,
      );
    }
    return Promise.resolve();
  },
};
const alerts = new AlertManager({
  source: payments, // or a manager: every breaker it makes
  sinks: [consoleSink], // webhookSink(url), alertmanagerSink(url), slackSink(url)
  rules: { stuckOpenAfter: 60_000, flap: { opens: 2, window: 600_000 } },
  labels: { service: 'checkout' },
  clock,
});

const fail = () => Promise.reject(new Error('down'));
const succeed = () => 'ok';
async function at(seconds: number, fn: () => unknown): Promise<void> {
  clock.set(seconds * 1000);
  await payments.tryExecute(fn);
  await alerts.settled();
}

await at(0, fail); // opens: CircuitBreakerOpen fires
await at(30, fail); // the probe fails: the same outage goes on, nothing new is sent
await at(60, fail); // open for 60 s: CircuitBreakerStuckOpen fires
await at(90, succeed); // the probe succeeds: both resolve
await at(100, fail); // a second outage...
await at(130, succeed);
await at(140, fail); // ...and a third within 10 minutes: CircuitBreakerFlapping
await at(170, succeed);
console.log(`firing now: ${alerts.active.map((a) => a.key).join(', ')}`);
const [stats] = alerts.stats();
console.log(
  `delivered ${stats?.delivered} alerts in ${stats?.requests} requests, dropped ${stats?.dropped}`,
);
await alerts.close();
