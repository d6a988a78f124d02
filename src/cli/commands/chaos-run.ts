import { writeFile } from 'node:fs/promises';
import { renderRunReport } from '../../chaos/experiment/report.js';
import { toJournal } from '../../chaos/experiment/journal.js';
import { runExperiment, type Progress } from '../../chaos/experiment/runner.js';
import { checkExperiment, type Experiment } from '../../chaos/experiment/schema.js';
import { ConfigError } from '../../manager/config/config-error.js';
import { loadDataFile } from '../../manager/config/loader.js';
import type { CliIo } from '../io.js';

/** Exit code of `chaos run` for an experiment file it cannot use. */
export const BAD_FILE_EXIT_CODE = 2;

/** Reads and checks an experiment file (YAML or JSON). @throws ConfigError with every mistake */
export async function loadExperiment(file: string): Promise<Experiment> {
  return (await loadDataFile(file, checkExperiment)).value;
}

function progressLine(p: Progress): string {
  const share = p.sent === 0 ? '-' : `${Math.round((p.ok / p.sent) * 100)}%`;
  const faults = p.faulted.length === 0 ? 'none' : p.faulted.join(', ');
  return `${(p.t / 1000).toFixed(1)}s / ${(p.duration / 1000).toFixed(1)}s  sent ${p.sent}  ok ${share}  breaker ${p.state}  faults ${faults}`;
}

const show = (v: number | null): string =>
  v === null ? 'never' : Number.isInteger(v) ? String(v) : v.toFixed(3);

/** Runs `breakwater chaos run FILE`; returns the exit code. */
export async function chaosRun(
  file: string,
  outputs: { journal?: string | undefined; report?: string | undefined },
  io: CliIo,
): Promise<number> {
  let experiment: Experiment;
  try {
    experiment = await loadExperiment(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const count = error.issues.length === 1 ? '1 error' : `${error.issues.length} errors`;
    const lines = error.issues.map(
      (i) => `  ${i.path}: ${i.message}${i.line === undefined ? '' : ` (line ${i.line})`}\n`,
    );
    io.stderr.write(`breakwater chaos run: ${file}: ${count}:\n${lines.join('')}`);
    return BAD_FILE_EXIT_CODE;
  }
  const live = io.stderr.isTTY === true;
  io.stdout.write(`chaos experiment: ${experiment.title}\n`);
  const result = await runExperiment(experiment, {
    signal: io.signal,
    onProgress: live ? (p) => io.stderr.write(`\r\x1b[K${progressLine(p)}`) : undefined,
  });
  if (live) io.stderr.write('\r\x1b[K');
  for (const c of result.checks) {
    io.stdout.write(
      `  ${c.passed ? 'pass' : 'FAIL'}  ${c.name}: measured ${show(c.measured)}, limit ${show(c.limit)} (${c.detail})\n`,
    );
  }
  for (const s of result.steps.filter((step) => step.error !== undefined)) {
    io.stdout.write(`  step at ${Math.round(s.t)} ms on ${s.proxy} refused: ${s.error ?? ''}\n`);
  }
  if (outputs.journal !== undefined) {
    await writeFile(outputs.journal, `${JSON.stringify(toJournal(result), null, 2)}\n`);
  }
  if (outputs.report !== undefined) await writeFile(outputs.report, renderRunReport(result));
  const failed = result.checks.filter((c) => !c.passed).length;
  if (result.interrupted) {
    io.stdout.write('INTERRUPTED: every fault rolled back\n');
    const reason: unknown = io.signal.reason;
    return reason instanceof Error && reason.message.includes('SIGTERM') ? 143 : 130;
  }
  io.stdout.write(
    result.passed ? 'PASSED\n' : `FAILED: ${failed} of ${result.checks.length} checks\n`,
  );
  return result.passed ? 0 : 1;
}
