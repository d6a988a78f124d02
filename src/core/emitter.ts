import type { Disposer } from './types.js';

/** Makes a {@link Disposer} from a function: callable, and usable with `using`. */
export function disposer(dispose: () => void): Disposer {
  let done = false;
  const fn = (() => {
    if (done) return;
    done = true;
    dispose();
  }) as Disposer;
  fn[Symbol.dispose] = fn;
  return fn;
}

/**
 * Reports an error thrown by a listener or a user callback without letting it reach the caller
 * or the breaker: as a process warning, which Node prints once per message unless handled.
 */
export function reportListenerError(where: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.emitWarning(`${where} threw: ${detail}`, { type: 'BreakwaterListenerError' });
}

/**
 * A typed event with listeners that can be added and removed at any time, even while the event
 * is being delivered: delivery works on a snapshot, so a listener added during delivery sees the
 * next event only, and one removed during delivery is still called for the current one.
 */
export class Emitter<T> {
  // Replaced, never mutated, so an ongoing delivery keeps its snapshot without copying.
  private listeners: readonly ((event: T) => void)[] = [];
  private readonly label: string;

  /** @param label names the event in errors and warnings, e.g. `'onCall'`. */
  constructor(label: string) {
    this.label = label;
  }

  /** True when at least one listener is subscribed; lets callers skip building events. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Number of listeners subscribed now. */
  get size(): number {
    return this.listeners.length;
  }

  /** Subscribes `listener`; the returned function unsubscribes it. */
  subscribe(listener: (event: T) => void): Disposer {
    if (typeof listener !== 'function') {
      throw new TypeError(`${this.label} listener must be a function, got ${typeof listener}`);
    }
    this.listeners = [...this.listeners, listener];
    return disposer(() => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners = this.listeners.filter((_, j) => j !== i);
    });
  }

  /** Delivers `event` to every listener; a listener that throws is reported and skipped. */
  emit(event: T): void {
    const snapshot = this.listeners;
    for (const listener of snapshot) {
      try {
        listener(event);
      } catch (error) {
        reportListenerError(`${this.label} listener`, error);
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.listeners = [];
  }
}
