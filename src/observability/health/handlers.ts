import type { IncomingMessage, ServerResponse } from 'node:http';
import { systemClock, type Clock } from '../../core/clock.js';
import { quote } from '../../core/options.js';
import { toSource, type BreakerTarget } from '../../manager/source.js';
import {
  buildReport,
  criticalPredicate,
  validateChecks,
  type CriticalSelector,
  type HealthCheck,
  type HealthReport,
} from './checks.js';
import { healthJsonType, renderJson, renderText, type HealthJsonInfo } from './render.js';

/**
 * A plain Node request handler, so it mounts anywhere:
 * - node:http: `if (req.url?.startsWith('/readyz')) return ready(req, res);`
 * - Express: `app.get('/readyz', ready)`
 * - Fastify: `app.get('/readyz', (req, reply) => { reply.hijack(); ready(req.raw, reply.raw); })`
 * - Koa: `router.get('/readyz', (ctx) => { ctx.respond = false; ready(ctx.req, ctx.res); })`
 *
 * Query: `?verbose` for one line per check, `?exclude=<name>` (repeatable) to skip a check.
 * `Accept: application/health+json` (or `application/json`) selects the JSON view. Status 200
 * unless a check fails, then 503. Only GET and HEAD are served (405 otherwise).
 */
export interface HealthHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** The report the handler would serve now, without `exclude`d checks. */
  report(exclude?: Iterable<string>): Promise<HealthReport>;
}

/** Options shared by {@link livez} and {@link readyz}. */
export interface HealthOptions extends HealthJsonInfo {
  /** Checks of your own by name (warm-up done, not shutting down, ...). */
  checks?: Record<string, HealthCheck>;
  /** Source of the `time` reported. Default: the system clock. */
  clock?: Clock;
}

/** Options of {@link readyz}. */
export interface ReadyzOptions extends HealthOptions {
  /**
   * The breakers whose being open makes the instance unready: names, or a predicate. Default
   * none: an outage of a dependency every replica shares would otherwise pull every replica out
   * of the load balancer at once. Non-critical open breakers show as `warn`.
   */
  critical?: CriticalSelector;
}

const infoKeys = ['description', 'serviceId', 'version', 'releaseId'] as const;

function checkKeys(options: object, known: readonly string[], where: string): void {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new TypeError(`${where}: options must be an object, got ${quote(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option ${quote(key)} (known: ${known.join(', ')})`);
    }
  }
  for (const key of infoKeys) {
    const v = (options as Record<string, unknown>)[key];
    if (v !== undefined && typeof v !== 'string') {
      throw new TypeError(`${where}: option ${key} must be a string, got ${quote(v)}`);
    }
  }
}

function info(options: HealthJsonInfo): HealthJsonInfo {
  const out: HealthJsonInfo = {};
  for (const key of infoKeys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

function wantsJson(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes(healthJsonType) || accept.includes('application/json');
}

function makeHandler(
  endpoint: string,
  report: (exclude: Iterable<string>) => Promise<HealthReport>,
  jsonInfo: HealthJsonInfo,
): HealthHandler {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const verbose = url.searchParams.has('verbose');
    const exclude = url.searchParams.getAll('exclude');
    report(exclude).then(
      (r) => {
        const json = wantsJson(req);
        const body = json
          ? `${JSON.stringify(renderJson(r, jsonInfo), null, 2)}\n`
          : renderText(r, endpoint, verbose);
        res.writeHead(r.status === 'fail' ? 503 : 200, {
          'content-type': json ? healthJsonType : 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          'content-length': Buffer.byteLength(body),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        // Only a source whose breakers() throws gets here; say so rather than hang the probe.
        if (res.headersSent) return;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${endpoint} error: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  };
  return Object.assign(handler, {
    report: (exclude: Iterable<string> = []) => report(exclude),
  });
}

/**
 * The liveness handler (`/livez`). It never looks at a breaker: an open breaker means a
 * dependency is down, and restarting this process fixes nothing (restart storms are how a
 * dependency outage becomes an outage of every caller). Only your own `checks` can fail it.
 *
 * @example
 * const live = livez({ checks: { shutdown: () => !shuttingDown || 'shutting down' } });
 */
export function livez(options: HealthOptions = {}): HealthHandler {
  checkKeys(options, ['checks', 'clock', ...infoKeys], 'livez');
  const checks = validateChecks(options.checks, 'livez');
  const clock = options.clock ?? systemClock;
  return makeHandler(
    'livez',
    (exclude) =>
      buildReport({
        breakers: [],
        critical: () => false,
        checks,
        exclude: new Set(exclude),
        clock,
      }),
    info(options),
  );
}

/**
 * The readiness handler (`/readyz`): fails (503) only when a breaker marked `critical` is open,
 * or one of your own `checks` fails. Every breaker is listed in the verbose and JSON views.
 *
 * @param target a breaker, an array of breakers, or a source such as a manager (read per request)
 * @example
 * const ready = readyz(manager, { critical: ['postgres'] });
 * http.createServer((req, res) => (req.url?.startsWith('/readyz') ? ready(req, res) : app(req, res)));
 */
export function readyz(target: BreakerTarget, options: ReadyzOptions = {}): HealthHandler {
  checkKeys(options, ['critical', 'checks', 'clock', ...infoKeys], 'readyz');
  const source = toSource(target, 'readyz(target)');
  const critical = criticalPredicate(options.critical, 'readyz');
  const checks = validateChecks(options.checks, 'readyz');
  const clock = options.clock ?? systemClock;
  return makeHandler(
    'readyz',
    async (exclude) =>
      buildReport({
        breakers: source.breakers(),
        critical,
        checks,
        exclude: new Set(exclude),
        clock,
      }),
    info(options),
  );
}
