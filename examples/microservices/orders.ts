// The orders service: `POST /orders` records an order and charges it through payments. Payments
// is called through a ResilientHttpClient whose breaker (one per origin, from a manager) opens
// when payments keeps failing. Then the order is still accepted, with its payment pending, and
// answered at once: orders does not wait on, nor pile requests onto, a payments service that is
// down. (A real service would charge the pending orders later, by order id.)
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  CircuitBreakerManager,
  type CircuitBreaker,
  type DefaultServiceOptions,
} from '../../src/index.js';
import { ResilientHttpClient } from '../../src/http/index.js';
import {
  amountField,
  callFailure,
  checkPort,
  closeServer,
  hangUpSignal,
  listen,
  readJson,
  sendJson,
  serve,
  stringField,
} from './json-http.js';

/** Why an order's payment is pending. */
export type PendingReason =
  /** The payments circuit is open: nothing was sent. */
  | 'circuit-open'
  /** The payments circuit is half-open and its trial calls are taken: nothing was sent. */
  | 'circuit-half-open'
  /** Payments did not answer within `timeout`. */
  | 'timeout'
  /** Payments answered with an error status (5xx, 429). */
  | 'payments-error'
  /** The connection failed. */
  | 'unreachable';

/** The answer to `POST /orders` (201 when confirmed, 202 when accepted with payment pending). */
export type OrderAnswer =
  | {
      orderId: string;
      status: 'confirmed';
      payment: 'charged';
      paymentId: string;
    }
  | {
      orderId: string;
      status: 'accepted';
      payment: 'pending';
      reason: PendingReason;
    };

/** Options of {@link start}. Durations are ms. */
export interface OrdersOptions {
  /** Base URL of the payments service. Required. */
  paymentsUrl: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Time a charge may take before it counts as failed. Default 150. */
  timeout?: number;
  /**
   * Breaker options for the payments origin, as the manager takes them. Default
   * `{ consecutiveFailures: 3, timeout: 1000 }`: open after 3 failures in a row, try again after
   * a second.
   */
  breaker?: DefaultServiceOptions;
}

/** What orders has answered since it started. */
export interface OrdersStats {
  /** Orders received (valid ones). */
  orders: number;
  /** Orders confirmed with their payment charged. */
  confirmed: number;
  /** Orders accepted with their payment pending. */
  pending: number;
}

/** A running orders service. */
export interface OrdersService {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The manager holding the breaker of payments (named by its origin). */
  readonly manager: CircuitBreakerManager;
  /** The client orders calls payments with. */
  readonly http: ResilientHttpClient;
  /** The breaker of the payments origin. */
  readonly paymentsBreaker: CircuitBreaker;
  /** A copy of the counters. */
  readonly stats: OrdersStats;
  /** Stops the service and its client. */
  close(): Promise<void>;
}

/** Starts the orders service on loopback, calling payments at `paymentsUrl`. */
export async function start(options: OrdersOptions): Promise<OrdersService> {
  const port = checkPort('orders start', options.port ?? 0);
  const payments = new URL(options.paymentsUrl).origin;
  const manager = new CircuitBreakerManager({
    services: { [payments]: options.breaker ?? { consecutiveFailures: 3, timeout: 1_000 } },
  });
  const http = new ResilientHttpClient({
    manager,
    timeout: options.timeout ?? 150,
    // A charge that could not be made (circuit open, timeout, connection refused) is not an
    // error for the customer: the order is taken, its payment is settled later.
    fallback: (_request, error) =>
      Response.json({ status: 'pending', reason: callFailure(error) }, { status: 202 }),
  });
  const stats: OrdersStats = { orders: 0, confirmed: 0, pending: 0 };
  let nextId = 1;

  const placeOrder = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readJson(req);
    const item = stringField(body, 'item');
    const amount = amountField(body, 'amount');
    const orderId = `ord-${nextId++}`;
    stats.orders++;
    const charge = await http.request(`${payments}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId, item, amount }),
      signal: hangUpSignal(res),
    });
    const answer = (await charge.json()) as Record<string, unknown>;
    if (charge.status === 201) {
      stats.confirmed++;
      const paymentId = String(answer.paymentId);
      sendJson(res, 201, { orderId, status: 'confirmed', payment: 'charged', paymentId });
      return;
    }
    stats.pending++;
    const reason = charge.status === 202 ? (answer.reason as PendingReason) : 'payments-error';
    sendJson(res, 202, { orderId, status: 'accepted', payment: 'pending', reason });
  };

  const server = createServer(
    serve(async (req, res) => {
      const route = `${req.method ?? ''} ${req.url ?? ''}`;
      if (route === 'POST /orders') return placeOrder(req, res);
      if (route === 'GET /health') {
        sendJson(res, 200, { ...stats, breakers: manager.snapshot() });
        return;
      }
      sendJson(res, 404, { error: `no route ${route}` });
    }),
  );
  const url = await listen(server, port, options.host ?? '127.0.0.1');

  return {
    url,
    manager,
    http,
    get paymentsBreaker() {
      return manager.get(payments);
    },
    get stats() {
      return { ...stats };
    },
    async close() {
      await closeServer(server);
      await http.close();
      manager.close();
    },
  };
}
