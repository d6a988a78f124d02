import { channels } from './channels.js';
import { checkDecision, type ExternalDecision } from './decisions.js';
import { Emitter, reportListenerError } from './emitter.js';
import { BreakerOpenError, TooManyRequestsError, isRefusal, type BreakerError } from './errors.js';
import type { CallEvent, StateChangeEvent, TransitionReason } from './events.js';
import { GuardedCall, type CallOwner } from './guarded-call.js';
import { readOwn } from './resolve-options.js';
import {
  DEFAULT_TIMEOUT,
  quote,
  resolveOptions,
  type BreakerOptions,
  type BreakerSnapshot,
  type ResolvedOptions,
} from './options.js';
import { NEVER_ABORTED } from './never-aborted.js';
import { isThenable } from './thenable.js';
import { normalQuantile, wilsonLowerBound, type TripRule } from './rules.js';
import { restoreSnapshot } from './snapshot.js';
import { TimeoutQueue } from './timeout-queue.js';
import type { CircuitState, Counts, Disposer, Outcome, RejectionReason } from './types.js';
import { CountWindow } from './windows/count-window.js';
import { TimeWindow } from './windows/time-window.js';
import {
  CLASSIFY,
  EXCLUDED,
  FAILURE,
  SLOW,
  SUCCESS,
  type OutcomeWindow,
} from './windows/window.js';

/** The function a breaker protects. It receives the call's signal. */
export type Protected<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/** Per-call options of `execute` and `tryExecute`. */
export interface CallOptions {
  /** The caller's signal: aborting it rejects the call with its reason (recorded as excluded). */
  signal?: AbortSignal | undefined;
}

/** What `tryExecute` resolves to: never a rejection. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

// Marks CircuitBreaker.prototype, so breakers of another copy of the package are recognised.
const breakerBrand = Symbol.for('breakwater.circuit-breaker');

/** Promise handlers that record the outcome of a call of `generation`. */
interface Handlers {
  generation: number;
  ok: (value: unknown) => unknown;
  fail: (error: unknown) => unknown;
}

function noop(value: unknown): unknown {
  return value;
}

// The clock reading of the last admission that read the clock; admission runs synchronously,
// so a rejection built right after it reuses the reading instead of paying for another.
let admittedAt = 0;

/** What a breaker keeps only once something needs it. */
interface Extras {
  transitions: Emitter<StateChangeEvent> | undefined;
  calls: Emitter<CallEvent> | undefined;
  // State changes caused while listeners run wait here, so delivery stays in order.
  pending: StateChangeEvent[];
  delivering: boolean;
  timeouts: TimeoutQueue | undefined;
  // The last `fn` seen to declare no parameter (see takesSignal).
  noSignalFn: unknown;
  // An external hold: while open, no half-open by elapsed time before this (-Infinity: none).
  holdUntil: number;
  // tryExecute's rejection, reused within one millisecond of one generation.
  rejection:
    | { at: number; generation: number; error: BreakerError; result: Promise<CallResult<never>> }
    | undefined;
}

const FORCED_NONE = 0;
const FORCED_OPEN = 1;
const DISABLED = 2;

// A programming error, not the dependency's: rejected before admission, so it cannot trip.
const notAFunction = (fn: unknown): TypeError =>
  new TypeError(`execute(fn): fn must be a function, got ${quote(fn)}`);

const notASignal = (signal: unknown): TypeError =>
  new TypeError(
    `execute(fn, options): options.signal must be an AbortSignal, got ${quote(signal)}`,
  );

// An empty parameter list at the start of a function's source: `() =>`, `async () =>`,
// `function name()`, `name() {` (methods), `async *name()`.
const NO_PARAMETERS = /^(?:async\s*)?(?:function\s*)?\*?\s*[\w$]*\s*\(\s*\)/;

// Duck-typed, so signals of other realms and AbortSignal-compatible polyfills work.
const isSignal = (value: unknown): value is AbortSignal =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<AbortSignal>).addEventListener === 'function' &&
  typeof (value as Partial<AbortSignal>).removeEventListener === 'function';

/**
 * A circuit breaker: closed (calls pass and are counted), open (calls are rejected at once) and
 * half-open (a few probe calls decide). The machine is lazy: time is read from the clock when a
 * call arrives or a getter is read, so an idle breaker holds no timer. Every state change starts
 * a new generation; outcomes of calls admitted in an older one are ignored.
 *
 * @example
 * const breaker = new CircuitBreaker({ name: 'payments', timeout: 30_000 });
 * const receipt = await breaker.execute((signal) => pay(order, { signal }));
 */
