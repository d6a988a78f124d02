import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Agent } from 'undici';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { CallTimeoutError } from '../core/errors.js';
import type { TimerClock } from './clock.js';
import { DependencyError, SimulatedDependency } from './dependency.js';
import { HttpDependencyClient, LoopbackDependency } from './loopback.js';
import type { Phase } from './story.js';

/** Real timers, counted, so the test sees the server cancel a call the client gave up on. */
function countingClock(): TimerClock & { pending: number } {
  const clock = {
    pending: 0,
    now: () => Date.now(),
    schedule(ms: number, callback: () => void) {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        clock.pending--;
      };
      clock.pending++;
      const timer = setTimeout(() => {
        finish();
        callback();
      }, ms);
      return () => {
        clearTimeout(timer);
        finish();
      };
    },
  };
  return clock;
}

const phase = (p: Partial<Phase>): Phase => ({
  from: 0,
  name: 'steady',
  healthy: true,
  errorRate: 0,
  hangRate: 0,
  latency: [1, 1],
  ...p,
});

const agent = new Agent();
const servers: LoopbackDependency[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await agent.close();
});

async function start(p: Phase, clock: TimerClock = countingClock()) {
  const dependency = new SimulatedDependency({
    name: 'payments',
    phases: [p],
    clock,
    random: () => 0.5,
    speed: 1,
    storyTime: () => 0,
  });
  const remote = new LoopbackDependency(dependency);
  servers.push(remote);
  assert.throws(() => remote.origin, { message: 'the payments server is not listening yet' });
  await remote.listen();
  return { remote, client: new HttpDependencyClient(remote, agent) };
}

describe('a dependency over loopback HTTP', () => {
  it('answers 200 with the dependency text, on 127.0.0.1', async () => {
    const { remote, client } = await start(phase({}));
    assert.match(remote.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(client.via, remote.origin);
    assert.equal(await client.call(new AbortController().signal), 'payments: ok');
    const res = await fetch(`${remote.origin}/other`);
    assert.equal(res.status, 404);
    await res.text();
  });

  it('turns a failure into 503, and that into a DependencyError naming the phase', async () => {
    const { remote, client } = await start(phase({ name: 'failing', errorRate: 1 }));
    const raw = await fetch(`${remote.origin}/call`);
    assert.deepEqual(
      [raw.status, raw.headers.get('x-demo-phase'), await raw.text()],
      [503, 'failing', 'payments: 503 service unavailable'],
    );
    await assert.rejects(client.call(new AbortController().signal), (error: unknown) => {
      assert.ok(error instanceof DependencyError);
      assert.deepEqual(
        [error.phase, error.status, error.message],
        ['failing', 503, 'payments: 503 service unavailable'],
      );
      return true;
    });
  });

  it('a breaker call timeout closes the connection, and the server cancels the hanging call', async () => {
    const clock = countingClock();
    const { client } = await start(phase({ name: 'hanging', hangRate: 1 }), clock);
    const breaker = new CircuitBreaker({ callTimeout: 50 });
    const started = Date.now();
    await assert.rejects(
      breaker.execute((signal) => client.call(signal)),
      (e: unknown) => e instanceof CallTimeoutError,
    );
    assert.ok(Date.now() - started < 1000, 'did not wait for the 5 s hang');
    // The server saw the connection go and cancelled the dependency's 5 s timer.
    const deadline = Date.now() + 2000;
    while (clock.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(clock.pending, 0);
    assert.equal(breaker.counts.totalFailures, 1);
  });
});
