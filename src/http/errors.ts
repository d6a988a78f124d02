import { BreakerError, nameErrorClass } from '../core/errors.js';

/** Stable error codes of `breakwater/http`. */
export const HttpErrorCodes = {
  clientClosed: 'ERR_HTTP_CLIENT_CLOSED',
} as const;

/** A request was made after `close()`. Nothing was sent. A {@link BreakerError}. */
export class ClientClosedError extends BreakerError {
  /** `'ERR_HTTP_CLIENT_CLOSED'`. */
  declare readonly code: typeof HttpErrorCodes.clientClosed;

  constructor() {
    super('ResilientHttpClient is closed', HttpErrorCodes.clientClosed, '');
  }

  /** True for a ClientClosedError, also one made by another copy of the package. */
  static override is(value: unknown): value is ClientClosedError {
    return BreakerError.is(value) && value.code === HttpErrorCodes.clientClosed;
  }
}
nameErrorClass(ClientClosedError, 'ClientClosedError');
