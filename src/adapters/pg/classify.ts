/**
 * SQLSTATE classes whose errors are the caller's own: 22 data exception (bad input), 23
 * integrity constraint violation, 42 syntax error or access rule violation. The server answered
 * and the session goes on, so they say nothing about the database's health.
 */
export const CALLER_ERROR_CLASSES: readonly string[] = ['22', '23', '42'];

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of an error from PostgreSQL (`'23505'`), or `undefined` when it has none. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && SQLSTATE.test(code) ? code : undefined;
}

/**
 * The default rule for what a guarded pool records as a success although the call failed:
 * - SQLSTATE classes 22, 23 and 42 (see {@link CALLER_ERROR_CLASSES});
 * - 08P01 at `ERROR` severity: the server refused a malformed message (a wrong number of bind
 *   parameters, say) and the session goes on; at `FATAL` it is a broken connection;
 * - `TypeError` and `RangeError`: the client refused the arguments before sending anything.
 *
 * Everything else is a failure: refused or reset connections, connect and query timeouts
 * (`connectionTimeoutMillis`, `query_timeout`, statement timeouts 57014), terminated backends
 * (57P01 admin_shutdown, 57P02, 57P03 cannot_connect_now), classes 08 (connection), 53
 * (insufficient resources), 58 (system error), XX (internal error), and errors without a
 * SQLSTATE such as `Connection terminated unexpectedly`.
 */
export function isCallerError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = sqlState(error);
  if (code === undefined) return false;
  if (CALLER_ERROR_CLASSES.includes(code.slice(0, 2))) return true;
  return code === '08P01' && (error as { severity?: unknown }).severity === 'ERROR';
}
