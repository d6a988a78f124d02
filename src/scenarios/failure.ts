import { nameErrorClass } from '../core/errors.js';
import type { FailureKind } from './model.js';

/**
 * What a simulated dependency's call rejects with when it fails. It is the dependency's error,
 * not breakwater's, so it does not extend `BreakerError`: policies must count it as a failure.
 */
export class SimulatedFailure extends Error {
  /** Why the call failed: an error answer, the client's deadline, or a full queue. */
  readonly kind: FailureKind;
  /** ms the call took. */
  readonly duration: number;

  constructor(kind: FailureKind, duration: number) {
    super(`simulated dependency: ${kind}`);
    this.kind = kind;
    this.duration = duration;
  }
}
nameErrorClass(SimulatedFailure, 'SimulatedFailure');
