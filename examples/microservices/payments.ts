// The payments service: the deepest dependency of the chain, and the one that degrades.
// `POST /charges` charges an order. `degrade()` (or `POST /admin/degrade`) makes it slow and
// failing, `heal()` (or `POST /admin/heal`) makes it well again. The failures are deterministic
// (a counter, not Math.random), so every run of the example tells the same story.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  amountField,
  BadRequestError,
  checkPort,
  closeServer,
  listen,
  readJson,
  sendJson,
  serve,
  stringField,
} from './json-http.js';

/** How payments misbehaves; see {@link PaymentsService.degrade}. */
export interface Degradation {
  /** Time every charge that does not fail takes, ms >= 0. Default 0. */
  latencyMs?: number;
  /**
   * Share of charges (0..1) answered at once with 503, spread evenly: 0.5 fails every second
   * charge, 0.25 every fourth. Default 0.
   */
  errorRate?: number;
}

/** What payments has seen since it started. */
export interface PaymentsStats {
  /** `POST /charges` requests received. */
  requests: number;
  /** Charges being worked on now. */
  inFlight: number;
  /** The most charges ever worked on at once. */
  maxInFlight: number;
  /** Charges answered 201. */
  charged: number;
  /** Charges answered 503. */
  failed: number;
  /** Slow charges whose caller hung up before the answer (a timeout on its side). */
  abandoned: number;
}

/** Options of {@link start}. */
export interface PaymentsOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
}

/** A running payments service. */
export interface PaymentsService {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A copy of the counters. */
  readonly stats: PaymentsStats;
  /**
   * From now on, charges are slow and some fail (see {@link Degradation}); replaces any earlier
   * degradation. Throws a RangeError naming a bad field.
   */
  degrade(degradation: Degradation): void;
  /** Charges are instant and succeed again. */
  heal(): void;
  /** Stops the service, dropping every connection. */
  close(): Promise<void>;
}

interface Mode {
  latencyMs: number;
  errorRate: number;
  /** Charges seen since this mode began: picks which ones fail. */
  seen: number;
}

function checkDegradation(value: unknown): Mode {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`degrade() takes { latencyMs, errorRate }, got ${JSON.stringify(value)}`);
  }
  const { latencyMs = 0, errorRate = 0 } = value as Record<string, unknown>;
  if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs <= 60_000)) {
    throw new RangeError(
      `latencyMs must be a number of ms 0..60000, got ${JSON.stringify(latencyMs)}`,
    );
  }
  if (typeof errorRate !== 'number' || !(errorRate >= 0 && errorRate <= 1)) {
    throw new RangeError(`errorRate must be a number 0..1, got ${JSON.stringify(errorRate)}`);
  }
  return { latencyMs, errorRate, seen: 0 };
}

/** True when charge number `n` (from 1) of `rate` should fail: evenly spread, no randomness. */
function failsAt(n: number, rate: number): boolean {
  return Math.floor(n * rate) > Math.floor((n - 1) * rate);
}

/**
 * Waits `ms`, unless the caller hangs up first. Resolves true when the wait ran out, false when
 * the connection closed (the timer is cleared then: an abandoned charge costs nothing more).
 */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** Starts the payments service on loopback. */
export async function start(options: PaymentsOptions = {}): Promise<PaymentsService> {
  const port = checkPort('payments start', options.port ?? 0);
  const stats: PaymentsStats = {
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    charged: 0,
    failed: 0,
    abandoned: 0,
  };
  let mode: Mode = { latencyMs: 0, errorRate: 0, seen: 0 };
  let nextId = 1;

  const charge = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.once('close', () => {
      stats.inFlight--;
    });
    const body = await readJson(req);
    const orderId = stringField(body, 'orderId');
    const amount = amountField(body, 'amount');
    const current = mode;
    current.seen++;
    if (failsAt(current.seen, current.errorRate)) {
      // An overloaded service sheds load: it says so at once.
      stats.failed++;
      sendJson(res, 503, { error: 'payments overloaded' });
      return;
    }
    if (!(await wait(current.latencyMs, res))) {
      stats.abandoned++;
      return;
    }
    stats.charged++;
    sendJson(res, 201, { paymentId: `pay-${nextId++}`, orderId, amount, status: 'charged' });
  };

  const server = createServer(
    serve(async (req, res) => {
      const route = `${req.method ?? ''} ${req.url ?? ''}`;
      switch (route) {
        case 'POST /charges':
          return charge(req, res);
        case 'GET /health':
          sendJson(res, 200, {
            status: mode.latencyMs > 0 || mode.errorRate > 0 ? 'degraded' : 'ok',
            ...stats,
          });
          return;
        case 'POST /admin/degrade': {
          const body = await readJson(req);
          try {
            mode = checkDegradation(body);
          } catch (error) {
            throw new BadRequestError((error as Error).message);
          }
          sendJson(res, 200, { latencyMs: mode.latencyMs, errorRate: mode.errorRate });
          return;
        }
        case 'POST /admin/heal':
          mode = { latencyMs: 0, errorRate: 0, seen: 0 };
          sendJson(res, 200, { latencyMs: 0, errorRate: 0 });
          return;
        default:
          sendJson(res, 404, { error: `no route ${route}` });
      }
    }),
  );
  const url = await listen(server, port, options.host ?? '127.0.0.1');

  return {
    url,
    get stats() {
      return { ...stats };
    },
    degrade(degradation) {
      mode = checkDegradation(degradation);
    },
    heal() {
      mode = { latencyMs: 0, errorRate: 0, seen: 0 };
    },
    close: () => closeServer(server),
  };
}
