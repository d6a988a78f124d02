import { ROOT_CONTEXT, SpanKind, context, trace } from '@opentelemetry/api';
import type { CircuitBreaker } from '../../core/circuit-breaker.js';
import type { CallEvent, StateChangeEvent } from '../../core/events.js';
import type { Disposer } from '../../core/types.js';
import { disposer } from '../../core/emitter.js';
import { BreakerWatcher, toSource, type BreakerTarget } from '../../manager/source.js';
import {
  addToActive,
  addTransition,
  callAttributes,
  isOwnTimeout,
  markOwnSpan,
  pendingTransition,
  resolveTracing,
  spanName,
  wallNow,
  type PendingTransition,
  type ResolvedTracing,
  type TracingOptions,
} from './common.js';

const NONE: readonly PendingTransition[] = [];

/** What {@link instrument} returns. */
export interface Instrumentation {
  /** Removes every listener it added. */
  close(): void;
  /** Catches up with a source that has no onAdd / onRemove (attaches new, drops gone). */
  reconcile(): void;
  [Symbol.dispose](): void;
}

/**
 * Traces breakers you do not call yourself (those of a manager, the HTTP client, adapters) from
 * their `onCall` / `onTransition` events; nothing is wrapped, and an uninstrumented breaker
 * pays nothing.
 *
 * - `mode: 'attributes'`: each call's outcome is set on the span active where the core reports
 *   it, which is the caller's context (attributes `breakwater.circuit_breaker.name`, `.state`,
 *   `.outcome`, `.rejection_reason`, `error.type`); each transition becomes a span event there.
 * - `mode: 'span'` (default): one INTERNAL span per call, child of the caller's active span,
 *   made when the outcome is known and back-dated by the duration the breaker measured (so the
 *   protected function's own spans are its siblings, not its children: use {@link traced} to
 *   nest them). Rejections are zero-length error spans. A transition a call causes becomes an
 *   event of that call's span; others go on the span active where they happen.
 *
 * The state attribute is the state after the outcome was applied. A `callTimeout` expiry is
 * reported from the breaker's shared timer, whose async context belongs to whichever call armed
 * it: such a call gets a span without parent in `'span'` mode and is left out in `'attributes'`
 * mode, rather than annotate another request's span.
 *
 * @param target a breaker, an array of breakers, or a source such as a manager
 */
export function instrument(target: BreakerTarget, options: TracingOptions = {}): Instrumentation {
  const tracing = resolveTracing(options, 'instrument');
  const source = toSource(target, 'instrument(target)');
  const watcher = new BreakerWatcher(source, (breaker) => attach(breaker, tracing));
  const close = disposer(() => {
    watcher.close();
  });
  return {
    close,
    reconcile: () => {
      watcher.reconcile();
    },
    [Symbol.dispose]: close,
  };
}

function attach(breaker: CircuitBreaker, tracing: ResolvedTracing): () => void {
  let pending: PendingTransition[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const left = pending;
    pending = [];
    addToActive(left);
  };
  const onTransition = (e: StateChangeEvent): void => {
    pending.push(pendingTransition(e));
    // Transitions a call causes are followed, in the same synchronous run, by that call's event;
    // whatever is left by then (a state read, forceOpen, reset) goes to the active span.
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };
  const onCall =
    tracing.mode === 'attributes'
      ? (e: CallEvent): void => {
          const caused = pending.length === 0 ? NONE : pending.splice(0);
          if (isOwnTimeout(e.error, breaker)) return;
          const span = trace.getActiveSpan();
          if (!span?.isRecording()) return;
          span.setAttributes(callAttributes(breaker, e));
          for (const t of caused) addTransition(span, t);
        }
      : (e: CallEvent): void => {
          const caused = pending.length === 0 ? NONE : pending.splice(0);
          const parent = isOwnTimeout(e.error, breaker) ? ROOT_CONTEXT : context.active();
          const end = wallNow();
          const start = Number.isNaN(e.duration) ? end : end - e.duration;
          const span = tracing.tracer.startSpan(
            spanName(breaker),
            { kind: SpanKind.INTERNAL, startTime: start },
            parent,
          );
          markOwnSpan(span, breaker, e);
          for (const t of caused) addTransition(span, t);
          span.end(end);
        };
  const offs: Disposer[] = [breaker.onTransition(onTransition), breaker.onCall(onCall)];
  return () => {
    for (const off of offs) off();
  };
}
