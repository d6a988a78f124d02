// One instance of a test fleet, run as a child process: a breaker with the options it is given,
// coordinated through Redis, driven by the parent over IPC. It reports its transitions and the
// coordinator's status, runs batches of calls on request, and counts how often the protected
// function really ran (and how often while half-open: a probe).
import { Redis } from 'ioredis';
import { CircuitBreaker, type BreakerOptions } from '../../src/index.js';
import { RedisCoordinator, type RedisCoordinatorOptions } from '../../src/distributed/index.js';

interface Config {
  port: number;
  prefix: string;
  instanceId: string;
  breaker: BreakerOptions;
  coordinator: Omit<RedisCoordinatorOptions, 'redis' | 'store'>;
}

/** A request from the parent. */
export type Command =
  | { cmd: 'calls'; n: number; fail: boolean; spacing?: number; duration?: number }
  | { cmd: 'load'; ms: number; fail: boolean; concurrency: number; duration: number }
  | { cmd: 'state' }
  | { cmd: 'close' };

/** What `calls` and `load` reply. */
export interface CallTally {
  ran: number;
  probes: number;
  ok: number;
  failed: number;
  open: number;
  tooMany: number;
  other: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
const redis = new Redis({ port: config.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
const breaker = new CircuitBreaker({ name: 'svc', ...config.breaker });
const coordinator = new RedisCoordinator({
  redis,
  prefix: config.prefix,
  instanceId: config.instanceId,
  ...config.coordinator,
});
const send = (message: object): void => {
  process.send?.(message);
};
breaker.onTransition((e) => {
  send({ event: 'transition', from: e.from, to: e.to, reason: e.reason, wall: Date.now() });
});
coordinator.onStatus((status) => {
  send({ event: 'status', status, wall: Date.now() });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function call(fail: boolean, duration: number, tally: CallTally): Promise<void> {
  try {
    await breaker.execute(async () => {
      tally.ran++;
      if (breaker.state === 'half-open') tally.probes++;
      if (duration > 0) await sleep(duration);
      if (fail) throw new Error('dependency down');
      return 1;
    });
    tally.ok++;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BREAKER_OPEN') tally.open++;
    else if (code === 'ERR_TOO_MANY_REQUESTS') tally.tooMany++;
    else if ((error as Error).message === 'dependency down') tally.failed++;
    else tally.other++;
  }
}

const tally = (): CallTally => ({
  ran: 0,
  probes: 0,
  ok: 0,
  failed: 0,
  open: 0,
  tooMany: 0,
  other: 0,
});

process.on('message', (message: Command) => {
  void (async () => {
    if (message.cmd === 'calls') {
      const t = tally();
      for (let i = 0; i < message.n; i++) {
        await call(message.fail, message.duration ?? 0, t);
        if (message.spacing) await sleep(message.spacing);
      }
      send({ reply: 'calls', tally: t, state: breaker.state });
    } else if (message.cmd === 'load') {
      const t = tally();
      const end = Date.now() + message.ms;
      await Promise.all(
        Array.from({ length: message.concurrency }, async () => {
          while (Date.now() < end) {
            await call(message.fail, message.duration, t);
            await sleep(1);
          }
        }),
      );
      send({ reply: 'load', tally: t, state: breaker.state });
    } else if (message.cmd === 'state') {
      send({
        reply: 'state',
        state: breaker.state,
        retryAfter: breaker.retryAfter,
        status: coordinator.status,
        fleet: coordinator.fleet(),
      });
    } else {
      await coordinator.close();
      await redis.quit();
      send({ reply: 'closed', wall: Date.now() });
      process.disconnect();
    }
  })();
});

await coordinator.attach(breaker).ready;
send({ event: 'ready', state: breaker.state, status: coordinator.status, wall: Date.now() });
