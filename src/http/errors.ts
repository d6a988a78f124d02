import { nameErrorClass } from '../core/errors.js';
/** Stable error codes of `breakwater/http`. */
export const HttpErrorCodes = {
  clientClosed: 'ERR_HTTP_CLIENT_CLOSED',
} as const;

/** A request was made after `close()`. Nothing was sent. */
export class ClientClosedError extends Error {
  /** `'ERR_HTTP_CLIENT_CLOSED'`. */
  readonly code = HttpErrorCodes.clientClosed;

  constructor() {
    super('ResilientHttpClient is closed');
  }
}
nameErrorClass(ClientClosedError, 'ClientClosedError');
