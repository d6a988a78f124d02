// What the three services share: a JSON body reader, a JSON writer, and listen/close for a
// node:http server on loopback. Plain node:http on purpose: the example is about the calls
// between services, not about a web framework.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BreakerOpenError, CallTimeoutError, TooManyRequestsError } from '../../src/index.js';

/** Largest request body a service reads, in bytes: the example's bodies are tiny. */
const MAX_BODY = 16 * 1024;

/** A request the service refuses: answered with `status` and `{ error: message }`. */
export class BadRequestError extends Error {
  /** HTTP status to answer with (400 or 413). */
  readonly status: number;

  constructor(message: string, status = 400) {
    super(message);
    this.name = 'BadRequestError';
    this.status = status;
  }
}

/** Reads the request body as a JSON object; a BadRequestError when it is not one. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BadRequestError(`body is larger than ${MAX_BODY} bytes`, 413);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequestError('body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(`body must be a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A non-empty string field of `body`, or a BadRequestError naming the field. */
export function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new BadRequestError(`${field} must be a non-empty string, got ${quote(value)}`);
  }
  return value;
}

/** A positive finite number field of `body`, or a BadRequestError naming the field. */
export function amountField(body: Record<string, unknown>, field: string): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BadRequestError(`${field} must be a positive number, got ${quote(value)}`);
  }
  return value;
}

/** JSON of `value`, or `undefined` spelled out (JSON has no such value). */
function quote(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Answers `status` with `body` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Runs `handle`, turning a BadRequestError into its 4xx answer and anything else into a 500
 * (logged), so one bad request never takes the service down.
 */
export function serve(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The caller hung up (its abort reached our own calls): there is nobody to answer.
      if (res.destroyed) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BadRequestError) {
        sendJson(res, error.status, { error: error.message });
        return;
      }
      console.error('unexpected error:', error);
      sendJson(res, 500, { error: 'internal error' });
    });
  };
}

/**
 * Listens on `host:port` (port 0: a free one) and resolves with the server's base URL,
 * `http://127.0.0.1:<port>`.
 */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      resolve(`http://${host}:${address.port}`);
    });
  });
}

/**
 * A signal that aborts when the caller hangs up before `res` is answered, so the calls made for
 * it downstream are cancelled too instead of running on for nobody.
 */
export function hangUpSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Stops listening and closes every connection, idle or not; resolves once it is all closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}

/** Checks a port option: an integer 0..65535 (0: any free port). */
export function checkPort(where: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`${where} option port must be an integer 0..65535, got ${quote(port)}`);
  }
  return port;
}

/** Why a call to the next service did not give an answer, told from its error. */
export type CallFailure = 'circuit-open' | 'circuit-half-open' | 'timeout' | 'unreachable';

/** The {@link CallFailure} of a call that rejected with `error`. */
export function callFailure(error: unknown): CallFailure {
  if (error instanceof BreakerOpenError) return 'circuit-open';
  if (error instanceof TooManyRequestsError) return 'circuit-half-open';
  if (error instanceof CallTimeoutError) return 'timeout';
  return 'unreachable';
}
