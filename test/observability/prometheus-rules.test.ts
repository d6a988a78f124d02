import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { metricNames } from '../../src/observability/metric-names.js';
import { registerMetrics } from '../../src/observability/prometheus/index.js';
import { ManualClock } from '../../src/testing/manual-clock.js';
import { parseExposition, type ParsedSample } from './helpers/exposition.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rulesFile = join(root, 'deploy/prometheus/alerts.yml');
const testsFile = join(root, 'deploy/prometheus/alerts.test.yml');
const dashboardFile = join(root, 'deploy/grafana/breakwater-circuit-breakers.json');

const hasPromtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
const skip =
  !hasPromtool && process.env.REQUIRE_SERVICES !== '1'
    ? 'promtool not installed (Debian package "prometheus"; scripts/services.sh installs it)'
    : false;

function promtool(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const rules = (
  parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

/** Series names the exporter serves, with the label names each carries. */
async function exported(): Promise<Map<string, Set<string>>> {
  const registry = new Registry();
  const b = new CircuitBreaker({
    name: 'x',
    window: { kind: 'count', size: 10 },
    failureRateThreshold: 50,
    slowCallDuration: 100,
    slowCallRateThreshold: 50,
  });
  using _m = registerMetrics(b, { registry });
  const out = new Map<string, Set<string>>();
  for (const s of parseExposition(await registry.metrics()).samples) {
    const labels = out.get(s.name) ?? new Set<string>();
    for (const l of Object.keys(s.labels)) labels.add(l);
    out.set(s.name, labels);
  }
  return out;
}

/** Every `breakwater_*{...}` selector in a PromQL expression, with the label names it uses. */
function selectors(expr: string): { name: string; labels: string[] }[] {
  return [...expr.matchAll(/(breakwater_[a-z_]+)(\{([^}]*)\})?/g)].map((m) => ({
    name: m[1]!,
    labels: [...(m[3] ?? '').matchAll(/([a-z_]+)\s*(=~|!=|=)/g)].map((l) => l[1]!),
  }));
}

describe('Prometheus alert rules (deploy/prometheus)', () => {
  it('pass promtool check rules', { skip }, () => {
    const r = promtool('check', 'rules', rulesFile);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS: 5 rules found/);
  });

  it('pass their promtool unit tests', { skip }, () => {
    const r = promtool('test', 'rules', testsFile);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it('cover open, stuck-open, flapping, high rejection and fleet-wide outage, each summarised and described', () => {
    assert.deepEqual(
      rules.map((r) => [r.alert, r.labels.severity]),
      [
        ['CircuitBreakerOpen', 'warning'],
        ['CircuitBreakerStuckOpen', 'critical'],
        ['CircuitBreakerFlapping', 'warning'],
        ['CircuitBreakerHighRejectionRate', 'warning'],
        ['CircuitBreakerDependencyDown', 'critical'],
      ],
    );
    for (const r of rules) {
      assert.ok((r.annotations.summary ?? '').length > 20, `${r.alert} summary`);
      assert.ok((r.annotations.description ?? '').length > 80, `${r.alert} description`);
    }
  });

  it('have a unit test where each alert fires, one before it fires, and one after it resolves', () => {
    const tests = (
      parse(readFileSync(testsFile, 'utf8')) as {
        tests: {
          alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[];
        }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test);
    const minutes = (t: string): number => Number(/^(\d+)m$/.exec(t)?.[1] ?? NaN);
    for (const { alert } of rules) {
      const mine = tests.filter((t) => t.alertname === alert);
      const fires = mine.filter((t) => t.exp_alerts.length > 0).map((t) => minutes(t.eval_time));
      const quiet = mine.filter((t) => t.exp_alerts.length === 0).map((t) => minutes(t.eval_time));
      assert.ok(fires.length > 0, `${alert} never fires in the tests`);
      assert.ok(
        quiet.some((m) => m < Math.min(...fires)),
        `${alert}: no case before it fires`,
      );
      assert.ok(
        quiet.some((m) => m > Math.max(...fires)),
        `${alert}: no case after it resolves`,
      );
    }
  });

  it('and the Grafana dashboard use only series and labels the exporter serves', async () => {
    const served = await exported();
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprs = [
      ...rules.map((r) => [r.alert, r.expr] as const),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const)),
    ];
    // The histogram is served as _bucket, _sum and _count; `job`/`instance` come from the scrape.
    const scrapeLabels = new Set(['job', 'instance']);
    let checked = 0;
    for (const [where, expr] of exprs) {
      for (const s of selectors(expr)) {
        const labels = served.get(s.name);
        assert.ok(labels, `${where}: ${s.name} is not exported`);
        for (const l of s.labels) {
          assert.ok(labels.has(l) || scrapeLabels.has(l), `${where}: ${s.name} has no label ${l}`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 15, `only ${checked} selectors found`);
    // Every series of the API is used by at least one panel.
    const used = new Set(exprs.flatMap(([, e]) => selectors(e).map((s) => s.name)));
    for (const name of Object.values(metricNames)) {
      assert.ok(
        used.has(name) || used.has(`${name}_bucket`) || used.has(`${name}_count`),
        `${name} is on no panel`,
      );
    }
  });

  it('fire from what the exporter really serves, scraped once a minute', { skip }, async () => {
    const clock = new ManualClock(0);
    const registry = new Registry();
    const payments = new CircuitBreaker({
      name: 'payments',
      clock,
      timeout: 3_600_000,
      readyToTrip: () => true,
    });
    const users = new CircuitBreaker({
      name: 'users',
      clock,
      timeout: 3_600_000,
      readyToTrip: () => true,
    });
    using _m = registerMetrics([payments, users], { registry });
    const series = new Map<string, number[]>();
    const key = (s: ParsedSample): string => {
      const labels = { job: 'api', instance: 'a:9464', ...s.labels };
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      return `${s.name}{${text}}`;
    };
    const fail = (b: CircuitBreaker): Promise<unknown> =>
      b.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
    for (let minute = 0; minute <= 20; minute++) {
      if (minute === 2) await fail(payments);
      // users opens and is reset once a minute for four minutes: flapping.
      if (minute >= 1 && minute <= 4) {
        await fail(users);
        users.reset();
      }
      await payments.execute(() => 1).catch(() => undefined);
      for (const s of parseExposition(await registry.metrics()).samples) {
        const values = series.get(key(s)) ?? [];
        values.push(s.value);
        series.set(key(s), values);
      }
      clock.advance(60_000);
    }
    const input_series = [...series]
      .filter(([k]) => k.startsWith(metricNames.state) || k.startsWith(metricNames.transitions))
      .map(([k, v]) => ({ series: k, values: v.join(' ') }));
    // The same alerts as in the hand-written tests, so their expected annotations apply as is.
    const handWritten = (
      parse(readFileSync(testsFile, 'utf8')) as {
        tests: {
          alert_rule_test: { alertname: string; exp_alerts: { exp_labels: { name: string } }[] }[];
        }[];
      }
    ).tests.flatMap((t) => t.alert_rule_test);
    const expect = (alertname: string, name: string): unknown[] => {
      const found = handWritten.find(
        (t) => t.alertname === alertname && t.exp_alerts[0]?.exp_labels.name === name,
      )?.exp_alerts;
      assert.ok(found, `no hand-written case for ${alertname} ${name}`);
      return found;
    };
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-promtool-'));
    try {
      const file = join(dir, 'e2e.test.yml');
      writeFileSync(
        file,
        stringify({
          rule_files: [rulesFile],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series,
              alert_rule_test: [
                { eval_time: '2m', alertname: 'CircuitBreakerOpen', exp_alerts: [] },
                {
                  eval_time: '3m',
                  alertname: 'CircuitBreakerOpen',
                  exp_alerts: expect('CircuitBreakerOpen', 'payments'),
                },
                { eval_time: '11m', alertname: 'CircuitBreakerStuckOpen', exp_alerts: [] },
                {
                  eval_time: '12m',
                  alertname: 'CircuitBreakerStuckOpen',
                  exp_alerts: expect('CircuitBreakerStuckOpen', 'payments'),
                },
                { eval_time: '3m', alertname: 'CircuitBreakerFlapping', exp_alerts: [] },
                {
                  eval_time: '4m',
                  alertname: 'CircuitBreakerFlapping',
                  exp_alerts: expect('CircuitBreakerFlapping', 'users'),
                },
                { eval_time: '20m', alertname: 'CircuitBreakerFlapping', exp_alerts: [] },
              ],
            },
          ],
        }),
      );
      const r = promtool('test', 'rules', file);
      assert.equal(r.status, 0, `${r.out}\n${readFileSync(file, 'utf8')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
