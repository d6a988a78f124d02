import { AsyncLocalStorage } from 'node:async_hooks';
import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import type {
  CallOptions,
  CallResult,
  CircuitBreaker,
  Protected,
} from '../../core/circuit-breaker.js';
import { BreakerError, ErrorCodes } from '../../core/errors.js';
import type { CallEvent, StateChangeEvent } from '../../core/events.js';
import { quote } from '../../core/options.js';
import type { Disposer } from '../../core/types.js';
import { isBreaker } from '../../manager/source.js';
import {
  addToActive,
  addTransition,
  callAttributes,
  markOwnSpan,
  pendingTransition,
  resolveTracing,
  spanName,
  type CallFacts,
  type PendingTransition,
  type TracingOptions,
} from './common.js';

/** What the breaker reported about one call, with the transitions it caused. */
interface Report {
  event: CallEvent;
  transitions: PendingTransition[];
}

/** One traced call in progress. */
interface CallRecord {
  hub: Hub;
  ran: boolean;
  settled: boolean;
  report: Report | undefined;
  /** Transitions at its admission (open -> half-open, probe timeout). */
  transitions: PendingTransition[];
}

// Carries the traced call along the breaker's own promise callbacks, whatever context manager
// (if any) the application registered with OpenTelemetry.
const current = new AsyncLocalStorage<CallRecord>();

const isObject = (v: unknown): v is object =>
  (typeof v === 'object' && v !== null) || typeof v === 'function';

/**
 * Matches the breaker's reports to the traced calls they are about. The core reports a call in
 * one of three places: inside `execute` (a rejection, a synchronous result), in the callback it
 * chained on the call's promise (there the call's async context is current), or from a timer or
 * an abort listener (a timeout, the caller's abort), whose context is someone else's; the
 * report of the last kind always carries the very error the caller receives, so it is matched by
 * identity.
 */
class Hub {
  readonly breaker: CircuitBreaker;
  users = 0;
  /** The traced call whose `execute` is on the stack. */
  sync: CallRecord | undefined;
  inFlight = 0;
  pending: PendingTransition[] = [];
  readonly byError = new WeakMap<object, Report>();
  private scheduled = false;
  private readonly offs: Disposer[];

  constructor(breaker: CircuitBreaker) {
    this.breaker = breaker;
    this.offs = [
      breaker.onTransition((e) => {
        this.onTransition(e);
      }),
      breaker.onCall((e) => {
        this.onCall(e);
      }),
    ];
  }

  dispose(): void {
    for (const off of this.offs) off();
  }

  private onTransition(e: StateChangeEvent): void {
    this.pending.push(pendingTransition(e));
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => {
        this.scheduled = false;
        addToActive(this.pending.splice(0));
      });
    }
  }

  private onCall(e: CallEvent): void {
    const report: Report = { event: e, transitions: this.pending.splice(0) };
    const sync = this.sync;
    if (sync && !sync.report) {
      sync.report = report;
      return;
    }
    if (e.outcome === 'success') {
      const r = current.getStore();
      if (r?.hub === this && !r.report && !r.settled) {
        r.report = report;
        return;
      }
    } else if (this.inFlight > 0 && isObject(e.error)) {
      this.byError.set(e.error, report);
      return;
    }
    addToActive(report.transitions);
  }
}

const hubs = new WeakMap<CircuitBreaker, Hub>();

/** A breaker whose calls are traced: the same `execute` and `tryExecute`. */
export interface TracedBreaker {
  /** The breaker underneath. */
  readonly breaker: CircuitBreaker;
  /** `breaker.execute(fn, options)` inside a span (or annotating the caller's span). */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>>;
  /** `breaker.tryExecute(fn, options)`, traced the same way. */
  tryExecute<T>(fn: Protected<T>, options?: CallOptions): Promise<CallResult<Awaited<T>>>;
  /** Stops tracing: removes the listeners once no traced wrapper of the breaker is left. */
  close(): void;
}

/**
 * Wraps a breaker so that each call made through the wrapper is traced exactly:
 * - `mode: 'span'` (default): an INTERNAL span named `circuit_breaker <name>` starts before
 *   admission and is the active span while `fn` runs, so the spans `fn` makes are its children.
 *   A rejected call gets a short error span. On settling it carries
 *   `breakwater.circuit_breaker.name`, `.state` (after the outcome), `.outcome`
 *   (`success | failure | excluded | rejected`), `.rejection_reason`, and `error.type` on
 *   failures and rejections; failures record the exception and set the error status.
 * - `mode: 'attributes'`: no span of its own; the same attributes go on the caller's active
 *   span (nothing happens when there is none).
 * Each state transition a call causes (or meets at admission) is added to that call's span as a
 * `breakwater.circuit_breaker.transition` event with `.from`, `.to`, `.reason`, in order;
 * transitions no traced call caused go on the span active where they happened.
 *
 * The outcome is what the breaker recorded (its `isExcluded` / `isSuccessful` included); only
 * for a primitive thrown value from a timer are the predicates asked again.
 */
