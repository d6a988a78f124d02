import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, openMetricsContentType, type OpenMetricsContentType } from 'prom-client';
import { CircuitBreaker } from '../../core/circuit-breaker.js';
import { BreakerOpenError } from '../../core/errors.js';
import { ManualClock } from '../../testing/manual-clock.js';
import {
  parseExposition,
  select,
  valueOf,
  type Exposition,
} from '../../../test/observability/helpers/exposition.js';
import { defaultBuckets, metricNames } from '../metric-names.js';
import { fromBreakers } from '../../manager/source.js';
import { registerMetrics } from './register-metrics.js';

class Excluded extends Error {}

const N = metricNames;

async function scrape(registry: Registry): Promise<Exposition> {
  return parseExposition(await registry.metrics());
}

/** Cumulative bucket counts of one kind, in bound order, +Inf last. */
function buckets(e: Exposition, name: string, kind: string): number[] {
  return select(e, `${N.calls}_bucket`, { name, kind }).map((s) => s.value);
}

/** Expected cumulative buckets when each of `seconds` was observed once. */
function expectedBuckets(seconds: number[]): number[] {
  return [...defaultBuckets, Infinity].map((bound) => seconds.filter((s) => s <= bound).length);
}

const sleepOn = (clock: ManualClock, ms: number, fail?: Error) => async (): Promise<number> => {
  clock.advance(ms);
  if (fail) throw fail;
  return 1;
};