export class CircuitBreaker implements CallOwner {
  /** The `name` option. */
  readonly name: string;
  private readonly o: ResolvedOptions;
  private current: CircuitState = 'closed';
  private generation = 0;
  // closed: when counts clear next (Infinity without interval); open: when it turns half-open;
  // half-open: when the probes in flight time out (halfOpenTimeout after the last admission).
  private expiry = Infinity;
  private generationStart = 0;
  private openedAt = NaN;
  private opens = 0;
  private forced = FORCED_NONE;
  // Half-open episode: admissions taken and probes in flight. In half-open, `expiry` is when
  // in-flight probes time out.
  private admitted = 0;
  private inFlight = 0;
  // Admitted calls of any generation whose outcome has not been reported yet.
  private running = 0;
  private requests = 0;
  private successes = 0;
  private failures = 0;
  private exclusions = 0;
  private consecutiveSuccesses = 0;
  private consecutiveFailures = 0;
  private readonly window: OutcomeWindow | undefined;
  // Closed state needs the clock only with an interval or a window.
  private readonly timeSensitive: boolean;
  // Custom trip rules, and those of them that may reject a share of calls while closed.
  private readonly rules: readonly TripRule[];
  private readonly sharers: readonly TripRule[];
  // Closed admission reads the clock (an interval, or a rule that sheds a share of calls).
  private readonly admitReadsClock: boolean;
  // A closed success needs nothing but counting (no clock, no window, no custom rule).
  private readonly plainClosed: boolean;
  // The normal quantile of the `confidence` option; NaN without it.
  private readonly confidenceZ: number;
  // Listeners, timers and caches most breakers never need, kept apart so an idle breaker
  // stays small (thousands of per-key breakers are the norm behind a manager).
  private x: Extras | undefined;
  // The success and failure handlers of unmeasured calls of one generation, made once per
  // generation instead of twice per call.
  private h: Handlers | undefined;

  /**
   * @param options see {@link BreakerOptions}; every value is validated here, and a bad one
   * throws a TypeError or RangeError naming the option and quoting the value.
   */
  constructor(options: BreakerOptions = {}) {
    const o = resolveOptions(options);
    this.o = o;
    this.name = o.name;
    if (o.window) {
      this.window =
        o.window.kind === 'count'
          ? new CountWindow(o.window.size)
          : new TimeWindow(o.window.size, (o.window as { buckets: number }).buckets);
    }
    this.timeSensitive = o.interval > 0 || this.window !== undefined;
    this.rules = o.rules;
    this.sharers = o.rules.filter((rule) => rule.rejectionShare !== undefined);
    this.admitReadsClock = o.interval > 0 || this.sharers.length > 0;
    this.plainClosed = !this.timeSensitive && o.rules.length === 0;
    this.confidenceZ = o.confidence === undefined ? NaN : normalQuantile(o.confidence);
    const start = o.clock.now();
    // A clock that reads NaN or a string would make every deadline fire at once, or never.
    if (typeof start !== 'number' || Number.isNaN(start)) {
      throw new TypeError(
        `breaker option clock: now() must return a number of ms, got ${quote(start)}`,
      );
    }
    this.generationStart = start;
    this.expiry = o.interval > 0 ? start + o.interval : Infinity;
    // Read as resolveOptions reads them: own properties only, null for not given.
    const initialState = readOwn(options, 'initialState', 'initialState');
    if (initialState !== undefined) restoreSnapshot(this, initialState, start);
    const onStateChange = readOwn(options, 'onStateChange', 'onStateChange') as
      BreakerOptions['onStateChange'] | undefined;
    if (onStateChange) {
      this.onTransition((e) => {
        onStateChange(e.name, e.from, e.to);
      });
    }
    if (channels.created.hasSubscribers) channels.created.publish({ breaker: this });
  }

  /** True for a CircuitBreaker, also one made by another copy of the package (brand check). */
  static is(value: unknown): value is CircuitBreaker {
    return typeof value === 'object' && value !== null && breakerBrand in value;
  }

  /** The current state; reading it applies elapsed time (and fires any transition it causes). */
  get state(): CircuitState {
    if (this.forced === FORCED_NONE && (this.current !== 'closed' || this.timeSensitive)) {
      this.sync(this.o.clock.now());
    }
    return this.current;
  }

  /** A copy of the counts of the current generation, after applying elapsed time. */
  get counts(): Counts {
    this.refresh();
    return this.countsCopy();
  }

  /** Applies elapsed time to the state and the window. */
  private refresh(): void {
    if (this.current !== 'closed' || this.timeSensitive) {
      const now = this.o.clock.now();
      this.sync(now);
      this.window?.advance(now);
    }
  }

  /**
   * Failures / (successes + failures) of the current counts (in the window, if any), from 0 to
   * 1; -1 while there are fewer than `minimumCalls` such calls.
   */
  get failureRate(): number {
    const c = this.counts;
    const calls = c.totalSuccesses + c.totalFailures;
    return calls < this.o.minimumCalls || calls === 0 ? -1 : c.totalFailures / calls;
  }