export function traced(breaker: CircuitBreaker, options: TracingOptions = {}): TracedBreaker {
  if (!isBreaker(breaker)) {
    throw new TypeError(`traced(breaker): expected a CircuitBreaker, got ${quote(breaker)}`);
  }
  const { tracer, mode } = resolveTracing(options, 'traced');
  let hub = hubs.get(breaker);
  if (!hub) {
    hub = new Hub(breaker);
    hubs.set(breaker, hub);
  }
  hub.users++;
  const h = hub;
  let closed = false;
  const name = spanName(breaker);

  const start = (): { span: Span; ctx: ReturnType<typeof context.active> } | undefined => {
    const parent = context.active();
    if (mode === 'span') {
      const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL }, parent);
      return { span, ctx: trace.setSpan(parent, span) };
    }
    const span = trace.getSpan(parent);
    return span?.isRecording() ? { span, ctx: parent } : undefined;
  };

  const run = <R>(
    fn: Protected<unknown>,
    call: (wrapped: Protected<unknown>) => Promise<R>,
    outcome: (value: R) => { ok: boolean; error?: unknown },
  ): Promise<R> => {
    const where = start();
    if (!where || closed) return call(fn);
    const record: CallRecord = {
      hub: h,
      ran: false,
      settled: false,
      report: undefined,
      transitions: [],
    };
    // Rest parameters keep `wrapped.length` at 0 like `fn` may be: the breaker builds an
    // AbortController only for functions that declare a signal parameter.
    const wrapped: Protected<unknown> =
      fn.length > 0
        ? (signal) => {
            record.ran = true;
            if (h.pending.length > 0) record.transitions.push(...h.pending.splice(0));
            return fn(signal);
          }
        : (...args: [AbortSignal]) => {
            record.ran = true;
            if (h.pending.length > 0) record.transitions.push(...h.pending.splice(0));
            return fn(...args);
          };
    const outer = h.sync;
    h.sync = record;
    h.inFlight++;
    let promise: Promise<R>;
    try {
      promise = context.with(where.ctx, () => current.run(record, () => call(wrapped)));
    } finally {
      h.sync = outer;
    }
    const finish = (ok: boolean, error: unknown): void => {
      h.inFlight--;
      record.settled = true;
      const facts = settle(record, ok, error);
      const transitions = [...record.transitions, ...(record.report?.transitions ?? [])];
      if (mode === 'span') {
        markOwnSpan(where.span, breaker, facts);
        for (const t of transitions) addTransition(where.span, t);
        where.span.end();
      } else {
        where.span.setAttributes(callAttributes(breaker, facts));
        for (const t of transitions) addTransition(where.span, t);
      }
    };
    return promise.then(
      (value) => {
        const o = outcome(value);
        finish(o.ok, o.error);
        return value;
      },
      (error: unknown) => {
        finish(false, error);
        throw error;
      },
    );
  };

  const settle = (record: CallRecord, ok: boolean, error: unknown): CallFacts => {
    if (!ok && !record.report && isObject(error)) {
      record.report = h.byError.get(error);
      h.byError.delete(error);
    }
    const e = record.report?.event;
    if (e) return { outcome: e.outcome, state: e.state, reason: e.reason, error: e.error };
    if (ok) return { outcome: 'success', state: undefined };
    if (!record.ran) {
      // Not admitted and no report: the caller's signal was aborted before the call.
      if (BreakerError.is(error) && error.code === ErrorCodes.open) {
        return { outcome: 'rejected', state: 'open', reason: 'open', error };
      }
      if (BreakerError.is(error) && error.code === ErrorCodes.tooManyRequests) {
        return { outcome: 'rejected', state: 'half-open', reason: 'too_many_requests', error };
      }
      return { outcome: 'excluded', state: undefined, error };
    }
    const o = breaker.settings;
    let outcome: CallFacts['outcome'] = 'failure';
    try {
      if (o.isExcluded?.(error)) outcome = 'excluded';
      else if (o.isSuccessful?.(error)) outcome = 'success';
    } catch {
      // The breaker reported the throw when it classified the call.
    }
    return { outcome, state: undefined, error };
  };

  return {
    breaker,
    execute: <T>(fn: Protected<T>, options?: CallOptions) =>
      run<Awaited<T>>(
        fn,
        (wrapped) => breaker.execute(wrapped as Protected<T>, options),
        () => ({ ok: true }),
      ),
    tryExecute: <T>(fn: Protected<T>, options?: CallOptions) =>
      run<CallResult<Awaited<T>>>(
        fn,
        (wrapped) => breaker.tryExecute(wrapped as Protected<T>, options),
        (r) => (r.ok ? { ok: true } : { ok: false, error: r.error }),
      ),
    close: () => {
      if (closed) return;
      closed = true;
      h.users--;
      if (h.users === 0) {
        h.dispose();
        hubs.delete(breaker);
      }
    },
  };
}
