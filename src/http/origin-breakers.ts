import { quote } from '../core/options.js';
import { CircuitBreakerManager } from '../manager/index.js';
import type { DefaultServiceOptions, ServiceOptions } from '../manager/index.js';

/** Where the breakers of the origins come from; shared by the client and the interceptor. */
export interface OriginBreakerOptions {
  /**
   * Breaker options for every origin (the manager's `defaults`): the core's options, plus
   * `consecutiveFailures` and an exponential `timeout` as the manager takes them. Default: the
   * core's defaults (open after 6 consecutive failures, half-open after 60 s).
   */
  breaker?: DefaultServiceOptions;
  /**
   * Options by origin (`'https://api.example.com'`) that override `breaker` key by key (the
   * manager's `services`; an origin that `service` names is that service). `dependsOn` is not
   * supported here.
   */
  origins?: Readonly<Record<string, Omit<ServiceOptions, 'dependsOn'>>>;
  /**
   * A manager of your own whose breakers to use, one per origin, named by the origin. Its
   * settings apply; `breaker` and `origins` cannot be given with it. It is not closed by
   * `close()`. Default: a manager of the client's own, made from `breaker` and `origins`.
   */
  manager?: CircuitBreakerManager;
  /**
   * The name of a request's breaker, instead of its origin: an object of service names by
   * origin (`{ 'http://10.0.0.7:8080': 'pricing' }`), or a function of the request that returns
   * one (or `undefined` for the origin). So a manager (and a config file) can say `pricing:`,
   * metrics are labelled `pricing`, and origins of one service share one breaker. Default: the
   * origin (`new URL(url).origin`).
   */
  service?: Readonly<Record<string, string>> | ServiceOf;
}

/** What a `service` function is given: the request's origin, path (with query) and method. */
export interface ServiceTarget {
  readonly origin: string;
  readonly path: string;
  readonly method: string;
}

/** Maps a request to the name of its breaker; `undefined` (or `''`) names it by its origin. */
export type ServiceOf = (target: ServiceTarget) => string | undefined;

/**
 * The `service` option as a function that always gives a name (the origin by default). A name
 * the function returns that is not a non-empty string is a TypeError for that request.
 * @throws TypeError naming the bad key or value
 */
export function serviceNamer(label: string, option: unknown): (target: ServiceTarget) => string {
  if (option === undefined) return (target) => target.origin;
  if (typeof option === 'function') {
    const f = option as ServiceOf;
    return (target) => {
      const name: unknown = f(target);
      if (name === undefined || name === '') return target.origin;
      if (typeof name !== 'string') {
        throw new TypeError(
          `${label} option service returned ${quote(name)} for ${target.origin}; expected a service name or undefined`,
        );
      }
      return name;
    };
  }
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new TypeError(
      `${label} option service must be an object of service names by origin, or a function, got ${quote(option)}`,
    );
  }
  const names = new Map<string, string>();
  for (const [key, name] of Object.entries(option)) {
    const origin = originKey(`${label} option service key`, key);
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `${label} option service[${JSON.stringify(key)}] must be a non-empty service name, got ${quote(name)}`,
      );
    }
    names.set(origin, name);
  }
  return (target) => names.get(target.origin) ?? target.origin;
}

/** The manager in use and whether it was made here (and so is closed with its owner). */
export interface OriginBreakers {
  readonly manager: CircuitBreakerManager;
  readonly owned: boolean;
}

/**
 * The origin of `key` (`new URL(key).origin`): a TypeError naming `where` unless `key` is an
 * http(s) origin, with no path beyond `/`, query or fragment.
 */
export function originKey(where: string, key: string): string {
  let url: URL;
  try {
    url = new URL(key);
  } catch {
    throw new TypeError(
      `${where} must be an origin like 'https://api.example.com', got ${quote(key)}`,
    );
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new TypeError(
      `${where} must be an http(s) origin like 'https://api.example.com', got ${quote(key)}`,
    );
  }
  return url.origin;
}

/** The manager's messages name its own options; the client's caller knows them by ours. */
function renamed(error: unknown, label: string): unknown {
  if (!(error instanceof TypeError || error instanceof RangeError)) return error;
  const message = error.message
    .replace(/^manager option defaults/, `${label} option breaker`)
    .replace(/^manager option services/, `${label} option origins`);
  if (message === error.message) return error;
  const Kind = error instanceof RangeError ? RangeError : TypeError;
  return new Kind(message, { cause: error });
}

/**
 * Validates {@link OriginBreakerOptions} and returns the manager to use: the one given, or a
 * new one with `breaker` as its defaults and `origins` (normalised to origins) as its services.
 *
 * @param label names the owner in error messages (`'ResilientHttpClient'`)
 */
export function originBreakers(label: string, options: OriginBreakerOptions): OriginBreakers {
  const { breaker, origins, manager } = options;
  const nameOf = serviceNamer(label, options.service);
  if (manager !== undefined) {
    if (!(manager instanceof CircuitBreakerManager)) {
      throw new TypeError(
        `${label} option manager must be a CircuitBreakerManager, got ${quote(manager)}`,
      );
    }
    if (breaker !== undefined || origins !== undefined) {
      throw new TypeError(
        `${label}: give either manager or breaker/origins, not both (set them on the manager)`,
      );
    }
    return { manager, owned: false };
  }
  const given: unknown = origins;
  if (
    given !== undefined &&
    (typeof given !== 'object' || given === null || Array.isArray(given))
  ) {
    throw new TypeError(
      `${label} option origins must be an object of breaker options by origin, got ${quote(given)}`,
    );
  }
  const services: Record<string, ServiceOptions> = {};
  for (const [key, value] of Object.entries(origins ?? {})) {
    const origin = nameOf({
      origin: originKey(`${label} option origins key`, key),
      path: '/',
      method: 'GET',
    });
    if (origin in services) {
      throw new TypeError(
        `${label} option origins names ${quote(origin)} twice (as ${quote(key)})`,
      );
    }
    const layer: unknown = value;
    if (typeof layer === 'object' && layer !== null && 'dependsOn' in layer) {
      throw new TypeError(
        `${label} option origins[${JSON.stringify(key)}].dependsOn is not supported by the HTTP client`,
      );
    }
    services[origin] = value;
  }
  try {
    return {
      manager: new CircuitBreakerManager(
        breaker === undefined ? { services } : { defaults: breaker, services },
      ),
      owned: true,
    };
  } catch (error) {
    throw renamed(error, label);
  }
}
