import type { FaultWindow } from './scenario.js';

/** How one fault of a run was handled. Times are ms from the start of the run. */
export interface FaultReport extends FaultWindow {
  /** The first rejection within the fault; undefined when the policy never rejected in it. */
  detectedAt: number | undefined;
  /** `detectedAt - start`. */
  timeToDetect: number | undefined;
  /** Calls let through in the fault before the first rejection (all of them if none). */
  callsToDetect: number;
  /**
   * The end of the rejections that go on after the fault: the last rejection of the chain that
   * starts at `end` with no gap longer than the run's `quiet` (`end` itself when none follows).
   * Undefined when the fault was not detected.
   */
  recoveredAt: number | undefined;
  /** `recoveredAt - end`. */
  timeToRecover: number | undefined;
}

/** What one run of a policy against a scenario counted. */
export interface RunReport {
  scenario: string;
  seed: number;
  /** Calls offered. */
  calls: number;
  /** Calls whose `fn` ran (the dependency saw them). */
  admitted: number;
  /** Calls the policy refused without running `fn`. */
  rejected: number;
  /** Rejected calls that would have succeeded (false rejections). */
  falseRejections: number;
  /** Admitted calls that failed (failures let through). */
  leaked: number;
  /** Admitted calls that succeeded. */
  succeeded: number;
  faults: FaultReport[];
  /** Faults with a rejection in them. */
  detected: number;
  /** Mean `timeToDetect` over the detected faults (ms); undefined when none was. */
  timeToDetect: number | undefined;
  /** The largest `callsToDetect` over the faults; undefined without faults. */
  callsToDetect: number | undefined;
  /** Mean `timeToRecover` over the detected faults (ms); undefined when none was. */
  timeToRecover: number | undefined;
}

interface Rejection {
  time: number;
}

const mean = (values: number[]): number | undefined =>
  values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Measures detection and recovery of each fault from the times of the run's rejections (in
 * order) and of its admitted calls.
 */
export function faultReports(
  faults: readonly FaultWindow[],
  rejections: readonly Rejection[],
  admittedTimes: readonly number[],
  quiet: number,
): FaultReport[] {
  return faults.map((fault, i) => {
    const next = faults[i + 1]?.start ?? Infinity;
    const first = rejections.find((r) => r.time >= fault.start && r.time < fault.end);
    const detectedAt = first?.time;
    const until = detectedAt ?? fault.end;
    const callsToDetect = admittedTimes.filter((t) => t >= fault.start && t < until).length;
    let recoveredAt: number | undefined;
    if (detectedAt !== undefined) {
      recoveredAt = fault.end;
      for (const r of rejections) {
        if (r.time < fault.end) continue;
        if (r.time >= next || r.time - recoveredAt > quiet) break;
        recoveredAt = r.time;
      }
    }
    return {
      ...fault,
      detectedAt,
      timeToDetect: detectedAt === undefined ? undefined : detectedAt - fault.start,
      callsToDetect,
      recoveredAt,
      timeToRecover: recoveredAt === undefined ? undefined : recoveredAt - fault.end,
    };
  });
}

/** The run-level figures of a list of fault reports. */
export function summarizeFaults(
  faults: readonly FaultReport[],
): Pick<RunReport, 'detected' | 'timeToDetect' | 'callsToDetect' | 'timeToRecover'> {
  const detected = faults.filter((f) => f.detectedAt !== undefined);
  return {
    detected: detected.length,
    timeToDetect: mean(detected.map((f) => f.timeToDetect ?? 0)),
    callsToDetect:
      faults.length === 0 ? undefined : Math.max(...faults.map((f) => f.callsToDetect)),
    timeToRecover: mean(detected.map((f) => f.timeToRecover ?? 0)),
  };
}