describe('registerMetrics', () => {
  it('exposes every series of API.md with exactly its labels, types and help', async () => {
    const registry = new Registry();
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'payments', clock });
    using _m = registerMetrics(b, { registry });
    const e = await scrape(registry);
    assert.deepEqual([...e.type.entries()].sort(), [
      [N.calls, 'histogram'],
      [N.config, 'gauge'],
      [N.failureRate, 'gauge'],
      [N.notPermitted, 'counter'],
      [N.slowCallRate, 'gauge'],
      [N.state, 'gauge'],
      [N.transitions, 'counter'],
    ]);
    for (const name of e.type.keys()) assert.ok((e.help.get(name) ?? '').length > 10, name);
    assert.deepEqual(
      select(e, N.state).map((s) => [s.labels, s.value]),
      [
        [{ name: 'payments', state: 'closed' }, 1],
        [{ name: 'payments', state: 'half-open' }, 0],
        [{ name: 'payments', state: 'open' }, 0],
      ],
    );
    assert.deepEqual(
      select(e, N.transitions)
        .map((s) => `${s.labels.from}>${s.labels.to}=${s.value}`)
        .sort(),
      [
        'closed>open=0',
        'half-open>closed=0',
        'half-open>open=0',
        'open>closed=0',
        'open>half-open=0',
      ],
    );
    for (const s of select(e, N.transitions)) {
      assert.deepEqual(Object.keys(s.labels).sort(), ['from', 'name', 'to']);
    }
    assert.deepEqual(
      select(e, N.notPermitted).map((s) => [s.labels, s.value]),
      [
        [{ name: 'payments', reason: 'open' }, 0],
        [{ name: 'payments', reason: 'too_many_requests' }, 0],
      ],
    );
    for (const kind of ['successful', 'failed', 'excluded']) {
      const bs = select(e, `${N.calls}_bucket`, { name: 'payments', kind });
      assert.deepEqual(
        bs.map((s) => s.labels.le),
        [...defaultBuckets.map(String), '+Inf'],
      );
      assert.deepEqual(Object.keys(bs[0]!.labels).sort(), ['kind', 'le', 'name']);
      assert.equal(valueOf(e, `${N.calls}_sum`, { name: 'payments', kind }), 0);
      assert.equal(valueOf(e, `${N.calls}_count`, { name: 'payments', kind }), 0);
    }
    assert.equal(select(e, `${N.calls}_count`).length, 3);
    assert.deepEqual(select(e, N.failureRate), [
      { name: N.failureRate, labels: { name: 'payments' }, value: -1 },
    ]);
    assert.deepEqual(select(e, N.slowCallRate), [
      { name: N.slowCallRate, labels: { name: 'payments' }, value: -1 },
    ]);
    assert.deepEqual(
      select(e, N.config).map((s) => [s.labels.param, s.value]),
      [
        ['minimum_calls', 1],
        ['max_requests', 1],
        ['open_timeout_seconds', 60],
        ['half_open_timeout_seconds', 60],
      ],
    );
    // Nothing else is exported.
    const known = new Set<string>([
      N.state,
      N.transitions,
      N.notPermitted,
      N.failureRate,
      N.slowCallRate,
      N.config,
      `${N.calls}_bucket`,
      `${N.calls}_sum`,
      `${N.calls}_count`,
    ]);
    assert.deepEqual(
      e.samples.filter((s) => !known.has(s.name)),
      [],
    );
  });

  it('counts outcomes in a seconds histogram, transitions and rejections by reason', async () => {
    const registry = new Registry();
    const clock = new ManualClock(1_000_000);
    const b = new CircuitBreaker({
      name: 'payments',
      clock,
      timeout: 1000,
      interval: 60_000,
      isExcluded: (e) => e instanceof Excluded,
    });
    using _m = registerMetrics(b, { registry });
    await b.execute(sleepOn(clock, 30));
    await b.execute(sleepOn(clock, 0));
    await assert.rejects(b.execute(sleepOn(clock, 2000, new Error('down'))));
    await assert.rejects(b.execute(sleepOn(clock, 12_000, new Excluded('caller'))));
    let e = await scrape(registry);
    assert.deepEqual(buckets(e, 'payments', 'successful'), expectedBuckets([0.03, 0]));
    assert.deepEqual(buckets(e, 'payments', 'failed'), expectedBuckets([2]));
    assert.deepEqual(buckets(e, 'payments', 'excluded'), expectedBuckets([12]));
    assert.equal(valueOf(e, `${N.calls}_sum`, { name: 'payments', kind: 'successful' }), 0.03);
    assert.equal(valueOf(e, `${N.calls}_sum`, { name: 'payments', kind: 'failed' }), 2);
    assert.equal(valueOf(e, `${N.calls}_sum`, { name: 'payments', kind: 'excluded' }), 12);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'payments', kind: 'successful' }), 2);
    assert.equal(valueOf(e, N.failureRate, { name: 'payments' }), 1 / 3);
    assert.equal(valueOf(e, N.config, { name: 'payments', param: 'interval_seconds' }), 60);
    assert.equal(valueOf(e, N.config, { name: 'payments', param: 'open_timeout_seconds' }), 1);

    // Five more failures make six consecutive: the default rule trips.
    for (let i = 0; i < 5; i++) await assert.rejects(b.execute(sleepOn(clock, 0, new Error('x'))));
    assert.equal(b.state, 'open');
    await assert.rejects(b.execute(sleepOn(clock, 0)), BreakerOpenError);
    assert.equal((await b.tryExecute(sleepOn(clock, 0))).ok, false);
    e = await scrape(registry);
    assert.equal(valueOf(e, N.state, { name: 'payments', state: 'open' }), 1);
    assert.equal(valueOf(e, N.state, { name: 'payments', state: 'closed' }), 0);
    assert.equal(valueOf(e, N.transitions, { name: 'payments', from: 'closed', to: 'open' }), 1);
    assert.equal(valueOf(e, N.notPermitted, { name: 'payments', reason: 'open' }), 2);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'payments', kind: 'failed' }), 6);
    assert.equal(valueOf(e, N.failureRate, { name: 'payments' }), -1);

    // The scrape itself reads the state, which applies the elapsed open wait.
    clock.advance(1000);
    e = await scrape(registry);
    assert.equal(valueOf(e, N.state, { name: 'payments', state: 'half-open' }), 1);
    assert.equal(valueOf(e, N.transitions, { name: 'payments', from: 'open', to: 'half-open' }), 1);
    let release: (v: number) => void = () => undefined;
    const probe = b.execute(() => new Promise<number>((r) => (release = r)));
    assert.equal((await b.tryExecute(sleepOn(clock, 0))).ok, false);
    release(1);
    await probe;
    e = await scrape(registry);
    assert.equal(valueOf(e, N.notPermitted, { name: 'payments', reason: 'too_many_requests' }), 1);
    assert.equal(
      valueOf(e, N.transitions, { name: 'payments', from: 'half-open', to: 'closed' }),
      1,
    );
    assert.equal(valueOf(e, N.state, { name: 'payments', state: 'closed' }), 1);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'payments', kind: 'successful' }), 3);
  });

  it('exports the failure and slow-call rates of a window and every threshold in force', async () => {
    const registry = new Registry();
    const clock = new ManualClock();
    const counted = new CircuitBreaker({
      name: 'search',
      clock,
      window: { kind: 'count', size: 10 },
      failureRateThreshold: 50,
      slowCallDuration: 100,
      slowCallRateThreshold: 80,
      minimumCalls: 4,
      maxRequests: 3,
      callTimeout: 5000,
      halfOpenTimeout: Infinity,
    });
    const timed = new CircuitBreaker({
      name: 'users',
      clock,
      window: { kind: 'time', size: 20_000, buckets: 4 },
      timeout: (opens) => opens * 1000,
    });
    using _m = registerMetrics([counted, timed], { registry });
    await counted.execute(sleepOn(clock, 1));
    await counted.execute(sleepOn(clock, 150));
    await assert.rejects(counted.execute(sleepOn(clock, 1, new Error('x'))));
    let e = await scrape(registry);
    assert.equal(valueOf(e, N.failureRate, { name: 'search' }), -1);
    assert.equal(valueOf(e, N.slowCallRate, { name: 'search' }), -1);
    await counted.execute(sleepOn(clock, 1));
    e = await scrape(registry);
    assert.equal(valueOf(e, N.failureRate, { name: 'search' }), 0.25);
    assert.equal(valueOf(e, N.slowCallRate, { name: 'search' }), 0.25);
    assert.deepEqual(
      select(e, N.config, { name: 'search' }).map((s) => [s.labels.param, s.value]),
      [
        ['failure_rate_threshold', 0.5],
        ['slow_call_rate_threshold', 0.8],
        ['slow_call_duration_seconds', 0.1],
        ['minimum_calls', 4],
        ['max_requests', 3],
        ['open_timeout_seconds', 60],
        ['call_timeout_seconds', 5],
        ['half_open_timeout_seconds', Infinity],
        ['window_calls', 10],
      ],
    );
    assert.deepEqual(
      select(e, N.config, { name: 'users' }).map((s) => [s.labels.param, s.value]),
      [
        ['minimum_calls', 1],
        ['max_requests', 1],
        ['half_open_timeout_seconds', 60],
        ['window_seconds', 20],
      ],
    );
    assert.match(await registry.metrics(), /param="half_open_timeout_seconds"} \+Inf\n/);
  });

  it('drops the series of a breaker removed from its source, at once or at the next scrape', async () => {
    const registry = new Registry();
    const a = new CircuitBreaker({ name: 'a' });
    const b = new CircuitBreaker({ name: 'b' });
    const set = fromBreakers(a, b);
    using _m = registerMetrics(set, { registry });
    await a.execute(() => 1);
    let e = await scrape(registry);
    assert.deepEqual([...new Set(e.samples.map((s) => s.labels.name))], ['a', 'b']);
    set.remove(a);
    e = await scrape(registry);
    assert.deepEqual([...new Set(e.samples.map((s) => s.labels.name))], ['b']);

    // A source without onAdd/onRemove is reconciled with breakers() at every scrape.
    const registry2 = new Registry();
    const list = [a];
    using _m2 = registerMetrics({ breakers: () => list }, { registry: registry2 });
    list.splice(0, 1, b);
    e = await scrape(registry2);
    assert.deepEqual([...new Set(e.samples.map((s) => s.labels.name))], ['b']);
    await b.execute(() => 1);
    e = await scrape(registry2);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'b', kind: 'successful' }), 1);
    // The breaker added later counts from the scrape that found it, not before.
    await a.execute(() => 1);
    list.push(a);
    e = await scrape(registry2);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'a', kind: 'successful' }), 0);
  });

  it('exports a replacement added before the breaker it replaces once that one is removed', async () => {
    const registry = new Registry();
    const old = new CircuitBreaker({ name: 'svc' });
    const set = fromBreakers(old);
    using _m = registerMetrics(set, { registry });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    const replacement = new CircuitBreaker({ name: 'svc' });
    set.add(replacement);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /two breakers are named "svc"/);
    replacement.forceOpen();
    let e = await scrape(registry);
    assert.equal(valueOf(e, N.state, { name: 'svc', state: 'closed' }), 1);
    set.remove(old);
    replacement.reset();
    e = await scrape(registry);
    assert.equal(valueOf(e, N.state, { name: 'svc', state: 'closed' }), 1);
    // Counted from the moment it took over the name: the reset, not the earlier forceOpen.
    assert.equal(valueOf(e, N.transitions, { name: 'svc', from: 'open', to: 'closed' }), 1);
    assert.equal(valueOf(e, N.transitions, { name: 'svc', from: 'closed', to: 'open' }), 0);
  });

  it('shares one set of series between registrations on a registry; close() unregisters the last', async () => {
    const registry = new Registry();
    const a = new CircuitBreaker({ name: 'a' });
    const b = new CircuitBreaker({ name: 'b' });
    const first = registerMetrics(a, { registry });
    const second = registerMetrics(b, { registry });
    let e = await scrape(registry);
    assert.deepEqual(
      select(e, N.state, { state: 'closed' }).map((s) => s.labels.name),
      ['a', 'b'],
    );
    assert.throws(() => registerMetrics(new CircuitBreaker({ name: 'a' }), { registry }), {
      name: 'TypeError',
      message: /a breaker named "a" is already exported/,
    });
    first.close();
    first.close();
    e = await scrape(registry);
    assert.deepEqual(
      select(e, N.state, { state: 'closed' }).map((s) => s.labels.name),
      ['b'],
    );
    second.close();
    assert.equal(await registry.metrics(), '\n');
    assert.equal(registry.getSingleMetric(N.state), undefined);
    // Registering again starts from zero: the old listeners are gone.
    await a.execute(() => 1);
    using _m = registerMetrics(a, { registry });
    e = await scrape(registry);
    assert.equal(valueOf(e, `${N.calls}_count`, { name: 'a', kind: 'successful' }), 0);
  });

  it('zeroes counters on registry.resetMetrics() and serves OpenMetrics counters once suffixed', async () => {
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(openMetricsContentType);
    const clock = new ManualClock();
    const b = new CircuitBreaker({ name: 'x', clock, readyToTrip: () => true });
    using _m = registerMetrics(b, { registry });
    await assert.rejects(b.execute(sleepOn(clock, 0, new Error('x'))));
    let text = await registry.metrics();
    assert.match(text, /^# TYPE breakwater_circuitbreaker_transitions counter$/m);
    assert.match(
      text,
      /^breakwater_circuitbreaker_transitions_total\{name="x",from="closed",to="open"\} 1$/m,
    );
    assert.doesNotMatch(text, /_total_total/);
    registry.resetMetrics();
    text = await registry.metrics();
    assert.match(
      text,
      /^breakwater_circuitbreaker_transitions_total\{name="x",from="closed",to="open"\} 0$/m,
    );
    assert.match(text, /^breakwater_circuitbreaker_state\{name="x",state="open"\} 1$/m);
  });

  it('escapes names in label values', async () => {
    const registry = new Registry();
    const name = 'we"ird\\name\nx';
    using _m = registerMetrics(new CircuitBreaker({ name }), { registry });
    const e = await scrape(registry);
    assert.equal(valueOf(e, N.state, { name, state: 'closed' }), 1);
  });

  it('rejects bad targets and options, naming the field', () => {
    const registry = new Registry();
    assert.throws(() => registerMetrics({} as never, { registry }), {
      name: 'TypeError',
      message:
        'registerMetrics(target): expected a CircuitBreaker, an array of them or a BreakerSource, got {}',
    });
    assert.throws(() => registerMetrics([new CircuitBreaker(), 3] as never, { registry }), {
      name: 'TypeError',
      message: 'registerMetrics(target): element 1 must be a CircuitBreaker, got 3',
    });
    const b = new CircuitBreaker({ name: 'b' });
    assert.throws(() => registerMetrics(b, { registry, bucket: [1] } as never), {
      name: 'TypeError',
      message: 'registerMetrics: unknown option "bucket" (known: registry, buckets)',
    });
    assert.throws(() => registerMetrics(b, { registry, buckets: [1, 0.5] }), {
      name: 'RangeError',
      message: 'registerMetrics: option buckets must be strictly ascending, got [1,0.5]',
    });
    assert.throws(() => registerMetrics(b, { registry, buckets: [-1] }), {
      name: 'RangeError',
      message: 'registerMetrics: option buckets[0] must be a finite number > 0, got -1',
    });
    assert.throws(() => registerMetrics(b, { registry: {} as never }), {
      name: 'TypeError',
      message: 'registerMetrics: option registry must be a prom-client Registry, got {}',
    });
    assert.throws(() => registerMetrics([b, new CircuitBreaker({ name: 'b' })], { registry }), {
      name: 'TypeError',
      message: /a breaker named "b" is already exported/,
    });
    using _m = registerMetrics(b, { registry, buckets: [1, 2] });
    assert.throws(() => registerMetrics(new CircuitBreaker({ name: 'c' }), { registry }), {
      name: 'RangeError',
      message:
        /option buckets \[0\.005,.*\] differ from the buckets already registered on this registry \[1,2\]/,
    });
  });

  it('leaves a metric it did not register alone', () => {
    const registry = new Registry();
    registry.registerMetric({ name: N.state, get: () => Promise.resolve({}) } as never);
    assert.throws(() => registerMetrics(new CircuitBreaker(), { registry }), {
      name: 'TypeError',
      message: `registerMetrics: the registry already has a metric named "${N.state}" that breakwater did not register`,
    });
  });
});
