import type { RunReport } from '../scenarios/report.js';

const seconds = (ms: number | undefined): string =>
  ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;

/**
 * The evaluation table of one scenario as Markdown: a row per contender with false rejections,
 * leaked failures, faults detected, time to detect (mean), calls let through before detection
 * (the most over the faults) and time to recover (mean).
 */
export function reportTable(reports: ReadonlyMap<string, RunReport>): string {
  const rows = [
    '| protection | false rejections | leaked failures | detected | time to detect | calls to detect | time to recover |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [label, r] of reports) {
    rows.push(
      `| ${label} | ${r.falseRejections} | ${r.leaked} | ${r.detected}/${r.faults.length} | ${seconds(r.timeToDetect)} | ${r.callsToDetect ?? '-'} | ${seconds(r.timeToRecover)} |`,
    );
  }
  return rows.join('\n');
}
