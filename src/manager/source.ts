import { CircuitBreaker } from '../core/circuit-breaker.js';
import { Emitter, reportListenerError } from '../core/emitter.js';
import { quote } from '../core/options.js';
import type { Disposer } from '../core/types.js';

/**
 * What a {@link BreakerSource}'s `onAdd` / `onRemove` may return: any function that undoes the
 * subscription. Kept for sources of your own; `BreakerSet` and the manager return the core's
 * {@link Disposer}, which is one (and works with `using`).
 */
export type Unsubscribe = () => void;

/**
 * What every exporter in `src/observability` watches: a changing set of breakers. A manager
 * implements it; {@link fromBreakers} makes one from breakers at hand.
 *
 * Only `breakers()` is required. `onAdd` lets exporters attach to a breaker from its first call
 * on; `onRemove` makes a removed (evicted) breaker disappear at once. Without them, exporters
 * reconcile with `breakers()` when they next look (a scrape, a health request, an alert tick).
 */
export interface BreakerSource {
  /** The breakers that exist now. Called often (every scrape): keep it cheap. */
  breakers(): Iterable<CircuitBreaker>;
  /** Calls `listener` with every breaker added from now on, after it is in `breakers()`. */
  onAdd?(listener: (breaker: CircuitBreaker) => void): () => void;
  /** Calls `listener` with every breaker removed from now on, once it left `breakers()`. */
  onRemove?(listener: (breaker: CircuitBreaker) => void): () => void;
}

/** What the exporters accept: one breaker, an array of breakers, or a {@link BreakerSource}. */
export type BreakerTarget = CircuitBreaker | readonly CircuitBreaker[] | BreakerSource;

/** True for a CircuitBreaker, also one made by another copy of the package. */
export function isBreaker(value: unknown): value is CircuitBreaker {
  return CircuitBreaker.is(value);
}

function isSource(value: unknown): value is BreakerSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { breakers?: unknown }).breakers === 'function'
  );
}

/**
 * A {@link BreakerSource} over a set of breakers you manage by hand: `add` and `remove` notify
 * whoever watches it, so a removed breaker disappears from metrics, health and alerts.
 */
export class BreakerSet implements BreakerSource {
  private readonly set = new Set<CircuitBreaker>();
  private readonly added = new Emitter<CircuitBreaker>('BreakerSet onAdd');
  private readonly removed = new Emitter<CircuitBreaker>('BreakerSet onRemove');

  /** @param breakers the initial members (validated like {@link add}). */
  constructor(breakers: Iterable<CircuitBreaker> = []) {
    for (const b of breakers) this.add(b);
  }

  /** Adds `breaker` (a no-op when present) and tells the `onAdd` listeners. */
  add(breaker: CircuitBreaker): this {
    if (!isBreaker(breaker)) {
      throw new TypeError(
        `BreakerSet.add(breaker): expected a CircuitBreaker, got ${quote(breaker)}`,
      );
    }
    if (this.set.has(breaker)) return this;
    this.set.add(breaker);
    this.added.emit(breaker);
    return this;
  }

  /** Removes `breaker`; tells the `onRemove` listeners and returns true when it was present. */
  remove(breaker: CircuitBreaker): boolean {
    if (!this.set.delete(breaker)) return false;
    this.removed.emit(breaker);
    return true;
  }

  /** True when `breaker` is a member. */
  has(breaker: CircuitBreaker): boolean {
    return this.set.has(breaker);
  }

  /** Number of members. */
  get size(): number {
    return this.set.size;
  }

  breakers(): Iterable<CircuitBreaker> {
    return this.set;
  }

  /** Calls `listener` with every breaker added from now on (through the core's `Emitter`). */
  onAdd(listener: (breaker: CircuitBreaker) => void): Disposer {
    return this.added.subscribe(listener);
  }

  /** Calls `listener` with every breaker removed from now on. */
  onRemove(listener: (breaker: CircuitBreaker) => void): Disposer {
    return this.removed.subscribe(listener);
  }
}

