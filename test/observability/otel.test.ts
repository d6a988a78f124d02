import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { CallTimeoutError } from '../../src/core/errors.js';
import { instrument, traced } from '../../src/observability/otel/index.js';
import { fromBreakers } from '../../src/manager/source.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { AsyncLocalStorageContextManager } from './helpers/otel-context.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager());
trace.setGlobalTracerProvider(provider);
const tracer = provider.getTracer('test');

const NAME = 'breakwater.circuit_breaker.name';
const STATE = 'breakwater.circuit_breaker.state';
const OUTCOME = 'breakwater.circuit_breaker.outcome';
const REASON = 'breakwater.circuit_breaker.rejection_reason';
const TRANSITION = 'breakwater.circuit_breaker.transition';

class Excluded extends Error {}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const named = (name: string): ReadableSpan[] => spans().filter((s) => s.name === name);

/** `from>to (reason)` of a span's transition events, in order. */
function transitions(span: ReadableSpan | undefined): string[] {
  return (span?.events ?? [])
    .filter((e) => e.name === TRANSITION)
    .map(
      (e) =>
        `${String(e.attributes?.['breakwater.circuit_breaker.from'])}>${String(e.attributes?.['breakwater.circuit_breaker.to'])} (${String(e.attributes?.['breakwater.circuit_breaker.reason'])})`,
    );
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

/** Runs `fn` inside an active `caller` span and returns that span's id. */
async function inCaller(fn: (span: Span) => Promise<unknown>): Promise<string> {
  return tracer.startActiveSpan('caller', async (span) => {
    try {
      await fn(span);
    } finally {
      span.end();
    }
    return span.spanContext().spanId;
  });
}

describe('traced(breaker): a span per call', () => {
  beforeEach(() => {
    exporter.reset();
  });

  it('wraps each call in an INTERNAL span that is the parent of the spans fn makes', async () => {
    const b = new CircuitBreaker({ name: 'payments' });
    const t = traced(b, { tracer });
    const callerId = await inCaller(async () => {
      const v = await t.execute(async () => {
        tracer.startSpan('inner').end();
        return 42;
      });
      assert.equal(v, 42);
    });
    const [call] = named('circuit_breaker payments');
    assert.ok(call);
    assert.equal(call.kind, SpanKind.INTERNAL);
    assert.equal(parentOf(call), callerId);
    assert.deepEqual(call.attributes, {
      [NAME]: 'payments',
      [OUTCOME]: 'success',
      [STATE]: 'closed',
    });
    assert.equal(call.status.code, SpanStatusCode.UNSET);
    assert.equal(parentOf(named('inner')[0]!), call.spanContext().spanId);
    t.close();
  });

  it('marks failures, exclusions and rejections, with error.type', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({
      name: 'db',
      clock,
      timeout: 1000,
      maxRequests: 1,
      readyToTrip: (c) => c.consecutiveFailures >= 2,
      isExcluded: (e) => e instanceof Excluded,
    });
    const t = traced(b, { tracer });
    await assert.rejects(t.execute(() => Promise.reject(new TypeError('bad row'))));
    await assert.rejects(t.execute(() => Promise.reject(new Excluded('caller gone'))));
    await assert.rejects(t.execute(() => Promise.reject(new Error('down'))));
    const r = await t.tryExecute(() => 1);
    assert.equal(r.ok, false);
    clock.advance(1000);
    let release: () => void = () => undefined;
    const probe = t.execute(() => new Promise<void>((res) => (release = res)));
    await assert.rejects(
      t.execute(() => 1),
      { name: 'TooManyRequestsError' },
    );
    release();
    await probe;
    const all = named('circuit_breaker db');
    assert.deepEqual(
      all.map((s) => [
        s.attributes[OUTCOME],
        s.attributes[STATE],
        s.attributes['error.type'],
        s.attributes[REASON],
      ]),
      [
        ['failure', 'closed', 'TypeError', undefined],
        ['excluded', 'closed', undefined, undefined],
        ['failure', 'open', 'Error', undefined],
        ['rejected', 'open', 'BreakerOpenError', 'open'],
        ['rejected', 'half-open', 'TooManyRequestsError', 'too_many_requests'],
        ['success', 'closed', undefined, undefined],
      ],
    );
    assert.deepEqual(all[0]!.status, { code: SpanStatusCode.ERROR, message: 'bad row' });
    assert.deepEqual(
      all[0]!.events.map((e) => [
        e.name,
        e.attributes?.['exception.type'],
        e.attributes?.['exception.message'],
      ]),
      [['exception', 'TypeError', 'bad row']],
    );
    assert.deepEqual(all[1]!.status, { code: SpanStatusCode.UNSET });
    assert.deepEqual(all[3]!.status, {
      code: SpanStatusCode.ERROR,
      message: 'circuit breaker is open',
    });
    assert.deepEqual(all[4]!.status, { code: SpanStatusCode.ERROR, message: 'too many requests' });
    // Each transition lands on the span of the call that caused it, in order.
    assert.deepEqual(all.map(transitions), [
      [],
      [],
      ['closed>open (tripped)'],
      [],
      [],
      ['open>half-open (timeout-elapsed)', 'half-open>closed (probes-succeeded)'],
    ]);
    t.close();
  });

  it('matches a timeout reported from the shared timer to its own call', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({
      name: 'slow',
      clock,
      callTimeout: 100,
      readyToTrip: (c) => c.consecutiveFailures >= 2,
    });
    const t = traced(b, { tracer });
    const never = (): Promise<never> => new Promise<never>(() => undefined);
    const first = t.execute(never);
    clock.advance(50);
    const second = t.execute(never);
    clock.advance(50);
    await assert.rejects(first, CallTimeoutError);
    // The second call's deadline is met by the timer the first call armed, in its context.
    clock.advance(50);
    await assert.rejects(second, CallTimeoutError);
    const [a, c] = named('circuit_breaker slow');
    assert.equal(a!.attributes['error.type'], 'TimeoutError');
    assert.equal(c!.attributes['error.type'], 'TimeoutError');
    assert.deepEqual(transitions(a), []);
    assert.deepEqual(transitions(c), ['closed>open (tripped)']);
    assert.equal(c!.attributes[STATE], 'open');
    t.close();
  });

  it("annotates the caller's span in attributes mode and makes no span", async () => {
    const b = new CircuitBreaker({ name: 'search', readyToTrip: () => true });
    const t = traced(b, { tracer, mode: 'attributes' });
    await inCaller(async () => {
      await assert.rejects(t.execute(() => Promise.reject(new RangeError('x'))));
    });
    // Without an active span nothing is annotated, and the call still runs.
    assert.equal(
      await traced(new CircuitBreaker(), { tracer, mode: 'attributes' }).execute(() => 7),
      7,
    );
    assert.deepEqual(
      spans().map((s) => s.name),
      ['caller'],
    );
    const [caller] = spans();
    assert.deepEqual(caller!.attributes, {
      [NAME]: 'search',
      [OUTCOME]: 'failure',
      [STATE]: 'open',
      'error.type': 'RangeError',
    });
    assert.deepEqual(transitions(caller), ['closed>open (tripped)']);
    assert.equal(caller!.status.code, SpanStatusCode.UNSET);
    t.close();
  });

  it('rejects bad arguments, naming them', () => {
    assert.throws(() => traced({} as never), {
      name: 'TypeError',
      message: 'traced(breaker): expected a CircuitBreaker, got {}',
    });
    assert.throws(() => traced(new CircuitBreaker(), { mode: 'spans' as never }), {
      name: 'TypeError',
      message: "traced: option mode must be 'span' or 'attributes', got \"spans\"",
    });
    assert.throws(() => instrument(new CircuitBreaker(), { tracr: tracer } as never), {
      name: 'TypeError',
      message: 'instrument: unknown option "tracr" (known: tracer, mode)',
    });
  });
});

