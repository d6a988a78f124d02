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
  // One entry per subscription (the same function may be subscribed twice), in order. A Map
  // makes adding and removing O(1): copying an array on every change made holding many
  // listeners quadratic (100,000 took about a minute).
  private readonly subscriptions = new Map<object, (event: T) => void>();
  // What `emit` iterates: rebuilt after a change, never mutated, so an ongoing delivery keeps
  // its own snapshot.
  private listeners: readonly ((event: T) => void)[] | undefined = [];
  private readonly label: string;

  /** @param label names the event in errors and warnings, e.g. `'onCall'`. */
  constructor(label: string) {
    this.label = label;
  }

  /** True when at least one listener is subscribed; lets callers skip building events. */
  get active(): boolean {
    return this.subscriptions.size > 0;
  }

  /** Number of listeners subscribed now. */
  get size(): number {
    return this.subscriptions.size;
  }

  /** Subscribes `listener`; the returned function unsubscribes it. */
  subscribe(listener: (event: T) => void): Disposer {
    if (typeof listener !== 'function') {
      throw new TypeError(`${this.label} listener must be a function, got ${typeof listener}`);
    }
    const key = {};
    this.subscriptions.set(key, listener);
    this.listeners = undefined;
    return disposer(() => {
      if (this.subscriptions.delete(key)) this.listeners = undefined;
    });
  }

  /** Delivers `event` to every listener; a listener that throws is reported and skipped. */
  emit(event: T): void {
    const snapshot = (this.listeners ??= [...this.subscriptions.values()]);
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
    this.subscriptions.clear();
    this.listeners = [];
  }
}
