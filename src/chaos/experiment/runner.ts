import { Agent } from 'undici';
import { formatHostPort } from '../address.js';
import { FaultProxy } from '../fault-proxy.js';
import { evaluate, type Check } from './checks.js';
import { driveLoad, type RequestRecord } from './load.js';
import { startScraper, type StateSample } from './scrape.js';
import type { Experiment, MethodStep } from './schema.js';

/** A method step as it was applied, `t` ms from the start of the load. */
export interface AppliedStep {
  t: number;
  proxy: string;
  action: MethodStep['action'];
  /** The toxic's type for `toxic`, `true`/`false` for `enabled`. */
  what: string;
  /** The proxy refused it (the message); undefined when it took effect. */
  error?: string;
}

/** What the run saw, second by second; handed to a progress display. */
export interface Progress {
  /** Ms from the start of the load. */
  t: number;
  duration: number;
  sent: number;
  ok: number;
  state: string;
  /** Proxies with a fault on them now. */
  faulted: string[];
}

/** Everything a run recorded, and its verdict. */
export interface RunResult {
  experiment: Experiment;
  /** Epoch ms when the load started. */
  startedAt: number;
  /** Stopped early by the signal (Ctrl-C); the checks then cover what ran. */
  interrupted: boolean;
  samples: StateSample[];
  scrapeErrors: number;
  requests: RequestRecord[];
  steps: AppliedStep[];
  checks: Check[];
  /** Every check passed and the run was not interrupted. */
  passed: boolean;
}

/** Options of {@link runExperiment}. */
export interface RunOptions {
  /** Aborting stops the load, rolls back every fault and ends the run (interrupted). */
  signal?: AbortSignal;
  /** Called about every 250 ms while the load runs. */
  onProgress?: (progress: Progress) => void;
}

function apply(fp: FaultProxy, step: MethodStep): string {
  if (step.action === 'toxic') {
    fp.addToxic(step.proxy, step.toxic);
    return step.toxic.type;
  }
  return step.action === 'clear' ? 'clear' : String(step.enabled);
}

/**
 * Runs an experiment: starts its proxies, scrapes the breaker's state gauge, drives the load
 * open-loop, applies the method's steps on their timeline, and, at the end or when `signal`
 * aborts, rolls back every fault (every toxic removed, every proxy enabled) before closing the
 * proxies. A step the proxy refuses is recorded and does not stop the run.
 *
 * @throws FaultProxyError when a proxy cannot listen (nothing else is started then)
 */
export async function runExperiment(
  experiment: Experiment,
  options: RunOptions = {},
): Promise<RunResult> {
  const signal = options.signal ?? new AbortController().signal;
  const fp = new FaultProxy();
  const dispatcher = new Agent({ connections: 256, pipelining: 0 });
  try {
    for (const p of experiment.proxies) {
      await fp.create({
        name: p.name,
        listen: formatHostPort(p.listen),
        upstream: formatHostPort(p.upstream),
      });
    }
    const t0 = performance.now();
    const startedAt = Date.now();
    const now = (): number => performance.now() - t0;
    const { metrics, breaker, interval } = experiment.observe;
    const scraper = startScraper(metrics, breaker, interval, now, dispatcher);
    const steps: AppliedStep[] = [];
    const faulted = new Set<string>();
    const timers = experiment.method.map((step) =>
      setTimeout(() => {
        const applied: AppliedStep = { t: now(), proxy: step.proxy, action: step.action, what: '' };
        try {
          if (step.action === 'clear') {
            for (const toxic of fp.toxics(step.proxy)) fp.removeToxic(step.proxy, toxic.name);
            void fp.update(step.proxy, { enabled: true }).catch(() => undefined);
          } else if (step.action === 'enabled') {
            void fp.update(step.proxy, { enabled: step.enabled }).catch(() => undefined);
          }
          applied.what = apply(fp, step);
          if (step.action === 'toxic' || (step.action === 'enabled' && !step.enabled)) {
            faulted.add(step.proxy);
          } else faulted.delete(step.proxy);
        } catch (error) {
          applied.error = (error as Error).message;
        }
        steps.push(applied);
      }, step.at),
    );
    const requests: RequestRecord[] = [];
    const progress = setInterval(() => {
      options.onProgress?.({
        t: now(),
        duration: experiment.load.duration,
        sent: requests.length,
        ok: requests.filter((r) => r.ok).length,
        state: scraper.samples.at(-1)?.state ?? 'unknown',
        faulted: [...faulted],
      });
    }, 250);
    try {
      await driveLoad(experiment.load, now, dispatcher, signal, requests);
    } finally {
      clearInterval(progress);
      for (const timer of timers) clearTimeout(timer);
      await fp.reset();
      await scraper.stop();
    }
    const checks = evaluate(experiment, scraper.samples, requests);
    const interrupted = signal.aborted;
    return {
      experiment,
      startedAt,
      interrupted,
      samples: scraper.samples,
      scrapeErrors: scraper.errors,
      requests,
      steps,
      checks,
      passed: !interrupted && checks.every((c) => c.passed),
    };
  } finally {
    await fp.close();
    await dispatcher.close();
  }
}
