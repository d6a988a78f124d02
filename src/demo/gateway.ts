import { Agent } from 'undici';
import type { CircuitBreaker } from '../core/circuit-breaker.js';
import { CircuitBreakerManager } from '../manager/manager.js';
import type { BreakerSource } from '../manager/source.js';
import type { TimerClock } from './clock.js';
import { HttpDependencyClient, LoopbackDependency } from './loopback.js';
import { Scenario } from './scenario.js';
import { gatewayStory, type ServiceScript } from './story.js';
import { inProcessClient } from './transport.js';

/** Options of {@link DemoGateway.start}. Durations are real milliseconds. */
export interface GatewayOptions {
  /** See `ScenarioOptions.duration`. Default `Infinity`. */
  duration?: number;
  /** See `ScenarioOptions.speed`. Default 1. */
  speed?: number;
  /** Requests per second into the gateway; each calls every dependency once. Default 50. */
  rate?: number;
  /** See `ScenarioOptions.seed`. Default 1. */
  seed?: number;
  /** Default {@link gatewayStory}: payments and shipping over HTTP, inventory in process. */
  services?: readonly ServiceScript[];
  /** Percent of breakers open above which the manager signals a cascade. Default 50. */
  cascadeThreshold?: number;
  /** See `ScenarioOptions.clock`. */
  clock?: TimerClock;
}

/**
 * The small system `breakwater demo` runs: a gateway that, for every request it gets, calls
 * each dependency through its breaker. The breakers come from one CircuitBreakerManager (with a
 * cascade signal). Dependencies whose script says `reach: 'http'` sit behind real HTTP servers on
 * loopback ports and are called with undici's `fetch`; the others are called in process.
 *
 * @example
 * const gateway = await DemoGateway.start({ duration: 25_000 });
 * const summary = await gateway.scenario.run(signal);
 * await gateway.close();
 */
export class DemoGateway {
  readonly scenario: Scenario;
  /** Holds every breaker; its `cascade` is the fleet signal. */
  readonly manager: CircuitBreakerManager;
  /** The breakers, for the exporters: the manager itself, which is a BreakerSource. */
  readonly source: BreakerSource;
  /** The manager's cascade settings: percent of breakers open, and fewest open. */
  readonly cascade: { threshold: number; minimumOpen: number };
  private readonly remotes: LoopbackDependency[];
  private readonly clients: HttpDependencyClient[] = [];
  private readonly agent: Agent;

  private constructor(options: GatewayOptions) {
    const { services = gatewayStory, speed = 1, cascadeThreshold = 50 } = options;
    this.cascade = { threshold: cascadeThreshold, minimumOpen: 2 };
    this.manager = new CircuitBreakerManager({
      services: Object.fromEntries(services.map((s) => [s.name, s.breaker(speed)])),
      cascadeThreshold,
      cascadeMinimumOpen: 2,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.agent = new Agent({ keepAliveTimeout: 2_000, connect: { timeout: 1_000 } });
    this.remotes = [];
    this.scenario = new Scenario({
      duration: options.duration ?? Infinity,
      speed,
      rate: options.rate ?? 50,
      seed: options.seed ?? 1,
      services,
      ...(options.clock ? { clock: options.clock } : {}),
      // The manager already holds each service's options (from the same scripts).
      createBreaker: (o) => this.manager.get(o.name),
      connect: (dependency, script) => {
        if (script.reach !== 'http') return inProcessClient(dependency);
        const remote = new LoopbackDependency(dependency);
        this.remotes.push(remote);
        const client = new HttpDependencyClient(remote, this.agent);
        this.clients.push(client);
        return client;
      },
    });
    this.source = this.manager;
  }

  /** Builds the gateway, starts the dependencies' HTTP servers and connects to them. */
  static async start(options: GatewayOptions = {}): Promise<DemoGateway> {
    const gateway = new DemoGateway(options);
    try {
      await Promise.all(gateway.remotes.map((r) => r.listen()));
      await Promise.all(gateway.clients.map((c) => c.warmUp()));
    } catch (error) {
      await gateway.close();
      throw error;
    }
    return gateway;
  }

  /** Where a breaker's dependency is and what it is doing now: `HTTP 127.0.0.1:40123 · failing`. */
  describe(breaker: CircuitBreaker): string | undefined {
    const service = this.scenario.services.find((s) => s.breaker === breaker);
    if (!service) return undefined;
    const via = service.client.via.replace(/^http:\/\//, 'HTTP ');
    return `${via} · ${service.dependency.phase.name}`;
  }

  /** Stops the dependencies' servers and closes the gateway's connections. */
  async close(): Promise<void> {
    await Promise.all(this.remotes.map((r) => r.close()));
    await this.agent.close();
    this.manager.close();
  }
}
