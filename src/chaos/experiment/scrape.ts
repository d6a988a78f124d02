import { request, type Dispatcher } from 'undici';

/** The state gauge's name (API.md "Metrics"). */
export const STATE_GAUGE = 'breakwater_circuitbreaker_state';
const LINE = /^breakwater_circuitbreaker_state\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * The state of breaker `name` in Prometheus text: the `state` label of its gauge series that
 * reads 1; undefined when the breaker has no series (yet).
 */
export function readState(text: string, name: string): string | undefined {
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match || Number(match[2]) !== 1) continue;
    const labels = new Map<string, string>();
    for (const [, key = '', value = ''] of (match[1] ?? '').matchAll(LABEL)) {
      labels.set(
        key,
        value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
      );
    }
    if (labels.get('name') === name) return labels.get('state');
  }
  return undefined;
}

/** One reading of the gauge: `t` ms from the start of the load (when the reply arrived). */
export interface StateSample {
  t: number;
  /** `closed`, `open`, `half-open`, or `unknown` when the scrape failed or had no series. */
  state: string;
}

/**
 * Scrapes `url` every `interval` ms (one scrape at a time, the next one due `interval` after
 * the last started) until stopped, recording the state of breaker `name`.
 */
export function startScraper(
  url: string,
  name: string,
  interval: number,
  now: () => number,
  dispatcher: Dispatcher,
): { samples: StateSample[]; errors: number; stop(): Promise<void> } {
  const samples: StateSample[] = [];
  const counts = { errors: 0 };
  const control = new AbortController();
  const stopped = (): boolean => control.signal.aborted;
  const loop = (async () => {
    while (!stopped()) {
      const started = now();
      let state = 'unknown';
      try {
        const res = await request(url, {
          dispatcher,
          signal: AbortSignal.timeout(Math.max(1000, interval * 10)),
        });
        const text = await res.body.text();
        if (res.statusCode === 200) state = readState(text, name) ?? 'unknown';
        else counts.errors++;
      } catch {
        counts.errors++;
      }
      samples.push({ t: now(), state });
      const wait = started + interval - now();
      if (wait > 0 && !stopped()) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    samples,
    get errors() {
      return counts.errors;
    },
    stop: async () => {
      control.abort();
      await loop;
    },
  };
}
