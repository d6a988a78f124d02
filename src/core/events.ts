import type { CircuitState, Counts, OutcomeKind, RejectionReason } from './types.js';

/** Why a state changed. */
export type TransitionReason =
  /** closed -> open: `readyToTrip` or a rate rule fired. */
  | 'tripped'
  /** open -> half-open: the open wait (`timeout`) elapsed. */
  | 'timeout-elapsed'
  /** half-open -> open: a probe failed. */
  | 'probe-failed'
  /** half-open -> open: a probe was slow (with `slowCallRateThreshold`). */
  | 'probe-slow'
  /** half-open -> open: admitted probes did not settle within `halfOpenTimeout`. */
  | 'probe-timeout'
  /** half-open -> closed: `maxRequests` consecutive probes succeeded. */
  | 'probes-succeeded'
  /** `forceOpen()`. */
  | 'forced-open'
  /** `disable()`. */
  | 'disabled'
  /** `reset()`. */
  | 'reset'
  /** closed or half-open -> open: `decide({ type: 'open' })`. */
  | 'external-open'
  /** open -> half-open: `decide({ type: 'half-open' })`. */
  | 'external-half-open'
  /** open or half-open -> closed: `decide({ type: 'close' })`. */
  | 'external-close'
  /** half-open (no probe admitted yet) -> open: `decide({ type: 'hold-open' })`. */
  | 'lease-held';

/** Delivered to `onTransition` listeners and the `breakwater:breaker:state` channel. */
export interface StateChangeEvent {
  /** The breaker's `name`. */
  name: string;
  from: CircuitState;
  to: CircuitState;
  /** Clock time (ms) at which the change took effect by the rules (inclusive deadline). */
  at: number;
  reason: TransitionReason;
  /** The counts just before they were cleared: what caused the change. */
  counts: Counts;
  /**
   * With reason `'tripped'`: the rule that tripped: `'consecutive'` (`readyToTrip`, default or
   * given), `'failure-rate'`, `'slow-call-rate'`, or a custom rule's `name`.
   */
  rule?: string;
}

/** Delivered to `onCall` listeners and the `breakwater:breaker:call` channel. */
export interface CallEvent {
  name: string;
  /** `'rejected'` when the breaker did not admit the call. */
  outcome: OutcomeKind | 'rejected';
  /** Why it was rejected; only with `outcome: 'rejected'`. */
  reason?: RejectionReason;
  /** Duration in ms; `NaN` for a rejection, or when nobody listened as the call started. */
  duration: number;
  /** Strictly longer than `slowCallDuration`. */
  slow: boolean;
  /** A late result from an older generation: reported here, not counted by the breaker. */
  stale: boolean;
  /** What the call threw, for failures, exclusions and rejections. */
  error?: unknown;
  /** The state after the outcome was applied. */
  state: CircuitState;
}
