// The gateway: the edge service clients talk to. `POST /checkout` places an order through the
// orders service, called through a ResilientHttpClient with a breaker per origin (from a
// manager). Whatever happens behind it, the gateway answers quickly with a valid answer: the
// order as orders answered it (confirmed, or accepted with its payment pending), or, when orders
// itself is failing, 503 with a Retry-After, at once once the circuit to orders is open.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  CircuitBreakerManager,
  type CircuitBreaker,
  type DefaultServiceOptions,
} from '../../src/index.js';
import { ResilientHttpClient } from '../../src/http/index.js';
import {
  callFailure,
  checkPort,
  closeServer,
  hangUpSignal,
  listen,
  readJson,
  sendJson,
  serve,
} from './json-http.js';

/** Why the gateway could not place an order. */
export type UnavailableReason =
  'circuit-open' | 'circuit-half-open' | 'timeout' | 'orders-error' | 'unreachable';

/** Options of {@link start}. Durations are ms. */
export interface GatewayOptions {
  /** Base URL of the orders service. Required. */
  ordersUrl: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /**
   * Time an order may take. Default 1000: more than orders needs even while payments times out
   * (its own timeout is 150 ms), so a slow payments service does not make the gateway give up
   * on orders too.
   */
  timeout?: number;
  /**
   * Breaker options for the orders origin, as the manager takes them. Default
   * `{ consecutiveFailures: 5, timeout: 1000 }`.
   */
  breaker?: DefaultServiceOptions;
}

/** A running gateway. */
export interface GatewayService {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The manager holding the breaker of orders (named by its origin). */
  readonly manager: CircuitBreakerManager;
  /** The breaker of the orders origin. */
  readonly ordersBreaker: CircuitBreaker;
  /** Stops the gateway and its client. */
  close(): Promise<void>;
}

/** Starts the gateway on loopback, calling orders at `ordersUrl`. */
export async function start(options: GatewayOptions): Promise<GatewayService> {
  const port = checkPort('gateway start', options.port ?? 0);
  const orders = new URL(options.ordersUrl).origin;
  const manager = new CircuitBreakerManager({
    services: { [orders]: options.breaker ?? { consecutiveFailures: 5, timeout: 1_000 } },
  });
  const breaker = (): CircuitBreaker => manager.get(orders);
  // The gateway's own answers, told apart from a 503 that orders sent.
  const ours = new WeakSet<Response>();
  const http = new ResilientHttpClient({
    manager,
    timeout: options.timeout ?? 1_000,
    // Orders is down, slow, or its circuit is open: say so at once, with when to come back.
    fallback: (_request, error) => unavailable(callFailure(error)),
  });

  /** 503 with a Retry-After of the time left until the circuit to orders tries again. */
  function unavailable(reason: UnavailableReason): Response {
    const seconds = Math.max(1, Math.ceil(breaker().retryAfter / 1000));
    const response = Response.json(
      { status: 'unavailable', reason },
      { status: 503, headers: { 'retry-after': String(seconds) } },
    );
    ours.add(response);
    return response;
  }

  const checkout = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const order = await readJson(req);
    const answer = await http.request(`${orders}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
      signal: hangUpSignal(res),
    });
    let relayed = answer;
    if (answer.status >= 500 && !ours.has(answer)) {
      // A 5xx from orders says nothing the client can use: answer as for any other outage.
      await answer.body?.cancel();
      relayed = unavailable('orders-error');
    }
    const headers: Record<string, string> = {};
    const retryAfter = relayed.headers.get('retry-after');
    if (retryAfter !== null) headers['retry-after'] = retryAfter;
    sendJson(res, relayed.status, await relayed.json(), headers);
  };

  const server = createServer(
    serve(async (req, res) => {
      const route = `${req.method ?? ''} ${req.url ?? ''}`;
      if (route === 'POST /checkout') return checkout(req, res);
      if (route === 'GET /health') {
        sendJson(res, 200, { breakers: manager.snapshot() });
        return;
      }
      sendJson(res, 404, { error: `no route ${route}` });
    }),
  );
  const url = await listen(server, port, options.host ?? '127.0.0.1');

  return {
    url,
    manager,
    get ordersBreaker() {
      return breaker();
    },
    async close() {
      await closeServer(server);
      await http.close();
      manager.close();
    },
  };
}
