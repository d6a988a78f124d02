// The storage a fleet of coordinators shares, kept behind one small interface so the policy
// (pooled evidence, quorum, fencing, leases) is written once and tested against an in-memory
// store and the real Redis store with the same contract suite.
import type { Disposer } from '../core/types.js';

/** The fleet's state of one breaker. Generation 0 (closed) means "nothing decided yet". */
export interface FleetDecision {
  /** Bumped by every accepted publish; a publish naming an older one is refused (fencing). */
  readonly generation: number;
  readonly state: 'closed' | 'open';
  /** Store clock (ms) when the decision was taken; 0 for generation 0. */
  readonly at: number;
  /** With `open`: ms from `at` until a probe lease can be taken. */
  readonly wait: number;
  /** Instance id of the publisher (`''` for generation 0). */
  readonly by: string;
}

/** One instance's outcomes in the pooled window. `calls` counts successes and failures. */
export interface InstanceTotals {
  readonly instance: string;
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
}

/** Outcomes of one local time bucket, sent with how long ago (ms) that bucket was. */
export interface OutcomeBucket {
  /** Ms between the bucket's outcomes and the moment the batch was sent (>= 0). */
  readonly age: number;
  readonly successes: number;
  readonly failures: number;
  readonly slow: number;
}

/** What a flush sends: a batch of outcomes of one instance for one breaker. */
export interface FlushRequest {
  readonly instance: string;
  /**
   * The decision generation the outcomes were recorded under: written only when it is still
   * the current one (stale evidence of an ended episode is dropped). -1: read only.
   */
  readonly generation: number;
  /** The breaker's time window: total ms and number of buckets. */
  readonly window: { readonly size: number; readonly buckets: number };
  readonly buckets: readonly OutcomeBucket[];
  /** Ms every key of this breaker lives after this write (renewed by every write). */
  readonly ttl: number;
}

/** The reply to a flush: the store's clock, the decision, and the pooled window by instance. */
export interface FleetView {
  /** Store clock in ms. */
  readonly now: number;
  readonly decision: FleetDecision;
  /** False when the batch was not written (read-only, or its generation was stale). */
  readonly accepted: boolean;
  readonly instances: readonly InstanceTotals[];
  /** The probe lease of the current episode, if one is held. */
  readonly lease: { readonly holder: string; readonly ttl: number } | undefined;
}

/** A fenced publish: applied only when `expected` is the current generation. */
export interface PublishRequest {
  readonly expected: number;
  readonly state: 'closed' | 'open';
  /** With `open`: ms until a probe lease can be taken. */
  readonly wait: number;
  readonly by: string;
  /** Ms the decision lives at least (an open one lives `wait + ttl`). */
  readonly ttl: number;
}

/** Reply to a publish: the decision now in force (the new one when accepted). */
export interface PublishResult {
  readonly accepted: boolean;
  readonly now: number;
  readonly decision: FleetDecision;
}

/** A request for the half-open probe lease of an open episode. */
export interface LeaseRequest {
  /** The open decision the lease is for. */
  readonly generation: number;
  readonly instance: string;
  /** Ms the lease lives (renewed when its holder asks again). */
  readonly ttl: number;
}

/** Reply to a lease request. */
export interface LeaseResult {
  readonly granted: boolean;
  readonly now: number;
  /** Who holds the lease (`''`: nobody, e.g. not due yet or not open any more). */
  readonly holder: string;
  /** Ms until the lease expires, or until it can be taken when not due yet; 0 when unknown. */
  readonly ttl: number;
}

/** The shared storage of a fleet. Every method may reject (a store is a remote dependency). */
export interface FleetStore {
  /** Writes a batch (when its generation is current) and reads the fleet's view, atomically. */
  flush(name: string, request: FlushRequest): Promise<FleetView>;
  /** Publishes a decision if `expected` is the current generation; clears counts and lease. */
  publish(name: string, request: PublishRequest): Promise<PublishResult>;
  /** Takes (or renews) the probe lease of an open episode once its wait has passed. */
  acquireLease(name: string, request: LeaseRequest): Promise<LeaseResult>;
  /** Gives the lease back if `instance` holds it. */
  releaseLease(name: string, instance: string): Promise<void>;
  /** A cheap round trip; resolves to the store's clock in ms. */
  heartbeat(): Promise<number>;
  /**
   * Calls `listener` with every decision published for `name` from now on (best effort: a
   * message missed while disconnected is made up for by the next read).
   */
  subscribe(name: string, listener: (decision: FleetDecision) => void): Disposer;
  /** Releases what the store itself opened (subscriptions, a duplicated connection). */
  close(): Promise<void>;
}

/** The decision of a breaker nothing was decided for. */
export const NO_DECISION: FleetDecision = Object.freeze({
  generation: 0,
  state: 'closed',
  at: 0,
  wait: 0,
  by: '',
});