  /** Slow calls / calls in the window, from 0 to 1; -1 without a window or too few calls. */
  get slowCallRate(): number {
    const w = this.window;
    if (!w || this.o.slowCallDuration === undefined) return -1;
    this.refresh();
    const calls = w.successes + w.failures;
    return calls < this.o.minimumCalls || calls === 0 ? -1 : w.slow / calls;
  }

  /**
   * Calls admitted and not settled yet, of any generation (a late result of an old generation
   * still counts until it arrives). A manager never evicts a breaker while this is above 0.
   */
  get callsInFlight(): number {
    return this.running;
  }

  /** Ms until an open breaker turns half-open: 0 when not open, `Infinity` when forced open. */
  get retryAfter(): number {
    if (this.state !== 'open') return 0;
    return this.retryAfterNow(this.o.clock.now());
  }

  /** `'open'` after `forceOpen()`, `'disabled'` after `disable()`, else `null`. */
  get forcedState(): 'open' | 'disabled' | null {
    return this.forced === FORCED_OPEN ? 'open' : this.forced === DISABLED ? 'disabled' : null;
  }

  /** The options in force, after defaults and coercion (read-only; for exporters and tools). */
  get settings(): Readonly<ResolvedOptions> {
    return this.o;
  }

  /**
   * Runs `fn` if the breaker admits the call, and records its outcome. Admission is decided
   * synchronously, before this returns. Never throws: a rejection by the breaker
   * (BreakerOpenError, TooManyRequestsError), a timeout (CallTimeoutError), the caller's abort
   * (the signal's reason) and `fn`'s own errors all come through the promise.
   *
   * @param fn receives the call's signal: the caller's, or one that `callTimeout` aborts (made
   * only when `fn` declares a parameter, since one that takes none cannot observe it).
   */
  execute<T>(fn: Protected<T>, options?: CallOptions): Promise<Awaited<T>> {
    if (typeof fn !== 'function') return Promise.reject(notAFunction(fn));
    let signal: AbortSignal | undefined;
    // Hostile getters (options.signal, signal.aborted, addEventListener) reject the call before
    // admission: execute never throws, and nothing is counted as in flight.
    try {
      signal = options?.signal;
      if (signal !== undefined && !isSignal(signal)) return Promise.reject(notASignal(signal));
      if (signal?.aborted) return Promise.reject(signal.reason);
    } catch (error) {
      return Promise.reject(error);
    }
    const generation = this.admit();
    if (typeof generation !== 'number') return Promise.reject(generation);
    return this.run(fn, generation, signal);
  }

