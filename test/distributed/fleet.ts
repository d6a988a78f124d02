// Starts test fleets: N instances of fleet-member.ts as child processes, each with its own
// breaker, sharing one Redis prefix; the parent drives them and reads what they report.
import { fork, type ChildProcess } from 'node:child_process';
import type { BreakerOptions } from '../../src/index.js';
import type { RedisCoordinatorOptions } from '../../src/distributed/index.js';
import type { CallTally, Command } from './fleet-member.js';

const MEMBER = new URL('./fleet-member.ts', import.meta.url).pathname;

/** A message a member sent on its own. */
export interface MemberEvent {
  event: 'ready' | 'transition' | 'status';
  to?: string;
  from?: string;
  reason?: string;
  status?: string;
  state?: string;
  wall: number;
}

interface Reply {
  reply: string;
  tally?: CallTally;
  state?: string;
  retryAfter?: number;
  status?: string;
  fleet?: unknown;
  wall?: number;
}

/** One instance of a test fleet. */
export class Member {
  readonly id: string;
  readonly events: MemberEvent[] = [];
  readonly child: ChildProcess;
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private readonly exit: Promise<number | null>;
  readonly ready: Promise<MemberEvent>;

  constructor(id: string, config: object) {
    this.id = id;
    this.child = fork(MEMBER, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exit = new Promise((resolve) => this.child.once('exit', resolve));
    let ready: (e: MemberEvent) => void = () => undefined;
    this.ready = new Promise((resolve) => (ready = resolve));
    this.child.on('message', (m: MemberEvent | Reply) => {
      if ('reply' in m) this.waiting.shift()?.(m);
      else {
        this.events.push(m);
        if (m.event === 'ready') ready(m);
      }
    });
  }

  /** Sends a command and resolves with its reply. */
  request(command: Command): Promise<Reply> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(command);
    });
  }

  calls(n: number, fail: boolean, spacing = 0, duration = 0): Promise<Reply> {
    return this.request({ cmd: 'calls', n, fail, spacing, duration });
  }

  state(): Promise<Reply> {
    return this.request({ cmd: 'state' });
  }

  /** Wall time of the first transition to `to` after `since`, waiting up to `ms`. */
  async transitionTo(to: string, since: number, ms: number): Promise<number | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const e = this.events.find((x) => x.event === 'transition' && x.to === to && x.wall >= since);
      if (e) return e.wall;
      if (Date.now() > end) return undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Wall time of the first status event `status`, waiting up to `ms`. */
  async statusBecomes(status: string, since: number, ms: number): Promise<number | undefined> {
    const end = Date.now() + ms;
    for (;;) {
      const e = this.events.find(
        (x) => x.event === 'status' && x.status === status && x.wall >= since,
      );
      if (e) return e.wall;
      if (Date.now() > end) return undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Asks the member to close its coordinator and Redis client; resolves with its exit code. */
  async close(): Promise<{ code: number | null; afterClose: number }> {
    if (this.child.exitCode !== null) return { code: this.child.exitCode, afterClose: 0 };
    const reply = await this.request({ cmd: 'close' });
    const code = await this.exit;
    return { code, afterClose: Date.now() - (reply.wall ?? Date.now()) };
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** Options for every member of a fleet. */
export interface FleetOptions {
  port: number;
  prefix: string;
  breaker: BreakerOptions;
  coordinator?: Omit<RedisCoordinatorOptions, 'redis' | 'store'>;
}

/** Starts `n` members (ids m0..) and waits until every one is ready. */
export async function startFleet(n: number, options: FleetOptions, from = 0): Promise<Member[]> {
  const members = Array.from(
    { length: n },
    (_, i) =>
      new Member(`m${from + i}`, {
        port: options.port,
        prefix: options.prefix,
        instanceId: `m${from + i}`,
        breaker: options.breaker,
        coordinator: options.coordinator ?? {},
      }),
  );
  await Promise.all(members.map((m) => m.ready));
  return members;
}

/** Closes every member (killing any that does not exit within 10 s). */
export async function stopFleet(members: readonly Member[]): Promise<void> {
  await Promise.all(
    members.map(async (m) => {
      const timer = setTimeout(() => {
        m.kill();
      }, 10_000);
      await m.close().catch(() => undefined);
      clearTimeout(timer);
    }),
  );
}
