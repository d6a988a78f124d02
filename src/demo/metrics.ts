import type { BreakerSource } from '../manager/source.js';

/** What the demo server needs of the Prometheus exporter. */
export interface MetricsEndpoint {
  /** The exposition format's content type. */
  readonly contentType: string;
  /** The current exposition text. */
  text(): Promise<string>;
  /** Stops exporting. */
  close(): void;
}

type Loader = () => Promise<{
  Registry: typeof import('prom-client').Registry;
  registerMetrics: typeof import('../observability/prometheus/index.js').registerMetrics;
}>;

const loadPrometheus: Loader = async () => {
  const [{ Registry }, { registerMetrics }] = await Promise.all([
    import('prom-client'),
    import('../observability/prometheus/index.js'),
  ]);
  return { Registry, registerMetrics };
};

/** True for the error of importing `name` when it is not installed. */
export function isMissingModule(error: unknown, name: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === 'ERR_MODULE_NOT_FOUND' &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`)
  );
}

/**
 * Exports `source` to a prom-client Registry of its own. prom-client is an optional peer
 * dependency of the package, so it is loaded only here: without it the demo still runs, and
 * this resolves to undefined (the server then says how to get `/metrics`).
 *
 * @param load how prom-client and the exporter are loaded (tests replace it)
 */
export async function startMetrics(
  source: BreakerSource,
  load: Loader = loadPrometheus,
): Promise<MetricsEndpoint | undefined> {
  let loaded: Awaited<ReturnType<Loader>>;
  try {
    loaded = await load();
  } catch (error) {
    if (isMissingModule(error, 'prom-client')) return undefined;
    throw error;
  }
  const registry = new loaded.Registry();
  const metrics = loaded.registerMetrics(source, { registry });
  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    close: () => {
      metrics.close();
    },
  };
}
