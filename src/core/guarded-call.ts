import { CallTimeoutError } from './errors.js';
import type { Expirable } from './timeout-queue.js';
import { CLASSIFY, EXCLUDED, FAILURE, SUCCESS } from './windows/window.js';

/** What a guarded call reports its outcome to: the breaker that admitted it. */
export interface CallOwner {
  /**
   * Records an outcome: `kind` is SUCCESS, FAILURE, EXCLUDED, or CLASSIFY (a thrown value the
   * breaker's `isExcluded` / `isSuccessful` decide on).
   */
  finishCall(generation: number, start: number, kind: number, error: unknown): void;
  /** Called after a call with a deadline settled, so the breaker can trim its timeout queue. */
  afterTimedCall(): void;
  /** The breaker's name, for CallTimeoutError. */
  readonly name: string;
}

// The promise executor is one shared function rather than a closure per call: it runs
// synchronously inside `new Promise`, so the call being built is handed over in a variable.
let building: GuardedCall<never> | undefined;
function captureSettlers(resolve: (value: never) => void, reject: (reason: unknown) => void): void {
  if (building) {
    building.resolve = resolve;
    building.reject = reject;
  }
}

/**
 * One admitted call that can end before `fn` does: by the caller's signal (recorded as
 * excluded, rejected with the signal's reason) or by `callTimeout` (recorded as a failure,
 * rejected with CallTimeoutError). Whatever comes first settles it; everything later is ignored,
 * so a call settles exactly once and `fn`'s late rejection is still handled.
 */
export class GuardedCall<T> implements Expirable {
  deadline = Infinity;
  settled = false;
  next: Expirable | undefined = undefined;
  /** Aborted on timeout or caller abort; present only when `fn` takes a signal. */
  controller: AbortController | undefined = undefined;
  /** Settles with the call: what `execute` returns. */
  readonly promise: Promise<T>;
  resolve: (value: T) => void = noop;
  reject: (reason: unknown) => void = noop;
  private readonly owner: CallOwner;
  private readonly generation: number;
  private readonly start: number;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly timeout: number;

  /**
   * @param timeout the breaker's callTimeout in ms (0: none), for CallTimeoutError
   * @param callerSignal the caller's signal; this call listens to it until it settles
   */
  constructor(
    owner: CallOwner,
    generation: number,
    start: number,
    timeout: number,
    callerSignal: AbortSignal | undefined,
  ) {
    this.owner = owner;
    this.generation = generation;
    this.start = start;
    this.timeout = timeout;
    this.callerSignal = callerSignal;
    building = this as unknown as GuardedCall<never>;
    this.promise = new Promise<T>(captureSettlers);
    building = undefined;
    if (callerSignal) callerSignal.addEventListener('abort', this);
  }

  /** `fn` resolved. */
  succeed(value: T): void {
    if (this.settled) return;
    this.close();
    this.owner.finishCall(this.generation, this.start, SUCCESS, undefined);
    this.resolve(value);
  }

  /** `fn` threw or rejected. */
  fail(error: unknown): void {
    if (this.settled) return;
    this.close();
    this.owner.finishCall(this.generation, this.start, CLASSIFY, error);
    this.reject(error);
  }

  /** The deadline passed first. */
  expire(): void {
    if (this.settled) return;
    const error = new CallTimeoutError(this.owner.name, this.timeout);
    this.close();
    this.controller?.abort(error);
    // Recorded as a plain failure: a timeout is the dependency's fault, whatever the predicates say.
    this.owner.finishCall(this.generation, this.start, FAILURE, error);
    this.reject(error);
  }

  /**
   * The caller's signal aborted. This object is the abort listener itself (EventListener's
   * `handleEvent`), so a guarded call allocates no closure for it.
   */
  handleEvent(): void {
    if (this.settled) return;
    const reason: unknown = this.callerSignal?.reason;
    this.close();
    this.controller?.abort(reason);
    this.owner.finishCall(this.generation, this.start, EXCLUDED, reason);
    this.reject(reason);
  }

  private close(): void {
    this.settled = true;
    this.callerSignal?.removeEventListener('abort', this);
    if (this.deadline !== Infinity) this.owner.afterTimedCall();
  }
}

function noop(): void {
  // Replaced by the promise's settlers before any use.
}