/**
 * A {@link BreakerSet} of the given breakers (or arrays of them).
 *
 * @example
 * const source = fromBreakers(payments, search);
 * registerMetrics(source);
 * source.remove(search); // its series disappear from the next scrape
 */
export function fromBreakers(
  ...breakers: (CircuitBreaker | readonly CircuitBreaker[])[]
): BreakerSet {
  const set = new BreakerSet();
  breakers.flat().forEach((b, i) => {
    if (!isBreaker(b)) {
      throw new TypeError(`fromBreakers: argument ${i} must be a CircuitBreaker, got ${quote(b)}`);
    }
    set.add(b);
  });
  return set;
}

/**
 * Turns what an exporter was given into a {@link BreakerSource}.
 * @param where names the caller in the error, e.g. `'registerMetrics(target)'`
 * @throws TypeError for anything else
 */
export function toSource(target: BreakerTarget, where: string): BreakerSource {
  if (isBreaker(target)) return fromBreakers(target);
  if (Array.isArray(target)) {
    const list = target as readonly unknown[];
    list.forEach((b, i) => {
      if (!isBreaker(b)) {
        throw new TypeError(`${where}: element ${i} must be a CircuitBreaker, got ${quote(b)}`);
      }
    });
    return fromBreakers(list as readonly CircuitBreaker[]);
  }
  if (isSource(target)) return target;
  throw new TypeError(
    `${where}: expected a CircuitBreaker, an array of them or a BreakerSource, got ${quote(target)}`,
  );
}

/** Why a watched breaker was let go: it left the source, or the watcher was closed. */
export type DetachReason = 'removed' | 'closed';

/**
 * Keeps one attachment per breaker of a source: `attach(breaker)` runs for every breaker that
 * joins (now, through `onAdd`, or found by {@link reconcile}) and the function it returns runs
 * when the breaker leaves (through `onRemove` or `reconcile`) or the watcher is closed.
 */
export class BreakerWatcher {
  private readonly source: BreakerSource;
  private readonly attach: (breaker: CircuitBreaker) => (reason: DetachReason) => void;
  private readonly attached = new Map<CircuitBreaker, (reason: DetachReason) => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;

  constructor(
    source: BreakerSource,
    attach: (breaker: CircuitBreaker) => (reason: DetachReason) => void,
  ) {
    this.source = source;
    this.attach = attach;
    const onAdd = source.onAdd?.((b) => {
      this.add(b);
    });
    if (onAdd) this.unsubscribe.push(onAdd);
    const onRemove = source.onRemove?.((b) => {
      this.remove(b, 'removed');
    });
    if (onRemove) this.unsubscribe.push(onRemove);
    for (const b of source.breakers()) this.add(b);
  }

  /** The breakers attached now. */
  get breakers(): IterableIterator<CircuitBreaker> {
    return this.attached.keys();
  }

  /** Attaches to breakers new in `source.breakers()` and detaches from those gone. */
  reconcile(): void {
    if (this.closed) return;
    const seen = new Set<CircuitBreaker>();
    for (const b of this.source.breakers()) {
      seen.add(b);
      this.add(b);
    }
    if (seen.size === this.attached.size) return;
    for (const b of [...this.attached.keys()]) if (!seen.has(b)) this.remove(b, 'removed');
  }

  /** Detaches from everything and stops listening to the source. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe.splice(0)) u();
    for (const b of [...this.attached.keys()]) this.remove(b, 'closed');
  }

  private add(breaker: CircuitBreaker): void {
    if (this.closed || this.attached.has(breaker)) return;
    this.attached.set(breaker, this.attach(breaker));
  }

  private remove(breaker: CircuitBreaker, reason: DetachReason): void {
    const detach = this.attached.get(breaker);
    if (!detach) return;
    this.attached.delete(breaker);
    try {
      detach(reason);
    } catch (error) {
      reportListenerError('breaker watcher detach', error);
    }
  }
}
