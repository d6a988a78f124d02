import { request, type Dispatcher } from 'undici';
import type { Experiment } from './schema.js';

/** One request of the load. Times in ms from the start of the load. */
export interface RequestRecord {
  /** When it was sent. */
  sent: number;
  /** Until the whole answer arrived, or `load.timeout` for one that timed out. */
  latency: number;
  /** 2xx within `load.timeout`. */
  ok: boolean;
  /** The HTTP status, or null for a timeout or network error. */
  status: number | null;
}

/**
 * Sends requests at a fixed rate for the load's duration, open-loop: request i leaves at
 * i / rate seconds whatever happened to the earlier ones, so a slow system cannot slow the load
 * down (a late timer sends the overdue requests at once). Resolves once every request settled.
 */
export async function driveLoad(
  load: Experiment['load'],
  now: () => number,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  records: RequestRecord[],
): Promise<void> {
  const period = 1000 / load.rate;
  const total = Math.floor((load.duration / 1000) * load.rate);
  const inFlight = new Set<Promise<void>>();
  const send = (sent: number): void => {
    const p = (async () => {
      const record: RequestRecord = { sent, latency: load.timeout, ok: false, status: null };
      records.push(record);
      try {
        const res = await request(load.url, {
          method: load.method,
          dispatcher,
          signal: AbortSignal.timeout(load.timeout),
        });
        await res.body.dump({ limit: 1 << 20 }).catch(() => undefined);
        record.status = res.statusCode;
        record.latency = now() - sent;
        record.ok = res.statusCode >= 200 && res.statusCode < 300 && record.latency <= load.timeout;
      } catch {
        record.latency = Math.min(now() - sent, load.timeout);
      }
    })();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  let next = 0;
  while (next < total && !signal.aborted) {
    while (next < total && next * period <= now()) send(next++ * period);
    const wait = next * period - now();
    if (next < total && wait > 0) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, wait);
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
  await Promise.all(inFlight);
}
