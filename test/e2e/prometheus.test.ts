// A real Prometheus (the Debian package's server: temporary data dir, 1 s scrapes, loopback
// only) scrapes `breakwater demo`; the test asks its HTTP API until the breaker series show
// every state the demo went through: each breaker open at some point, closed again now, and
// the transitions counted on the way (half-open spells are shorter than a scrape).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipWithout } from '../fixtures/services.js';
import { sleep, startDemo, type DemoProcess } from './demo-process.js';
import { SUITE_LIMIT_MS } from '../fixtures/limits.js';

const PROMETHEUS = '/usr/bin/prometheus';
const skip = skipWithout(PROMETHEUS, 'prometheus');
const NAMES = ['inventory', 'payments', 'shipping'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; `[]` while Prometheus is not up yet. */
async function query(base: string, promql: string): Promise<Sample[]> {
  try {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await res.json()) as { status: string; data?: { result: Sample[] } };
    return body.status === 'success' ? (body.data?.result ?? []) : [];
  } catch {
    return [];
  }
}

/** The breaker names in `samples` whose value is `value`, sorted. */
function namesWith(samples: Sample[], value: string): string[] {
  return samples
    .filter((s) => s.value[1] === value)
    .map((s) => s.metric.name ?? '')
    .sort();
}

describe('Prometheus scraping breakwater demo', { skip, timeout: SUITE_LIMIT_MS }, () => {
  it('records every breaker open, then closed again, with its transitions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-prom-'));
    // Prometheus first, so that it scrapes the demo from its first second.
    const demoPort = await freePort();
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: breakwater-demo',
        '    scrape_interval: 1s',
        '    scrape_timeout: 900ms',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${demoPort}']`,
        '',
      ].join('\n'),
    );
    const prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    prometheus.stderr.setEncoding('utf8').on('data', (c: string) => (log += c));
    const prometheusExit = new Promise((resolve) => prometheus.on('close', resolve));
    const base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    let demo: DemoProcess | undefined;
    let exit: Awaited<DemoProcess['exited']> | undefined;
    try {
      let ready = false;
      while (!ready && performance.now() - started < 15_000) {
        ready = await fetch(`${base}/-/ready`).then(
          (r) => r.ok,
          () => false,
        );
        if (!ready) await sleep(200);
      }
      assert.ok(ready, `Prometheus did not come up in 15 s:\n${log}`);
      // Twice as fast: payments opens ~3 s in, shipping (the last) is closed again by ~12 s.
      demo = await startDemo(['--port', String(demoPort), '--duration', '45s', '--speed', '2']);
      let seen = {
        up: [] as string[],
        opened: [] as string[],
        closed: [] as string[],
        reopened: [] as string[],
      };
      const deadline = started + 40_000;
      for (;;) {
        const up = await query(base, 'up{job="breakwater-demo"}');
        const opened = await query(
          base,
          'max_over_time(breakwater_circuitbreaker_state{state="open"}[1m])',
        );
        const closed = await query(base, 'breakwater_circuitbreaker_state{state="closed"}');
        const halfOpenToClosed = await query(
          base,
          'breakwater_circuitbreaker_transitions_total{from="half-open",to="closed"}',
        );
        seen = {
          up: up.map((s) => s.value[1]),
          opened: namesWith(opened, '1'),
          closed: namesWith(closed, '1'),
          reopened: halfOpenToClosed
            .filter((s) => Number(s.value[1]) >= 1)
            .map((s) => s.metric.name ?? '')
            .sort(),
        };
        if (seen.opened.length === 3 && seen.closed.length === 3 && seen.reopened.length === 3) {
          break;
        }
        if (performance.now() > deadline) {
          assert.fail(`after 40 s: ${JSON.stringify(seen)}\nprometheus log:\n${log}`);
        }
        await sleep(500);
      }
      assert.deepEqual(seen, { up: ['1'], opened: NAMES, closed: NAMES, reopened: NAMES });

      // Every breaker went closed -> open -> half-open on the way; counters say so.
      for (const [from, to] of [
        ['closed', 'open'],
        ['open', 'half-open'],
      ]) {
        const samples = await query(
          base,
          `breakwater_circuitbreaker_transitions_total{from="${from}",to="${to}"} >= 1`,
        );
        assert.deepEqual(samples.map((s) => s.metric.name).sort(), NAMES, `${from} -> ${to}`);
      }
      // Each scrape also carried the labels of API.md exactly.
      const series = await query(base, 'count by (name) (breakwater_circuitbreaker_state)');
      assert.deepEqual(
        series.map((s) => [s.metric.name, s.value[1]]).sort(),
        NAMES.map((n) => [n, '3']),
      );
    } finally {
      prometheus.kill('SIGTERM');
      const killer = setTimeout(() => prometheus.kill('SIGKILL'), 5000);
      await prometheusExit;
      clearTimeout(killer);
      exit = await demo?.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(exit, { code: 0, signal: null }, 'the demo stopped cleanly');
  });
});
