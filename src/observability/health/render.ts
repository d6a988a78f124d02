import type { CheckResult, HealthReport } from './checks.js';

/** Media type of the JSON view (IETF draft "Health Check Response Format for HTTP APIs"). */
export const healthJsonType = 'application/health+json';

function label(name: string): string {
  return name === '' ? '(unnamed)' : name;
}

function line(c: CheckResult): string {
  if (c.status === 'fail') return `[-]${label(c.name)} failed: ${c.output ?? 'failed'}`;
  return c.output === undefined ? `[+]${label(c.name)} ok` : `[+]${label(c.name)} ok: ${c.output}`;
}

/**
 * The Kubernetes-style text body. Verbose: one `[+]name ok` / `[-]name failed: reason` line
 * per check, then `<endpoint> check passed|failed`. Otherwise `ok` when it passes, or the
 * failing checks with their reasons withheld, as Kubernetes does.
 */
export function renderText(report: HealthReport, endpoint: string, verbose: boolean): string {
  const passed = report.status !== 'fail';
  if (verbose) {
    const lines = report.checks.map(line);
    lines.push(`${endpoint} check ${passed ? 'passed' : 'failed'}`);
    return `${lines.join('\n')}\n`;
  }
  if (passed) return 'ok\n';
  const lines = report.checks
    .filter((c) => c.status === 'fail')
    .map((c) => `[-]${label(c.name)} failed: reason withheld`);
  lines.push(`${endpoint} check failed`);
  return `${lines.join('\n')}\n`;
}

/** Optional top-level members of the JSON view. */
export interface HealthJsonInfo {
  description?: string;
  serviceId?: string;
  version?: string;
  releaseId?: string;
}

/**
 * The `application/health+json` body: `status`, and `checks` keyed `"<name>:circuit"` for
 * breakers (observedValue = state) and `"<name>"` for custom checks, each an array of one
 * object, as the draft shapes them.
 */
export function renderJson(report: HealthReport, info: HealthJsonInfo): Record<string, unknown> {
  const time = new Date(report.time).toISOString();
  const checks: Record<string, unknown[]> = {};
  for (const c of report.checks) {
    const key = c.componentType === 'circuit-breaker' ? `${c.name}:circuit` : c.name;
    const entry: Record<string, unknown> = {
      componentId: c.name,
      componentType: c.componentType,
      status: c.status,
      time,
    };
    if (c.state !== undefined) entry.observedValue = c.state;
    if (c.output !== undefined) entry.output = c.output;
    if (c.critical !== undefined) entry.critical = c.critical;
    if (c.counts !== undefined) entry.counts = c.counts;
    if (c.retryAfter !== undefined) entry.retryAfterMs = c.retryAfter;
    (checks[key] ??= []).push(entry);
  }
  const body: Record<string, unknown> = { status: report.status, ...info };
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => label(c.name));
  if (failed.length > 0) body.output = `failed: ${failed.join(', ')}`;
  body.checks = checks;
  return body;
}
