// `breakwater chaos` as a real process: the proxy's control API driven by toxiproxy-node-client
// and stopped by SIGINT; `chaos run` interrupted by SIGINT rolls back and exits 130.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Toxiproxy } from 'toxiproxy-node-client';
import { Client, echoServer, portOf } from './support.js';

const root = new URL('../../', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'breakwater-chaos-cli-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  stdout: () => string;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
  });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  return { child, stderr: () => stderr, stdout: () => stdout };
}

async function waitFor(read: () => string, pattern: RegExp, ms = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('breakwater chaos (process)', { timeout: 60_000 }, () => {
  test('chaos proxy: a Toxiproxy client drives it; SIGINT stops it with exit 0', async () => {
    const echo = await echoServer();
    const p = start(['chaos', 'proxy', '--api', '127.0.0.1:0']);
    try {
      const [, api] = await waitFor(p.stderr, /control API on (http:\/\/127\.0\.0\.1:\d+)\//);
      const client = new Toxiproxy(api ?? '');
      const proxy = await client.createProxy({
        name: 'echo',
        listen: '127.0.0.1:0',
        upstream: `127.0.0.1:${echo.port}`,
      });
      await proxy.addToxic({
        type: 'latency',
        name: 'slow',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 200, jitter: 0 },
      });
      const c = await Client.open(portOf(proxy.listen));
      const started = Date.now();
      c.socket.write('hi');
      assert.ok((await c.bytes(2)) - started >= 200);
      c.destroy();
      p.child.kill('SIGINT');
      const [code] = (await once(p.child, 'exit')) as [number | null];
      assert.equal(code, 0, p.stderr());
    } finally {
      p.child.kill('SIGKILL');
      await echo.close();
    }
  });

  test('chaos run: SIGINT rolls back every fault, writes the journal, exits 130', async () => {
    const upstream = await echoServer();
    const file = join(dir, 'hold.yaml');
    const journal = join(dir, 'hold.json');
    writeFileSync(
      file,
      `title: interrupted
proxies: [{ name: hold, listen: 127.0.0.1:17431, upstream: 127.0.0.1:${upstream.port} }]
load: { url: "http://127.0.0.1:17432/", rate: 5, duration: 30s, timeout: 500ms }
observe: { metrics: "http://127.0.0.1:17432/metrics", breaker: nothing }
method: [{ at: 100ms, proxy: hold, toxic: { type: timeout, attributes: { timeout: 0 } } }]
hypothesis: { successRate: 0.5 }
`,
    );
    const p = start(['chaos', 'run', file, '--journal', journal]);
    try {
      await waitFor(p.stdout, /chaos experiment: interrupted/);
      // The fault is on: a connection through the proxy gets nothing back.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const held = await Client.open(17431);
      held.socket.write('x');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(held.received, '');
      p.child.kill('SIGINT');
      const [code] = (await once(p.child, 'exit')) as [number | null];
      assert.equal(code, 130, p.stdout() + p.stderr());
      assert.match(p.stdout(), /INTERRUPTED: every fault rolled back/);
      const j = JSON.parse(readFileSync(journal, 'utf8')) as {
        interrupted: boolean;
        passed: boolean;
      };
      assert.equal(j.interrupted, true);
      assert.equal(j.passed, false);
      // Rolled back and closed: nothing listens on the proxy's port any more.
      const after = new Client(17431);
      await after.whenClosed();
      assert.equal(after.error?.code, 'ECONNREFUSED');
    } finally {
      p.child.kill('SIGKILL');
      await upstream.close();
    }
  });
});
