import { BreakerError, nameErrorClass } from '../core/errors.js';

/** Stable error codes of the chaos module. */
export const ChaosErrorCodes = {
  badRequest: 'ERR_CHAOS_BAD_REQUEST',
  notFound: 'ERR_CHAOS_NOT_FOUND',
  conflict: 'ERR_CHAOS_CONFLICT',
  listen: 'ERR_CHAOS_LISTEN',
} as const;

const STATUS = {
  [ChaosErrorCodes.badRequest]: 400,
  [ChaosErrorCodes.notFound]: 404,
  [ChaosErrorCodes.conflict]: 409,
  [ChaosErrorCodes.listen]: 500,
} as const;

/** One of {@link ChaosErrorCodes}. */
export type ChaosErrorCode = (typeof ChaosErrorCodes)[keyof typeof ChaosErrorCodes];

/**
 * A request to the {@link FaultProxy} that it refused: a bad body (the message names the field
 * and quotes the value), an unknown proxy or toxic, a name taken, an address it cannot listen
 * on. The control API answers it as Toxiproxy does: `{ "error": message, "status": status }`.
 */
export class FaultProxyError extends BreakerError {
  /** The HTTP status the control API answers with: 400, 404, 409 or 500. */
  readonly status: number;

  /**
   * @param message what is wrong, naming the field and quoting the value
   * @param code one of {@link ChaosErrorCodes}
   * @param proxy the proxy concerned (`breakerName`), `''` when none
   */
  constructor(message: string, code: ChaosErrorCode, proxy = '', options?: ErrorOptions) {
    super(message, code, proxy, options);
    this.status = STATUS[code];
  }
}
nameErrorClass(FaultProxyError, 'FaultProxyError');
