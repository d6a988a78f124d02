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
  controller: AbortController | undefined;
  private readonly owner: CallOwner;
  private readonly generation: number;
  private readonly start: number;
  private readonly resolve: (value: T) => void;
  private readonly reject: (reason: unknown) => void;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly breakerName: string;
  private readonly timeout: number;

  constructor(
    owner: CallOwner,
    breakerName: string,
    generation: number,
    start: number,
    timeout: number,
    callerSignal: AbortSignal | undefined,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
  ) {
    this.owner = owner;
    this.breakerName = breakerName;
    this.generation = generation;
    this.start = start;
    this.timeout = timeout;
    this.callerSignal = callerSignal;
    this.resolve = resolve;
    this.reject = reject;
    if (callerSignal) callerSignal.addEventListener('abort', this.onAbort);
  }

  /** `fn` resolved. */
  readonly succeed = (value: T): void => {
    if (this.settled) return;
    this.close();
    this.owner.finishCall(this.generation, this.start, SUCCESS, undefined);
    this.resolve(value);
  };

  /** `fn` threw or rejected. */
  readonly fail = (error: unknown): void => {
    if (this.settled) return;
    this.close();
    this.owner.finishCall(this.generation, this.start, CLASSIFY, error);
    this.reject(error);
  };

  /** The deadline passed first. */
  expire(): void {
    if (this.settled) return;
    const error = new CallTimeoutError(this.breakerName, this.timeout);
    this.close();
    this.controller?.abort(error);
    // Recorded as a plain failure: a timeout is the dependency's fault, whatever the predicates say.
    this.owner.finishCall(this.generation, this.start, FAILURE, error);
    this.reject(error);
  }

  private readonly onAbort = (): void => {
    if (this.settled) return;
    const reason: unknown = this.callerSignal?.reason;
    this.close();
    this.controller?.abort(reason);
    this.owner.finishCall(this.generation, this.start, EXCLUDED, reason);
    this.reject(reason);
  };

  private close(): void {
    this.settled = true;
    this.callerSignal?.removeEventListener('abort', this.onAbort);
    if (this.deadline !== Infinity) this.owner.afterTimedCall();
  }
}
