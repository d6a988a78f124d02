import {
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import { BreakerError, ErrorCodes } from '../../core/errors.js';
import type { CallEvent, StateChangeEvent } from '../../core/events.js';
import { quote } from '../../core/options.js';
import { otelAttributes as A, transitionEventName } from '../metric-names.js';

/**
 * `'span'`: one INTERNAL span per protected call. `'attributes'`: no span of its own; the
 * outcome goes on the caller's active span as attributes.
 */
export type TracingMode = 'span' | 'attributes';

/** Options of `instrument` and `traced`. */
export interface TracingOptions {
  /**
   * The tracer to use. Default: `trace.getTracer('breakwater')` from `@opentelemetry/api`, which
   * follows whatever tracer provider the application registers, before or after this call.
   */
  tracer?: Tracer;
  /** Default `'span'`. */
  mode?: TracingMode;
}

/** Options after validation. */
export interface ResolvedTracing {
  tracer: Tracer;
  mode: TracingMode;
}

/** Validates tracing options; `where` names the caller in errors. */
export function resolveTracing(options: TracingOptions, where: string): ResolvedTracing {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`${where}: options must be an object, got ${quote(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'tracer' && key !== 'mode') {
      throw new TypeError(`${where}: unknown option ${quote(key)} (known: tracer, mode)`);
    }
  }
  const mode: unknown = options.mode ?? 'span';
  if (mode !== 'span' && mode !== 'attributes') {
    throw new TypeError(`${where}: option mode must be 'span' or 'attributes', got ${quote(mode)}`);
  }
  const tracer = options.tracer ?? trace.getTracer('breakwater');
  if (typeof (tracer as { startSpan?: unknown }).startSpan !== 'function') {
    throw new TypeError(
      `${where}: option tracer must be an OpenTelemetry Tracer, got ${quote(tracer)}`,
    );
  }
  return { tracer, mode };
}

/** The name of a call's span. */
export function spanName(breaker: CircuitBreaker): string {
  return breaker.name === '' ? 'circuit_breaker' : `circuit_breaker ${breaker.name}`;
}

/** Wall-clock time in ms with sub-ms precision, for span and event timestamps. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A transition waiting to be put on a span, with where and when it happened. */
export interface PendingTransition {
  event: StateChangeEvent;
  /** Wall-clock ms. */
  time: number;
  /** The context active when it happened. */
  ctx: Context;
}

/** Records a transition as it happens. */
export function pendingTransition(event: StateChangeEvent): PendingTransition {
  return { event, time: wallNow(), ctx: context.active() };
}

/** Adds the transition event to `span`. */
export function addTransition(span: Span, t: PendingTransition): void {
  span.addEvent(
    transitionEventName,
    {
      [A.name]: t.event.name,
      [A.from]: t.event.from,
      [A.to]: t.event.to,
      [A.reason]: t.event.reason,
    },
    t.time,
  );
}

/** Puts each transition on the span that was active where it happened, if it still records. */
export function addToActive(transitions: readonly PendingTransition[]): void {
  for (const t of transitions) {
    const span = trace.getSpan(t.ctx);
    if (span?.isRecording()) addTransition(span, t);
  }
}

/**
 * `error.type` of a failure or rejection: the error's `name` for Error instances
 * (`'BreakerOpenError'`, `'TimeoutError'`, `'TypeError'`, ...), `'_OTHER'` for anything else.
 */
export function errorType(error: unknown): string {
  if (error instanceof Error || BreakerError.is(error)) {
    const name: unknown = error.name;
    return typeof name === 'string' && name !== '' ? name : '_OTHER';
  }
  return '_OTHER';
}

/** True when `error` is this breaker's own call timeout, which the core reports from a timer. */
export function isOwnTimeout(error: unknown, breaker: CircuitBreaker): boolean {
  return (
    BreakerError.is(error) &&
    error.code === ErrorCodes.callTimeout &&
    error.breakerName === breaker.name
  );
}

/** What a span is told about a call. */
export interface CallFacts {
  outcome: CallEvent['outcome'];
  state: CallEvent['state'] | undefined;
  reason?: CallEvent['reason'] | undefined;
  error?: unknown;
}

/** The attributes of a call: name, state, outcome, and error.type / rejection reason. */
export function callAttributes(breaker: CircuitBreaker, facts: CallFacts): Attributes {
  const attributes: Attributes = { [A.name]: breaker.name, [A.outcome]: facts.outcome };
  if (facts.state !== undefined) attributes[A.state] = facts.state;
  if (facts.outcome === 'rejected') {
    attributes[A.rejectionReason] = facts.reason ?? 'open';
    attributes[A.errorType] = errorType(facts.error);
  } else if (facts.outcome === 'failure') {
    attributes[A.errorType] = errorType(facts.error);
  }
  return attributes;
}

/**
 * Marks a call's own span: attributes, then the error status and exception for failures and
 * rejections (a span of its own is the breaker's to mark; the caller's span is not).
 */
export function markOwnSpan(span: Span, breaker: CircuitBreaker, facts: CallFacts): void {
  span.setAttributes(callAttributes(breaker, facts));
  if (facts.outcome === 'failure') {
    if (facts.error instanceof Error) span.recordException(facts.error);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: facts.error instanceof Error ? facts.error.message : String(facts.error),
    });
  } else if (facts.outcome === 'rejected') {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message:
        facts.reason === 'too_many_requests' ? 'too many requests' : 'circuit breaker is open',
    });
  }
}
