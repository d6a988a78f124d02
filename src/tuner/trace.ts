import { readFile } from 'node:fs/promises';
import { quote } from '../core/options.js';
import type { OutcomeKind } from '../core/types.js';
import type { TraceCall as ScenarioTraceCall } from '../scenarios/trace.js';
import { TraceError } from './errors.js';

/**
 * One recorded call (API.md "Tuner"), the scenario library's record plus what the recorder
 * adds: `instance` (the process that made the call) and `error` (what a failure threw: its
 * `code`, else its `name`). Readers ignore keys they do not know.
 */
export interface TraceCall extends Readonly<ScenarioTraceCall> {
  readonly instance?: string;
  readonly error?: string;
}

/** Outcome codes of {@link ServiceTrace.outcomes}. */
export const OUTCOME = { success: 0, failure: 1, excluded: 2 } as const;

/**
 * The calls of one service in time order (ties keep the order of the file), in columns so that a
 * replay reads them without allocating.
 */
export interface ServiceTrace {
  readonly service: string;
  readonly times: Float64Array;
  readonly durations: Float64Array;
  /** {@link OUTCOME} codes. */
  readonly outcomes: Uint8Array;
}

/** A trace split by service, services in order of first appearance. */
export interface Trace {
  readonly services: readonly ServiceTrace[];
  /** Total calls. */
  readonly calls: number;
}

const OUTCOMES: readonly string[] = ['success', 'failure', 'excluded'];

/**
 * Checks one parsed record and returns it as a TraceCall.
 * @param line 1-based line number for the error message
 * @throws TraceError naming the line and the field
 */
export function checkCall(value: unknown, line: number, file?: string): TraceCall {
  const bad = (message: string): never => {
    throw new TraceError(message, { line, file });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`expected a JSON object, got ${quote(value)}`);
  }
  const r = value as Record<string, unknown>;
  if (typeof r.time !== 'number' || !Number.isFinite(r.time)) {
    return bad(`"time" must be a finite number of ms, got ${quote(r.time)}`);
  }
  if (typeof r.service !== 'string' || r.service === '') {
    return bad(`"service" must be a non-empty string, got ${quote(r.service)}`);
  }
  if (typeof r.duration !== 'number' || !Number.isFinite(r.duration) || r.duration < 0) {
    return bad(`"duration" must be a finite number of ms >= 0, got ${quote(r.duration)}`);
  }
  if (typeof r.outcome !== 'string' || !OUTCOMES.includes(r.outcome)) {
    return bad(`"outcome" must be "success", "failure" or "excluded", got ${quote(r.outcome)}`);
  }
  return {
    time: r.time,
    service: r.service,
    duration: r.duration,
    outcome: r.outcome as OutcomeKind,
  };
}

/**
 * Parses JSONL trace text: one call a line, blank lines skipped, lines in any order.
 * @throws TraceError for the first malformed line (1-based number), or an empty trace
 */
export function parseTrace(text: string, file?: string): TraceCall[] {
  const calls: TraceCall[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new TraceError(`not JSON: ${(error as Error).message}`, { line, file });
    }
    calls.push(checkCall(value, line, file));
  }
  if (calls.length === 0) throw new TraceError('the trace has no calls', { file });
  return calls;
}

/**
 * Reads a JSONL trace file.
 * @throws TraceError for a file that cannot be read, a malformed line or an empty trace
 */
export async function readTraceFile(file: string): Promise<TraceCall[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const detail =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file'
        : (error as Error).message;
    throw new TraceError(`cannot read the trace: ${detail}`, { file }, { cause: error });
  }
  return parseTrace(text, file);
}

/** Groups calls by service and sorts each service's calls by start time (stable). */
export function splitTrace(calls: readonly TraceCall[]): Trace {
  const groups = new Map<string, TraceCall[]>();
  for (const call of calls) {
    let group = groups.get(call.service);
    if (!group) groups.set(call.service, (group = []));
    group.push(call);
  }
  const services: ServiceTrace[] = [];
  for (const [service, group] of groups) {
    const sorted = group.every((c, i) => i === 0 || (group[i - 1]?.time ?? -Infinity) <= c.time)
      ? group
      : [...group].sort((a, b) => a.time - b.time);
    const n = sorted.length;
    const times = new Float64Array(n);
    const durations = new Float64Array(n);
    const outcomes = new Uint8Array(n);
    sorted.forEach((c, i) => {
      times[i] = c.time;
      durations[i] = c.duration;
      outcomes[i] = OUTCOME[c.outcome];
    });
    services.push({ service, times, durations, outcomes });
  }
  return { services, calls: calls.length };
}

/** One service's calls back as records (for writing a trace or a fixture). */
export function serviceCalls(trace: ServiceTrace): TraceCall[] {
  const names: readonly OutcomeKind[] = ['success', 'failure', 'excluded'];
  return Array.from(trace.times, (time, i) => ({
    time,
    service: trace.service,
    duration: trace.durations[i] ?? 0,
    outcome: names[trace.outcomes[i] ?? 0] ?? 'success',
  }));
}

/** A call as one JSONL line (with a trailing newline), keys in the order of API.md. */
export function formatCall(call: TraceCall): string {
  return `${JSON.stringify({
    time: call.time,
    service: call.service,
    duration: call.duration,
    outcome: call.outcome,
    ...(call.instance === undefined ? {} : { instance: call.instance }),
    ...(call.error === undefined ? {} : { error: call.error }),
  })}\n`;
}
