import { BreakerError, nameErrorClass } from '../../core/errors.js';
import type { StateChangeEvent } from '../../core/events.js';

/** The rules an alert can come from. */
export type AlertRule = 'open' | 'stuck-open' | 'flapping';

/** `alertname` of each rule: the same names as the Prometheus rules in deploy/prometheus. */
export const alertNames = {
  open: 'CircuitBreakerOpen',
  'stuck-open': 'CircuitBreakerStuckOpen',
  flapping: 'CircuitBreakerFlapping',
} as const satisfies Record<AlertRule, string>;

/** Severity of each rule. */
export const alertSeverities = {
  open: 'warning',
  'stuck-open': 'critical',
  flapping: 'warning',
} as const satisfies Record<AlertRule, string>;

/** One alert notification: an alert starting to fire, or resolving. */
export interface Alert {
  /** `"<alertname>/<breaker name>"`: what dedupe and resolution match on. */
  key: string;
  rule: AlertRule;
  alertname: (typeof alertNames)[AlertRule];
  status: 'firing' | 'resolved';
  /** The breaker's name (label `name`). */
  breaker: string;
  severity: 'warning' | 'critical';
  /** One line for a pager. */
  summary: string;
  /** What happened and what it means. */
  description: string;
  /** `alertname`, `name`, `severity`, plus the manager's extra `labels`. */
  labels: Record<string, string>;
  /** Clock time (ms) the alert started firing. */
  startsAt: number;
  /** Clock time (ms) it resolved; only on resolved alerts. */
  endsAt?: number;
  /** The transition that fired or resolved it, when one did. */
  transition?: Pick<StateChangeEvent, 'from' | 'to' | 'reason' | 'at'>;
}

/**
 * Somewhere alerts go. `send` delivers a batch or throws an {@link AlertDeliveryError} (any
 * other throw counts as a retryable failure). The manager queues, batches, rate-limits and
 * retries; a sink only formats and posts.
 */
export interface AlertSink {
  /** Names the sink in errors and stats. */
  readonly name: string;
  /** Delivers `alerts` (at least one); must give up when `signal` aborts. */
  send(alerts: readonly Alert[], signal: AbortSignal): Promise<void>;
  /**
   * When set, alerts still firing are sent again every this many ms (Alertmanager forgets an
   * alert that is not re-sent within its resolve_timeout).
   */
  readonly repeatInterval?: number;
  /** Releases connections; called by the manager's `close()`. */
  close?(): Promise<void>;
}

/** Stable error codes of the alerting. */
export const AlertErrorCodes = {
  delivery: 'ERR_ALERT_DELIVERY',
} as const;

/** A failed delivery. A {@link BreakerError} (`breakerName` is `''`; `sink` names the sink). */
export class AlertDeliveryError extends BreakerError {
  /** `'ERR_ALERT_DELIVERY'`. */
  declare readonly code: typeof AlertErrorCodes.delivery;
  /** The sink's name. */
  readonly sink: string;
  /** HTTP status, when the receiver answered. */
  readonly status: number | undefined;
  /** False for answers a retry cannot fix (4xx other than 408 and 429). */
  readonly retryable: boolean;
  /** Ms the receiver asked to wait (`Retry-After`), when it did. */
  readonly retryAfter: number | undefined;

  constructor(
    sink: string,
    message: string,
    options: { status?: number; retryable: boolean; retryAfter?: number; cause?: unknown },
  ) {
    super(
      message,
      AlertErrorCodes.delivery,
      '',
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.sink = sink;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfter = options.retryAfter;
  }

  /** True for an AlertDeliveryError, also one made by another copy of the package. */
  static override is(value: unknown): value is AlertDeliveryError {
    return BreakerError.is(value) && value.code === AlertErrorCodes.delivery;
  }
}
nameErrorClass(AlertDeliveryError, 'AlertDeliveryError');