describe('instrument(source): tracing from breaker events', () => {
  beforeEach(() => {
    exporter.reset();
  });

  it('makes a back-dated span per call under the caller, with the global provider by default', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({
      name: 'users',
      clock,
      readyToTrip: (c) => c.consecutiveFailures >= 1,
    });
    using _i = instrument(b);
    const callerId = await inCaller(async () => {
      await b.execute(async () => {
        clock.advance(30);
        return 1;
      });
      await assert.rejects(b.execute(() => Promise.reject(new Error('down'))));
      await assert.rejects(
        b.execute(() => 1),
        { name: 'BreakerOpenError' },
      );
    });
    const calls = named('circuit_breaker users');
    assert.equal(calls.length, 3);
    for (const s of calls) assert.equal(parentOf(s), callerId);
    assert.deepEqual(
      calls.map((s) => [s.attributes[OUTCOME], s.attributes[STATE]]),
      [
        ['success', 'closed'],
        ['failure', 'open'],
        ['rejected', 'open'],
      ],
    );
    const ms = (s: ReadableSpan): number => s.duration[0] * 1e3 + s.duration[1] / 1e6;
    assert.ok(Math.abs(ms(calls[0]!) - 30) < 0.01, `duration ${ms(calls[0]!)}`);
    assert.equal(ms(calls[2]!), 0);
    assert.deepEqual(calls.map(transitions), [[], ['closed>open (tripped)'], []]);
  });

  it("sets attributes and transition events on the caller's span in attributes mode", async () => {
    const b = new CircuitBreaker({ name: 'mail', readyToTrip: () => true });
    using _i = instrument([b], { tracer, mode: 'attributes' });
    await inCaller(async () => {
      await assert.rejects(b.execute(() => Promise.reject(new SyntaxError('x'))));
      b.reset();
    });
    assert.deepEqual(
      spans().map((s) => s.name),
      ['caller'],
    );
    const [caller] = spans();
    assert.equal(caller!.attributes[OUTCOME], 'failure');
    assert.equal(caller!.attributes['error.type'], 'SyntaxError');
    // The reset happened in the caller's context too: it lands there, after the trip.
    assert.deepEqual(transitions(caller), ['closed>open (tripped)', 'open>closed (reset)']);
  });

  it('stops tracing a breaker removed from its source, and everything on close()', async () => {
    const a = new CircuitBreaker({ name: 'a' });
    const c = new CircuitBreaker({ name: 'c' });
    const set = fromBreakers(a, c);
    const inst = instrument(set, { tracer });
    await a.execute(() => 1);
    set.remove(a);
    await a.execute(() => 1);
    await c.execute(() => 1);
    inst.close();
    await c.execute(() => 1);
    assert.deepEqual(
      spans().map((s) => s.name),
      ['circuit_breaker a', 'circuit_breaker c'],
    );
  });
});