  /**
   * Like `execute`, but resolves to `{ ok: true, value }` or `{ ok: false, error }` and never
   * rejects. A rejection by an open breaker throws nothing and allocates nothing new within
   * the same millisecond, for hot paths that expect many while a dependency is down.
   */
  tryExecute<T>(fn: Protected<T>, options?: CallOptions): Promise<CallResult<Awaited<T>>> {
    if (typeof fn !== 'function') return Promise.resolve({ ok: false, error: notAFunction(fn) });
    let signal: AbortSignal | undefined;
    try {
      signal = options?.signal;
      if (signal !== undefined && !isSignal(signal)) {
        return Promise.resolve({ ok: false, error: notASignal(signal) });
      }
      if (signal?.aborted) return Promise.resolve({ ok: false, error: signal.reason as unknown });
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    const generation = this.admitQuietly();
    if (typeof generation !== 'number') return generation;
    return this.run(fn, generation, signal).then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
  }

  /**
   * The two-step form: asks for admission now and returns `done(outcome)` to report the outcome
   * later (`true` success, `false` failure, `'excluded'` neither). A second `done` does nothing.
   * @throws BreakerOpenError or TooManyRequestsError when the call is not admitted.
   */
  allow(): (outcome: Outcome) => void {
    const generation = this.admit();
    if (typeof generation !== 'number') throw generation;
    const start = this.measuring() ? this.o.clock.now() : NaN;
    let done = false;
    return (outcome: Outcome) => {
      const given: unknown = outcome;
      if (given !== true && given !== false && given !== 'excluded') {
        throw new TypeError(
          `done(outcome): outcome must be true, false or 'excluded', got ${JSON.stringify(outcome)}`,
        );
      }
      if (done) return;
      done = true;
      this.finishCall(
        generation,
        start,
        outcome === true ? SUCCESS : outcome === false ? FAILURE : EXCLUDED,
        undefined,
      );
    };
  }

  /**
   * Applies a state decision taken outside this breaker (a fleet coordinator's): see
   * {@link ExternalDecision}. Ignored while forced (`forceOpen()`, `disable()`); a decision that
   * does not apply to the current state (a `close` while closed) does nothing. Listeners see the
   * transitions it causes as any other, with the reasons `'external-open'`,
   * `'external-half-open'`, `'external-close'` and `'lease-held'`.
   * @throws TypeError naming the field of a malformed decision.
   */
  decide(decision: ExternalDecision): void {
    const d = checkDecision(decision);
    if (this.forced !== FORCED_NONE) return;
    this.refresh();
    const now = this.o.clock.now();
    switch (d.type) {
      case 'open': {
        if (this.current === 'open') {
          this.expiry = (d.at ?? now) + (d.wait ?? this.openWait());
        } else {
          // `opens` grows in the transition, so the default wait is read after it.
          this.transition('open', now, 'external-open', undefined, d.at, d.wait);
        }
        return;
      }
      case 'half-open':
        if (this.current === 'open') this.transition('half-open', now, 'external-half-open');
        return;
      case 'close':
        if (this.current !== 'closed') this.transition('closed', now, 'external-close');
        return;
      case 'hold-open': {
        const until = d.until ?? Infinity;
        if (this.current === 'half-open' && this.admitted === 0) {
          this.transition('open', now, 'lease-held');
        }
        if (this.current === 'open') this.extras().holdUntil = until;
        return;
      }
      case 'release':
        if (this.x) this.x.holdUntil = -Infinity;
        return;
    }
  }

  /** Rejects every call until `reset()`, whatever time passes. */
  forceOpen(): void {
    // Elapsed time first, so the event's `from` and counts are those of this instant.
    this.refresh();
    this.forced = FORCED_OPEN;
    if (this.current === 'open') {
      this.newGeneration(this.o.clock.now());
      this.expiry = Infinity;
    } else this.transition('open', this.o.clock.now(), 'forced-open');
  }

  /** Lets every call pass and records nothing (state reads `'closed'`) until `reset()`. */
  disable(): void {
    this.refresh();
    this.forced = DISABLED;
    const now = this.o.clock.now();
    if (this.current === 'closed') this.newGeneration(now);
    else this.transition('closed', now, 'disabled');
  }

  /** Closed, counts cleared, back to normal. */
  reset(): void {
    this.refresh();
    this.forced = FORCED_NONE;
    const now = this.o.clock.now();
    if (this.current === 'closed') this.newGeneration(now);
    else this.transition('closed', now, 'reset');
  }

  /** Subscribes to state changes; delivered in order, after each change took effect. */
  onTransition(listener: (event: StateChangeEvent) => void): Disposer {
    const x = this.extras();
    return (x.transitions ??= new Emitter('onTransition')).subscribe(listener);
  }

  /** Subscribes to every call outcome and rejection. */
  onCall(listener: (event: CallEvent) => void): Disposer {
    const x = this.extras();
    return (x.calls ??= new Emitter('onCall')).subscribe(listener);
  }

  /** Drops every listener of this breaker (what a manager does when it evicts one). */
  dispose(): void {
    this.x?.transitions?.clear();
    this.x?.calls?.clear();
  }

  /** The state as plain JSON, to restore with the `initialState` option. */
  toJSON(): BreakerSnapshot {
    const state = this.state;
    const snapshot: BreakerSnapshot = {
      name: this.name,
      state,
      counts: this.counts,
      opens: this.opens,
      openedAt: Number.isNaN(this.openedAt) ? null : this.openedAt,
      halfOpenAt: state === 'open' && this.forced !== FORCED_OPEN ? this.expiry : null,
      generationStart: this.generationStart,
      forced: this.forcedState,
    };
    if (this.window) snapshot.window = this.window.save();
    return snapshot;
  }

  /** @internal Applies a validated snapshot; used by the `initialState` option. */
  restore(s: BreakerSnapshot, now: number): void {
    this.current = s.state;
    this.forced =
      s.forced === 'open' ? FORCED_OPEN : s.forced === 'disabled' ? DISABLED : FORCED_NONE;
    this.opens = s.opens;
    this.openedAt = s.openedAt ?? NaN;
    this.generationStart = s.generationStart;
    if (s.state === 'closed') {
      this.expiry = this.o.interval > 0 ? s.generationStart + this.o.interval : Infinity;
    } else if (s.state === 'open') {
      this.expiry = this.forced === FORCED_OPEN ? Infinity : (s.halfOpenAt ?? now);
    }
    const c = s.counts;
    this.requests = c.requests;
    this.successes = c.totalSuccesses;
    this.failures = c.totalFailures;
    this.exclusions = c.totalExclusions;
    this.consecutiveSuccesses = c.consecutiveSuccesses;
    this.consecutiveFailures = c.consecutiveFailures;
    if (s.window && this.window) this.window.restore(s.window);
  }

  // --- admission -------------------------------------------------------------------------

  /** Admits a call: returns its generation (-1: disabled, record nothing) or the error. */
  private admit(): number | BreakerError {
    const result = this.tryAdmit();
    if (typeof result === 'number') {
      this.running++;
      return result;
    }
    const error =
      result === 'shed'
        ? BreakerOpenError.fast(this.name, 0)
        : result === 'open'
          ? BreakerOpenError.fast(this.name, this.retryAfterNow(admittedAt))
          : TooManyRequestsError.fast(this.name);
    this.publishRejection(result === 'shed' ? 'open' : result, error);
    return error;
  }

  /** Like `admit`, but a rejection comes as a ready `{ ok: false }` promise, cached per ms. */
  private admitQuietly(): number | Promise<CallResult<never>> {
    const result = this.tryAdmit();
    if (typeof result === 'number') {
      this.running++;
      return result;
    }
    const now = admittedAt;
    if (result === 'shed') {
      const error = BreakerOpenError.fast(this.name, 0);
      this.publishRejection('open', error);
      return Promise.resolve({ ok: false, error });
    }
    const x = this.extras();
    let cached = x.rejection;
    if (cached?.at !== now || cached.generation !== this.generation) {
      const error =
        result === 'open'
          ? BreakerOpenError.fast(this.name, this.retryAfterNow(now))
          : TooManyRequestsError.fast(this.name);
      const settled: CallResult<never> = { ok: false, error };
      cached = { at: now, generation: this.generation, error, result: Promise.resolve(settled) };
      x.rejection = cached;
    }
    this.publishRejection(result, cached.error);
    return cached.result;
  }

  private tryAdmit(): number | RejectionReason | 'shed' {
    if (this.forced === DISABLED) return -1;
    // Closed without an interval needs no time to admit (a window reads it when recording).
    if (this.current === 'closed' && !this.admitReadsClock) {
      if (!this.window) this.requests++;
      return this.generation;
    }
    const now = this.o.clock.now();
    admittedAt = now;
    this.sync(now);
    if (this.current === 'closed') {
      if (this.sharers.length > 0 && this.o.random() < this.shareToReject(now)) return 'shed';
      if (!this.window) this.requests++;
      return this.generation;
    }
    if (this.current === 'open') return 'open';
    if (this.admitted >= this.o.maxRequests) return 'too_many_requests';
    this.admitted++;
    this.inFlight++;
    if (!this.window) this.requests++;
    this.expiry = now + this.o.halfOpenTimeout;
    return this.generation;
  }

  private retryAfterNow(now: number): number {
    if (this.forced === FORCED_OPEN) return Infinity;
    const hold = this.x?.holdUntil ?? -Infinity;
    // An indefinite hold ends with a decision, not at a time: report the normal wait left.
    const halfOpenAt = hold === Infinity ? this.expiry : Math.max(this.expiry, hold);
    return Math.max(0, halfOpenAt - now);
  }

  /** The largest share of calls a rule wants rejected now (0..1). */
  private shareToReject(now: number): number {
    let share = 0;
    for (const rule of this.sharers) {
      try {
        const s = rule.rejectionShare?.(now) ?? 0;
        if (s > share) share = s;
      } catch (error) {
        reportListenerError(
          `breaker ${JSON.stringify(this.name)} rule ${rule.name} rejectionShare`,
          error,
        );
      }
    }
    return share;
  }

  private publishRejection(reason: RejectionReason, error: unknown): void {
    if (!this.x?.calls?.active && !channels.call.hasSubscribers) return;
    this.publishCall({
      name: this.name,
      outcome: 'rejected',
      reason,
      duration: NaN,
      slow: false,
      stale: false,
      error,
      state: this.current,
    });
  }

  private measuring(): boolean {
    return (
      this.o.slowCallDuration !== undefined ||
      this.rules.length > 0 ||
      this.x?.calls?.active === true ||
      channels.call.hasSubscribers
    );
  }

  // --- running a call --------------------------------------------------------------------

  private run<T>(
    fn: Protected<T>,
    generation: number,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T>> {
    const start = this.measuring() ? this.o.clock.now() : NaN;
    if (signal === undefined && this.o.callTimeout === undefined) {
      let result: T | PromiseLike<T>;
      let thenable: boolean;
      try {
        result = fn(NEVER_ABORTED);
        // Inside the try: a `then` getter that throws is fn's failure, not execute's throw.
        thenable = isThenable(result);
      } catch (error) {
        this.finishCall(generation, start, CLASSIFY, error);
        return Promise.reject(error);
      }
      if (thenable) {
        // A native promise is chained directly; other thenables are adopted first.
        const promise =
          result instanceof Promise ? (result as Promise<Awaited<T>>) : Promise.resolve(result);
        if (Number.isNaN(start)) {
          // Nothing per call to remember but the generation: reuse its pair of handlers.
          const h = this.h?.generation === generation ? this.h : this.handlersFor(generation);
          return promise.then(h.ok, h.fail) as Promise<Awaited<T>>;
        }
        return promise.then(
          (value) => {
            this.recordSuccess(generation, start);
            return value;
          },
          (error: unknown) => {
            this.finishCall(generation, start, CLASSIFY, error);
            throw error;
          },
        );
      }
      this.recordSuccess(generation, start);
      return Promise.resolve(result as Awaited<T>);
    }
    return this.runGuarded(fn, generation, start, signal);
  }

  private handlersFor(generation: number): Handlers {
    // Assigned after the literal, not inside it: tools that keep function names (esbuild, so
    // tsx) would give closures written as literal properties a `name` property each, hundreds
    // of bytes per breaker once kept.
    const h: Handlers = { generation, ok: noop, fail: noop };
    h.ok = (value: unknown) => {
      this.recordSuccess(generation, NaN);
      return value;
    };
    h.fail = (error: unknown) => {
      this.finishCall(generation, NaN, CLASSIFY, error);
      throw error;
    };
    this.h = h;
    return h;
  }

  private runGuarded<T>(
    fn: Protected<T>,
    generation: number,
    start: number,
    signal: AbortSignal | undefined,
  ): Promise<Awaited<T>> {
    const timeout = this.o.callTimeout;
    let call: GuardedCall<Awaited<T>>;
    try {
      call = new GuardedCall<Awaited<T>>(this, generation, start, timeout ?? 0, signal);
    } catch (error) {
      // The caller's signal threw in addEventListener: the caller's fault, not the dependency's.
      this.finishCall(generation, start, EXCLUDED, error);
      return Promise.reject(error);
    }
    let callSignal = signal ?? NEVER_ABORTED;
    if (timeout !== undefined) {
      if (this.takesSignal(fn)) {
        call.controller = new AbortController();
        callSignal = call.controller.signal;
      }
      call.deadline = (Number.isNaN(start) ? this.o.clock.now() : start) + timeout;
      (this.extras().timeouts ??= new TimeoutQueue(this.o.clock)).add(call);
    }
    // A throw from fn, from a `then` getter or from `then` itself fails the call (a `then` that
    // settled it first wins): execute never throws, and no admitted call is left unsettled.
    try {
      const result = fn(callSignal) as Awaited<T> | PromiseLike<Awaited<T>>;
      if (isThenable(result)) {
        result.then(
          (value) => {
            call.succeed(value);
          },
          (error: unknown) => {
            call.fail(error);
          },
        );
      } else call.succeed(result);
    } catch (error) {
      call.fail(error);
    }
    return call.promise;
  }

  /**
   * Whether `fn` declares a parameter, so a per-call AbortController is worth making (one costs
   * ~10x a whole call: bench case "callTimeout, fn ignores the signal"). `fn.length` alone is 0
   * for `(signal = x) =>` and `(...args) =>`, so a length of 0 is confirmed on the source's
   * parameter list; the last function found to take none is remembered, so a loop calling the
   * same `fn` pays that once. Anything unreadable gets a signal.
   */
  private takesSignal(fn: (...args: never[]) => unknown): boolean {
    const x = this.extras();
    if (fn === x.noSignalFn) return false;
    let takes = true;
    try {
      takes = fn.length > 0 || !NO_PARAMETERS.test(Function.prototype.toString.call(fn));
    } catch {
      // A throwing `length` getter or an unprintable function (a Proxy): give it the signal.
    }
    if (!takes) x.noSignalFn = fn;
    return takes;
  }

  /** @internal See {@link CallOwner.afterTimedCall}. */
  afterTimedCall(): void {
    this.x?.timeouts?.trim();
  }

  /** @internal True while the shared per-call timeout timer is armed (for tests). */
  get timerArmed(): boolean {
    return this.x?.timeouts?.armed ?? false;
  }

  // --- recording outcomes ----------------------------------------------------------------

  /** The common case first: a success in a closed breaker that needs no clock and no event. */
  private recordSuccess(generation: number, start: number): void {
    if (
      generation === this.generation &&
      this.current === 'closed' &&
      this.plainClosed &&
      Number.isNaN(start) &&
      this.x?.calls === undefined &&
      !channels.call.hasSubscribers
    ) {
      this.running--;
      this.successes++;
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
      return;
    }
    this.finishCall(generation, start, SUCCESS, undefined);
  }

  /** @internal Records an outcome of a call admitted in `generation`. See {@link CallOwner}. */
  finishCall(generation: number, start: number, kind: number, error: unknown): void {
    this.running--;
    if (kind === CLASSIFY) kind = this.classify(error);
    const measured = !Number.isNaN(start);
    const needsNow = measured || this.current !== 'closed' || !this.plainClosed;
    // NaN: not read. Closed breakers without interval or window read the clock only to trip.
    const now = needsNow ? this.o.clock.now() : NaN;
    if (needsNow && this.forced === FORCED_NONE) this.sync(now);
    const duration = measured ? now - start : NaN;
    const slowLimit = this.o.slowCallDuration;
    const slow = slowLimit !== undefined && duration > slowLimit;
    const stale = generation !== this.generation || generation < 0;
    if (!stale) this.apply(kind, slow, now, duration);
    if (this.x?.calls?.active || channels.call.hasSubscribers) {
      this.publishCall({
        name: this.name,
        outcome: kind === SUCCESS ? 'success' : kind === FAILURE ? 'failure' : 'excluded',
        duration,
        slow,
        stale,
        error: kind === SUCCESS ? undefined : error,
        state: this.current,
      });
    }
  }

  private classify(error: unknown): number {
    // A policy inside this breaker refused the call: the dependency was never reached.
    if (isRefusal(error)) return EXCLUDED;
    const { isExcluded, isSuccessful } = this.o;
    try {
      if (isExcluded?.(error)) return EXCLUDED;
      if (isSuccessful?.(error)) return SUCCESS;
    } catch (predicateError) {
      reportListenerError(
        `breaker ${JSON.stringify(this.name)} isExcluded/isSuccessful`,
        predicateError,
      );
    }
    return FAILURE;
  }

  private apply(kind: number, slow: boolean, now: number, duration: number): void {
    const inHalfOpen = this.current === 'half-open';
    if (kind === EXCLUDED) {
      this.exclusions++;
      this.window?.record(EXCLUDED, now);
      if (inHalfOpen) {
        this.admitted--;
        this.inFlight--;
      } else if (this.current === 'closed' && this.rules.length > 0) {
        const rule = this.customTrip(now);
        if (rule !== undefined) this.transition('open', now, 'tripped', rule);
      }
      return;
    }
    const code = kind + (slow ? SLOW : 0);
    if (kind === SUCCESS) {
      this.successes++;
      this.consecutiveSuccesses++;
      this.consecutiveFailures = 0;
    } else {
      this.failures++;
      this.consecutiveFailures++;
      this.consecutiveSuccesses = 0;
    }
    this.window?.record(code, now);
    if (inHalfOpen) {
      this.inFlight--;
      if (kind === FAILURE) this.transition('open', now, 'probe-failed');
      else if (slow && this.o.slowCallRateThreshold !== undefined) {
        this.transition('open', now, 'probe-slow');
      } else if (this.consecutiveSuccesses >= this.o.maxRequests) {
        this.transition('closed', now, 'probes-succeeded');
      }
      return;
    }
    if (this.current !== 'closed') return;
    if (this.rules.length > 0) {
      for (const rule of this.rules) {
        try {
          rule.observe?.(kind === SUCCESS ? 'success' : 'failure', slow, duration, now);
        } catch (error) {
          reportListenerError(
            `breaker ${JSON.stringify(this.name)} rule ${rule.name} observe`,
            error,
          );
        }
      }
    }
    const rule = this.tripRule(kind) ?? (this.rules.length > 0 ? this.customTrip(now) : undefined);
    if (rule !== undefined) {
      this.transition('open', Number.isNaN(now) ? this.o.clock.now() : now, 'tripped', rule);
    }
  }

  /** The built-in rule that trips now, by name, if any. */
  private tripRule(kind: number): string | undefined {
    const trip = this.o.readyToTrip;
    if (kind === FAILURE && trip) {
      try {
        if (trip(this.countsCopy())) return 'consecutive';
      } catch (error) {
        reportListenerError(`breaker ${JSON.stringify(this.name)} readyToTrip`, error);
      }
    }
    const w = this.window;
    if (!w) return undefined;
    const calls = w.successes + w.failures;
    if (calls < this.o.minimumCalls || calls === 0) return undefined;
    const { failureRateThreshold: fr, slowCallRateThreshold: sr } = this.o;
    const z = this.confidenceZ;
    if (!Number.isNaN(z)) {
      if (fr !== undefined && wilsonLowerBound(w.failures, calls, z) * 100 >= fr) {
        return 'failure-rate';
      }
      return sr !== undefined && wilsonLowerBound(w.slow, calls, z) * 100 >= sr
        ? 'slow-call-rate'
        : undefined;
    }
    // Compared as products so that a rate exactly at the threshold trips without rounding.
    if (fr !== undefined && w.failures * 100 >= fr * calls) return 'failure-rate';
    return sr !== undefined && w.slow * 100 >= sr * calls ? 'slow-call-rate' : undefined;
  }

  /** The name of the first custom rule that trips now, if any. */
  private customTrip(now: number): string | undefined {
    if (Number.isNaN(now)) now = this.o.clock.now();
    const w = this.window;
    const context = {
      now,
      counts: this.countsCopy(),
      window: w
        ? { calls: w.successes + w.failures, failures: w.failures, slow: w.slow }
        : undefined,
    };
    for (const rule of this.rules) {
      try {
        if (rule.shouldTrip(context)) return rule.name;
      } catch (error) {
        reportListenerError(
          `breaker ${JSON.stringify(this.name)} rule ${rule.name} shouldTrip`,
          error,
        );
      }
    }
    return undefined;
  }

  // --- state machine ---------------------------------------------------------------------

  /** Applies every transition that time alone causes, at the instant each falls due. */
  private sync(now: number): void {
    if (this.forced !== FORCED_NONE) return;
    for (;;) {
      if (this.current === 'closed') {
        if (now >= this.expiry) {
          const interval = this.o.interval;
          const elapsed = Math.floor((now - this.generationStart) / interval);
          this.newGeneration(this.generationStart + elapsed * interval);
        }
        return;
      }
      if (this.current === 'open') {
        if (now < this.expiry) return;
        const hold = this.x?.holdUntil ?? -Infinity;
        if (now < hold) return;
        this.transition('half-open', Math.max(this.expiry, hold), 'timeout-elapsed');
      } else {
        if (this.inFlight === 0 || now < this.expiry) return;
        this.transition('open', this.expiry, 'probe-timeout');
      }
    }
  }

  /** Clears the counts and starts a new generation in the current state. */
  private newGeneration(start: number): void {
    this.generation++;
    this.clearCounts();
    if (this.current === 'closed') {
      this.generationStart = start;
      this.expiry = this.o.interval > 0 ? start + this.o.interval : Infinity;
    }
  }

  private clearCounts(): void {
    this.requests = this.successes = this.failures = this.exclusions = 0;
    this.consecutiveSuccesses = this.consecutiveFailures = 0;
    this.window?.reset();
  }

  /** The one place that changes `current`. Emits after the new state is consistent. */
  private transition(
    to: CircuitState,
    at: number,
    reason: TransitionReason,
    rule?: string,
    waitFrom?: number,
    wait?: number,
  ): void {
    const from = this.current;
    const listening = this.x?.transitions?.active === true || channels.state.hasSubscribers;
    // A transition that time caused (probe timeout) falls due before anyone read the window:
    // age it to `at` first, so the event shows the counts of that instant.
    if (listening) this.window?.advance(at);
    const counts = listening ? this.countsCopy() : undefined;
    this.current = to;
    this.newGeneration(at);
    if (to === 'open') {
      this.opens++;
      this.openedAt = at;
      this.expiry =
        this.forced === FORCED_OPEN ? Infinity : (waitFrom ?? at) + (wait ?? this.openWait());
    } else if (to === 'half-open') {
      this.admitted = 0;
      this.inFlight = 0;
      this.expiry = Infinity;
    } else {
      this.opens = 0;
    }
    // A hold lasts only while open: any way out of open ends it.
    if (to !== 'open' && this.x) this.x.holdUntil = -Infinity;
    if (counts) {
      const event: StateChangeEvent = { name: this.name, from, to, at, reason, counts };
      if (rule !== undefined) event.rule = rule;
      this.emitTransition(event);
    }
  }

  private openWait(): number {
    const timeout = this.o.timeout;
    if (typeof timeout === 'number') return timeout;
    try {
      const ms = timeout(this.opens);
      if (typeof ms === 'number' && ms > 0) return ms;
      reportListenerError(
        `breaker ${JSON.stringify(this.name)} timeout(${this.opens})`,
        new RangeError(`returned ${String(ms)}; using ${DEFAULT_TIMEOUT} ms`),
      );
    } catch (error) {
      reportListenerError(`breaker ${JSON.stringify(this.name)} timeout(${this.opens})`, error);
    }
    return DEFAULT_TIMEOUT;
  }

  // Events caused by a listener are queued behind the one being delivered, so every listener
  // sees transitions in the order they happened, even when a listener changes the state.
  private emitTransition(event: StateChangeEvent): void {
    const x = this.extras();
    x.pending.push(event);
    if (x.delivering) return;
    x.delivering = true;
    try {
      for (let next = x.pending.shift(); next; next = x.pending.shift()) {
        x.transitions?.emit(next);
        if (channels.state.hasSubscribers) channels.state.publish({ breaker: this, ...next });
      }
    } finally {
      x.delivering = false;
    }
  }

  private extras(): Extras {
    return (this.x ??= {
      transitions: undefined,
      calls: undefined,
      pending: [],
      delivering: false,
      timeouts: undefined,
      holdUntil: -Infinity,
      noSignalFn: undefined,
      rejection: undefined,
    });
  }

  private publishCall(event: CallEvent): void {
    this.x?.calls?.emit(event);
    if (channels.call.hasSubscribers) channels.call.publish({ breaker: this, ...event });
  }

  private countsCopy(): Counts {
    const w = this.window;
    if (w) {
      return {
        requests: w.successes + w.failures + w.exclusions,
        totalSuccesses: w.successes,
        totalFailures: w.failures,
        totalExclusions: w.exclusions,
        consecutiveSuccesses: this.consecutiveSuccesses,
        consecutiveFailures: this.consecutiveFailures,
      };
    }
    return {
      requests: this.requests,
      totalSuccesses: this.successes,
      totalFailures: this.failures,
      totalExclusions: this.exclusions,
      consecutiveSuccesses: this.consecutiveSuccesses,
      consecutiveFailures: this.consecutiveFailures,
    };
  }
}
Object.defineProperty(CircuitBreaker.prototype, breakerBrand, { value: true });
