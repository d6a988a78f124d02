// Model-based property test of the circuit breaker: random configurations and random
// interleavings of admissions, outcomes in any order, caller aborts, per-call timeouts, clock
// advances (small, large and exactly onto deadlines), forceOpen / disable / reset and reads,
// checked after every step against an independent reference model
// (test/fixtures/core/breaker-model.ts) and against invariants that need no model.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BreakerModel,
  type Kind,
  type ModelConfig,
  type ModelCounts,
} from '../../test/fixtures/core/breaker-model.js';
import { ManualClock } from '../testing/manual-clock.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerOpenError, CallTimeoutError, TooManyRequestsError } from './errors.js';
import type { CallEvent, StateChangeEvent } from './events.js';
import type { BreakerOptions, BreakerSnapshot } from './options.js';
import type { CircuitState, Outcome } from './types.js';

// Thrown values the breaker's predicates sort: a failure, an excluded error, a "successful" one.
class Boom extends Error {}
class Ignored extends Error {}
class Benign extends Error {}
class Cancelled extends Error {}

type ErrKind = 'failure' | 'excluded' | 'benign';
const KIND_OF: Record<ErrKind, Kind> = { failure: 'F', excluded: 'E', benign: 'S' };
const makeError = (k: ErrKind, id: number): Error =>
  k === 'failure'
    ? new Boom(`boom ${id}`)
    : k === 'excluded'
      ? new Ignored(`ignored ${id}`)
      : new Benign(`benign ${id}`);

type Op =
  | {
      t: 'call';
      via: 'execute' | 'try';
      /** `badThen`: a thenable whose `then` (or its getter) throws: fails like `throw`. */
      body: 'pending' | 'value' | 'throw' | 'badThen' | 'badThenGetter';
      err: ErrKind;
      signal: boolean;
      preAborted: boolean;
    }
  | { t: 'allow' }
  | { t: 'resolve'; pick: number }
  | { t: 'reject'; pick: number; err: ErrKind }
  | { t: 'abort'; pick: number }
  | { t: 'done'; pick: number; outcome: Outcome }
  | { t: 'advance'; ms: number }
  | { t: 'toDeadline'; pick: number; offset: number }
  | { t: 'forceOpen' }
  | { t: 'disable' }
  | { t: 'reset' }
  | { t: 'read' };

interface Run {
  cfg: ModelConfig;
  /** Compare state and counts after every step (else only on 'read' ops and at the end). */
  readEveryStep: boolean;
  /** Subscribe to onCall (measures durations, and lets the test compare call events). */
  listenCalls: boolean;
  /** The onStateChange listener reads `state` and `counts` (re-entrancy). */
  reentrant: boolean;
  /** On every comparison, a breaker restored from `toJSON()` (through JSON) must agree too. */
  roundTrip: boolean;
}

// --- arbitraries ---------------------------------------------------------------------------

const windowArb: fc.Arbitrary<ModelConfig['window']> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('count' as const),
      size: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      buckets: fc.integer({ min: 1, max: 5 }),
      width: fc.integer({ min: 1, max: 40 }),
    }),
  },
);

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined });

/**
 * Two profiles: `broad` draws every option over wide ranges; `probes` keeps open waits and
 * probe deadlines short and commands rare, so most of a run is spent around half-open.
 */
type Profile = 'broad' | 'probes';

const configArb = (profile: Profile): fc.Arbitrary<ModelConfig> => {
  const broad = profile === 'broad';
  return fc
    .record({
      maxRequests: fc.integer({ min: broad ? -1 : 1, max: 4 }),
      interval: fc.oneof(
        fc.constant(0),
        fc.integer({ min: -5, max: 0 }),
        fc.integer({ min: 1, max: 300 }),
      ),
      timeout: fc.oneof(
        fc.record({
          kind: fc.constant('fixed' as const),
          ms: fc.oneof(
            { weight: 4, arbitrary: fc.integer({ min: 1, max: broad ? 300 : 30 }) },
            { weight: broad ? 1 : 0, arbitrary: fc.integer({ min: -10, max: 0 }) },
          ),
        }),
        fc.record({
          kind: fc.constant('linear' as const),
          base: fc.integer({ min: 1, max: broad ? 100 : 10 }),
        }),
      ),
      trip: fc.oneof(
        { weight: broad ? 1 : 0, arbitrary: fc.constant({ kind: 'default' as const }) },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('consecutive' as const),
            atLeast: fc.integer({ min: 1, max: broad ? 4 : 2 }),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('total' as const),
            atLeast: fc.integer({ min: 1, max: broad ? 4 : 2 }),
          }),
        },
      ),
      window: windowArb,
      failureRateThreshold: maybe(fc.integer({ min: 1, max: 100 })),
      slowCallDuration: maybe(fc.integer({ min: 0, max: broad ? 60 : 5 })),
      slowCallRateThreshold: maybe(fc.integer({ min: 1, max: 100 })),
      minimumCalls: fc.integer({ min: 1, max: broad ? 5 : 2 }),
      halfOpenTimeout: fc.oneof(
        { weight: broad ? 1 : 0, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: broad ? 400 : 80 }) },
        { weight: 1, arbitrary: fc.constant(Infinity) },
      ),
      callTimeout: maybe(fc.integer({ min: 1, max: broad ? 200 : 50 })),
    })
    .map((c) => {
      // The rate rules need a window, and the slow-call rule needs slowCallDuration.
      if (c.window.kind === 'none') {
        return { ...c, failureRateThreshold: undefined, slowCallRateThreshold: undefined };
      }
      if (c.slowCallDuration === undefined) return { ...c, slowCallRateThreshold: undefined };
      return c;
    });
};

const runArb = (profile: Profile): fc.Arbitrary<Run> =>
  fc.record({
    cfg: configArb(profile),
    readEveryStep: fc.boolean(),
    listenCalls: fc.boolean(),
    reentrant: fc.boolean(),
    roundTrip: fc.boolean(),
  });

const errKindArb = fc.constantFrom<ErrKind>('failure', 'failure', 'excluded', 'benign');
const pick = fc.nat({ max: 1000 });

const opArb = (profile: Profile): fc.Arbitrary<Op> => {
  const broad = profile === 'broad';
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        t: fc.constant('call' as const),
        via: fc.constantFrom('execute' as const, 'try' as const),
        body: fc.constantFrom(
          'pending' as const,
          'pending' as const,
          'value' as const,
          'throw' as const,
          'badThen' as const,
          'badThenGetter' as const,
        ),
        err: errKindArb,
        signal: fc.boolean(),
        preAborted: fc.oneof(
          { weight: 12, arbitrary: fc.constant(false) },
          { weight: 1, arbitrary: fc.constant(true) },
        ),
      }),
    },
    { weight: 3, arbitrary: fc.constant({ t: 'allow' as const }) },
    { weight: 5, arbitrary: fc.record({ t: fc.constant('resolve' as const), pick }) },
    {
      weight: 5,
      arbitrary: fc.record({ t: fc.constant('reject' as const), pick, err: errKindArb }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), pick }) },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('done' as const),
        pick,
        outcome: fc.constantFrom<Outcome>(true, true, false, 'excluded'),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        t: fc.constant('advance' as const),
        ms: fc.oneof(
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 60 }),
          fc.integer({ min: 60, max: 600 }),
          fc.integer({ min: broad ? 55_000 : 60, max: broad ? 65_000 : 600 }),
        ),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('toDeadline' as const),
        pick,
        offset: fc.constantFrom(0, 0, -1, 1),
      }),
    },
    { weight: broad ? 2 : 1, arbitrary: fc.constant({ t: 'forceOpen' as const }) },
    { weight: broad ? 2 : 1, arbitrary: fc.constant({ t: 'disable' as const }) },
    { weight: broad ? 4 : 1, arbitrary: fc.constant({ t: 'reset' as const }) },
    { weight: 4, arbitrary: fc.constant({ t: 'read' as const }) },
  );
};

// --- harness -------------------------------------------------------------------------------

/** What the caller of a call should see. */
type Expected =
  | { status: 'pending' }
  | { status: 'value'; value: number }
  | { status: 'error'; error: unknown }
  | { status: 'timeout' }
  | { status: 'open'; retryAfter: number }
  | { status: 'tooMany' };

interface HarnessCall {
  via: 'execute' | 'try' | 'allow';
  /** Index in the model's call list; -1 when not admitted (or not asked: pre-aborted). */
  modelId: number;
  expected: Expected;
  /** How the call ended in the model: by its own result, a timeout or the caller's abort. */
  endedBy: 'result' | 'timeout' | 'abort' | undefined;
  fnCalls: number;
  fnSignal: AbortSignal | undefined;
  resolveFn: ((v: number) => void) | undefined;
  rejectFn: ((e: unknown) => void) | undefined;
  fnSettled: boolean;
  controller: AbortController | undefined;
  done: ((o: Outcome) => void) | undefined;
  doneCalled: boolean;
  /** Every settlement of the promise execute / tryExecute returned. */
  settlements: { ok: boolean; value: unknown }[];
  /** Half-open episode (index of the transition that started it) it was admitted in. */
  episode: number | undefined;
}

const flush = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

const TRANSITIONS_ALLOWED = new Set([
  'closed>open',
  'open>half-open',
  'half-open>open',
  'half-open>closed',
  'open>closed',
]);

/** What the runs reached, so the test can show (and insist) that the interesting paths ran. */
const reached = new Map<string, number>();
const note = (key: string): void => {
  reached.set(key, (reached.get(key) ?? 0) + 1);
};

async function runScenario(run: Run, ops: Op[]): Promise<void> {
  const { cfg } = run;
  const clock = new ManualClock(0);
  const model = new BreakerModel(cfg);
  const seen: StateChangeEvent[] = [];
  const stateChanges: [string, CircuitState, CircuitState][] = [];
  const callEvents: CallEvent[] = [];
  const listenerProblems: string[] = [];
  const options: BreakerOptions = {
    name: 'm',
    clock,
    maxRequests: cfg.maxRequests,
    interval: cfg.interval,
    timeout: BreakerModel.timeoutOption(cfg.timeout),
    minimumCalls: cfg.minimumCalls,
    isExcluded: (e) => e instanceof Ignored,
    isSuccessful: (e) => e instanceof Benign,
    onStateChange: (name, from, to) => {
      stateChanges.push([name, from, to]);
      if (run.reentrant) {
        // Reading from inside a listener may apply elapsed time; it must not break anything.
        // (Recorded, not asserted here: the breaker reports a listener's throw as a warning.)
        const state = breaker.state;
        const c = breaker.counts;
        if (
          !['closed', 'open', 'half-open'].includes(state) ||
          Object.values(c).some((v) => v < 0)
        ) {
          listenerProblems.push(`${from} -> ${to}: read ${state} ${JSON.stringify(c)}`);
        }
      }
    },
  };
  const trip = BreakerModel.readyToTrip(cfg.trip);
  if (trip) options.readyToTrip = trip;
  if (cfg.window.kind === 'count') options.window = { kind: 'count', size: cfg.window.size };
  if (cfg.window.kind === 'time') {
    options.window = {
      kind: 'time',
      size: cfg.window.buckets * cfg.window.width,
      buckets: cfg.window.buckets,
    };
  }
  if (cfg.failureRateThreshold !== undefined)
    options.failureRateThreshold = cfg.failureRateThreshold;
  if (cfg.slowCallDuration !== undefined) options.slowCallDuration = cfg.slowCallDuration;
  if (cfg.slowCallRateThreshold !== undefined)
    options.slowCallRateThreshold = cfg.slowCallRateThreshold;
  if (cfg.halfOpenTimeout !== undefined) options.halfOpenTimeout = cfg.halfOpenTimeout;
  if (cfg.callTimeout !== undefined) options.callTimeout = cfg.callTimeout;
  const breaker = new CircuitBreaker(options);
  breaker.onTransition((e) => seen.push(e));
  if (run.listenCalls) breaker.onCall((e) => callEvents.push(e));

  const calls: HarnessCall[] = [];
  const byModelId = new Map<number, HarnessCall>();
  // Half-open episodes: admissions taken and admissions given back (exclusions) per episode.
  const episodeTaken = new Map<number, number>();
  const maxRequests = Math.max(1, cfg.maxRequests);
  let prevCounts: ModelCounts | undefined;

  const implState = (): CircuitState => seen.at(-1)?.to ?? 'closed';

  const newCall = (via: HarnessCall['via']): HarnessCall => ({
    via,
    modelId: -1,
    expected: { status: 'pending' },
    endedBy: undefined,
    fnCalls: 0,
    fnSignal: undefined,
    resolveFn: undefined,
    rejectFn: undefined,
    fnSettled: false,
    controller: undefined,
    done: undefined,
    doneCalled: false,
    settlements: [],
    episode: undefined,
  });

  /** The model settles call `h`; sets what its caller should see. Returns whether it ended it. */
  const settle = (
    h: HarnessCall,
    kind: Kind,
    expected: Expected,
    endedBy: HarnessCall['endedBy'],
  ): boolean => {
    if (h.modelId < 0 || !model.settle(h.modelId, kind)) return false;
    h.expected = expected;
    h.endedBy = endedBy;
    if (kind === 'E' && h.episode !== undefined && h.episode === model.transitions.length) {
      // An exclusion gives its half-open admission back (only within the same episode).
      episodeTaken.set(h.episode, (episodeTaken.get(h.episode) ?? 1) - 1);
    }
    return true;
  };

  const noteAdmitted = (h: HarnessCall): void => {
    if (implState() === 'half-open' && h.modelId >= 0) {
      const ep = seen.length;
      h.episode = ep;
      const taken = (episodeTaken.get(ep) ?? 0) + 1;
      episodeTaken.set(ep, taken);
      assert.ok(taken <= maxRequests, `half-open episode ${ep} holds ${taken} > ${maxRequests}`);
    }
  };

  const expectedRejection = (adm: { reason: string; retryAfter: number }): Expected =>
    adm.reason === 'open' ? { status: 'open', retryAfter: adm.retryAfter } : { status: 'tooMany' };

  const startCall = (op: Extract<Op, { t: 'call' }>): void => {
    const h = newCall(op.via);
    const id = calls.length;
    calls.push(h);
    const controller = op.signal || op.preAborted ? new AbortController() : undefined;
    h.controller = controller;
    if (op.preAborted && controller) controller.abort(new Cancelled(`pre ${id}`));
    const error = makeError(op.err, id);
    const fn = (signal: AbortSignal): number | Promise<number> => {
      h.fnCalls++;
      h.fnSignal = signal;
      if (op.body === 'value') return id;
      if (op.body === 'throw') throw error;
      if (op.body === 'badThen') {
        return {
          then() {
            throw error;
          },
        } as unknown as Promise<number>;
      }
      if (op.body === 'badThenGetter') {
        return {
          get then() {
            throw error;
          },
        } as unknown as Promise<number>;
      }
      return new Promise<number>((resolve, reject) => {
        h.resolveFn = resolve;
        h.rejectFn = reject;
      });
    };
    const timed = cfg.callTimeout !== undefined;
    let promise: Promise<unknown>;
    if (op.preAborted) {
      h.expected = { status: 'error', error: controller?.signal.reason };
    } else {
      const adm = model.admit(timed);
      if (adm.admitted) {
        h.modelId = adm.id;
        byModelId.set(adm.id, h);
      } else h.expected = expectedRejection(adm);
    }
    const opts = controller ? { signal: controller.signal } : undefined;
    try {
      promise =
        op.via === 'execute'
          ? breaker.execute(fn, opts)
          : breaker.tryExecute(fn, opts).then((r) => {
              if (r.ok) return r.value;
              throw r.error;
            });
    } catch (thrown) {
      assert.fail(`${op.via} threw synchronously: ${String(thrown)}`);
    }
    promise.then(
      (value) => h.settlements.push({ ok: true, value }),
      (reason: unknown) => h.settlements.push({ ok: false, value: reason }),
    );
    if (h.modelId >= 0) {
      noteAdmitted(h);
      if (op.body === 'value') settle(h, 'S', { status: 'value', value: id }, 'result');
      if (op.body !== 'pending' && op.body !== 'value') {
        settle(h, KIND_OF[op.err], { status: 'error', error }, 'result');
      }
      if (op.body !== 'pending') h.fnSettled = true;
    }
  };

  const startAllow = (): void => {
    const h = newCall('allow');
    calls.push(h);
    const adm = model.admit(false);
    let thrown: unknown;
    try {
      h.done = breaker.allow();
    } catch (e) {
      thrown = e;
    }
    if (adm.admitted) {
      assert.equal(thrown, undefined, 'allow() threw although the model admits');
      h.modelId = adm.id;
      byModelId.set(adm.id, h);
      noteAdmitted(h);
    } else {
      h.expected = expectedRejection(adm);
      assert.equal(h.done, undefined, 'allow() admitted although the model rejects');
      checkError(thrown, h.expected, 'allow()');
    }
  };

  const checkError = (actual: unknown, exp: Expected, what: string): void => {
    if (exp.status === 'timeout') {
      assert.ok(actual instanceof CallTimeoutError, `${what}: expected CallTimeoutError`);
      assert.equal(actual.timeout, cfg.callTimeout);
      assert.equal(actual.name, 'TimeoutError');
      assert.equal(actual.breakerName, 'm');
    } else if (exp.status === 'open') {
      assert.ok(
        actual instanceof BreakerOpenError,
        `${what}: expected BreakerOpenError, got ${String(actual)}`,
      );
      assert.equal(actual.retryAfter, exp.retryAfter, `${what}: retryAfter`);
      assert.equal(actual.message, 'circuit breaker is open');
      assert.equal(actual.breakerName, 'm');
    } else if (exp.status === 'tooMany') {
      assert.ok(
        actual instanceof TooManyRequestsError,
        `${what}: expected TooManyRequestsError, got ${String(actual)}`,
      );
      assert.equal(actual.message, 'too many requests');
    } else if (exp.status === 'error') {
      assert.equal(actual, exp.error, `${what}: rejection reason`);
    } else assert.fail(`${what}: no error expected (${exp.status})`);
  };

  const candidates = (p: (h: HarnessCall) => boolean): HarnessCall[] => calls.filter(p);
  const choose = <T>(list: T[], n: number): T | undefined => list[n % Math.max(1, list.length)];

  const advance = (ms: number): void => {
    const expired = model.advanceTo(model.now + ms);
    for (const id of expired) {
      const h = byModelId.get(id);
      assert.ok(h, `model expired unknown call ${id}`);
      h.expected = { status: 'timeout' };
      h.endedBy = 'timeout';
    }
    clock.advance(ms);
    assert.equal(clock.now(), model.now);
  };

  const apply = (op: Op): { staleSettle: boolean } => {
    let staleSettle = false;
    const staleIfSettled = (h: HarnessCall, ended: boolean): void => {
      const last = model.callEvents.at(-1);
      if (ended && last && last.call === h.modelId) staleSettle = last.stale;
    };
    switch (op.t) {
      case 'call':
        startCall(op);
        break;
      case 'allow':
        startAllow();
        break;
      case 'resolve':
      case 'reject': {
        const h = choose(
          candidates((c) => c.resolveFn !== undefined && !c.fnSettled),
          op.pick,
        );
        if (!h) break;
        h.fnSettled = true;
        const id = calls.indexOf(h);
        if (op.t === 'resolve') {
          staleIfSettled(h, settle(h, 'S', { status: 'value', value: 1000 + id }, 'result'));
          h.resolveFn?.(1000 + id);
        } else {
          const error = makeError(op.err, id);
          staleIfSettled(h, settle(h, KIND_OF[op.err], { status: 'error', error }, 'result'));
          h.rejectFn?.(error);
        }
        break;
      }
      case 'abort': {
        const h = choose(
          candidates((c) => c.controller !== undefined && !c.controller.signal.aborted),
          op.pick,
        );
        if (!h?.controller) break;
        const reason = new Cancelled(`abort ${calls.indexOf(h)}`);
        staleIfSettled(h, settle(h, 'E', { status: 'error', error: reason }, 'abort'));
        h.controller.abort(reason);
        break;
      }
      case 'done': {
        const h = choose(
          candidates((c) => c.done !== undefined),
          op.pick,
        );
        if (!h?.done) break;
        h.doneCalled = true;
        const kind: Kind = op.outcome === true ? 'S' : op.outcome === false ? 'F' : 'E';
        staleIfSettled(h, settle(h, kind, { status: 'pending' }, 'result'));
        h.done(op.outcome);
        break;
      }
      case 'advance':
        advance(op.ms);
        break;
      case 'toDeadline': {
        const deadlines = model.upcomingDeadlines();
        const target = (choose(deadlines, op.pick) ?? model.now + 1) + op.offset;
        advance(Math.max(0, target - model.now));
        break;
      }
      case 'forceOpen':
        model.forceOpen();
        breaker.forceOpen();
        break;
      case 'disable':
        model.disable();
        breaker.disable();
        break;
      case 'reset':
        model.reset();
        breaker.reset();
        break;
      case 'read':
        break;
    }
    return { staleSettle };
  };

  const compareReads = (): void => {
    model.applyTime();
    assert.equal(breaker.state, model.state, 'state');
    const counts = breaker.counts;
    assert.deepEqual(counts, model.countsAt(model.now), 'counts');
    for (const [k, v] of Object.entries(counts)) assert.ok(v >= 0, `counts.${k} = ${v}`);
    assert.equal(breaker.failureRate, model.failureRate(), 'failureRate');
    assert.equal(breaker.slowCallRate, model.slowCallRate(), 'slowCallRate');
    assert.equal(breaker.retryAfter, model.retryAfter(), 'retryAfter');
    assert.equal(breaker.forcedState, model.forced, 'forcedState');
    prevCounts = counts;
    if (run.roundTrip) {
      const { onStateChange: _ignored, ...rest } = options;
      const saved = JSON.parse(JSON.stringify(breaker.toJSON())) as BreakerSnapshot;
      const copy = new CircuitBreaker({ ...rest, initialState: saved });
      assert.equal(copy.state, model.state, 'restored state');
      assert.deepEqual(copy.counts, model.countsAt(model.now), 'restored counts');
      assert.equal(copy.retryAfter, model.retryAfter(), 'restored retryAfter');
      assert.equal(copy.forcedState, model.forced, 'restored forcedState');
    }
  };

  const checkAll = (op: Op | undefined, staleSettle: boolean): void => {
    const countsBefore = prevCounts;
    if (op === undefined || run.readEveryStep || op.t === 'read') {
      compareReads();
      if (staleSettle && countsBefore && run.readEveryStep) {
        assert.deepEqual(prevCounts, countsBefore, 'a stale result changed the counts');
      }
    }
    // State changes: the model's, in order, each from the previous one's `to`.
    assert.deepEqual(
      seen.map(({ from, to, at, reason, counts }) => ({ from, to, at, reason, counts })),
      model.transitions,
      'transitions',
    );
    let last: CircuitState = 'closed';
    for (const e of seen) {
      assert.equal(e.name, 'm');
      assert.equal(e.from, last, 'transition chain');
      assert.ok(TRANSITIONS_ALLOWED.has(`${e.from}>${e.to}`), `illegal ${e.from} -> ${e.to}`);
      last = e.to;
    }
    assert.deepEqual(
      stateChanges,
      seen.map((e) => ['m', e.from, e.to]),
      'onStateChange calls',
    );
    if (run.listenCalls) {
      assert.deepEqual(
        callEvents.map((e) => ({
          outcome: e.outcome,
          reason: e.reason ?? null,
          duration: e.duration,
          slow: e.slow,
          stale: e.stale,
          state: e.state,
        })),
        model.callEvents.map((e) => ({
          outcome: e.outcome,
          reason: e.reason ?? null,
          duration: e.duration,
          slow: e.slow,
          stale: e.stale,
          state: e.state,
        })),
        'onCall events',
      );
      model.callEvents.forEach((m, i) => {
        const error = callEvents[i]?.error;
        if (m.outcome === 'rejected') {
          assert.ok(BreakerOpenError.is(error), 'rejection event carries the error');
          return;
        }
        const h = byModelId.get(m.call);
        if (m.outcome === 'success' || h?.via === 'allow') {
          assert.equal(error, undefined, 'success event error');
          return;
        }
        assert.ok(h);
        checkError(error, h.expected, `onCall event ${i}`);
      });
    }
    // Calls: fn ran once for each admitted one, never for a rejected one; each promise settled
    // exactly once, with what the model says, and not before.
    for (const [i, h] of calls.entries()) {
      const what = `call ${i} (${h.via})`;
      assert.equal(h.fnCalls, h.via !== 'allow' && h.modelId >= 0 ? 1 : 0, `${what}: fn runs`);
      if (h.via === 'allow') continue;
      if (h.expected.status === 'pending') {
        assert.equal(h.settlements.length, 0, `${what}: settled early`);
        continue;
      }
      assert.equal(h.settlements.length, 1, `${what}: settlements`);
      const s = h.settlements[0];
      assert.ok(s);
      if (h.expected.status === 'value') {
        assert.deepEqual(s, { ok: true, value: h.expected.value }, `${what}: value`);
      } else {
        assert.equal(s.ok, false, `${what}: should reject`);
        checkError(s.value, h.expected, what);
      }
      // The call's own signal reflects how it ended; the caller's signal keeps no listener.
      if (h.controller && h.modelId >= 0) {
        assert.equal(
          getEventListeners(h.controller.signal, 'abort').length,
          0,
          `${what}: listener left`,
        );
      }
      if (h.endedBy === 'timeout' && h.fnSignal) {
        assert.ok(h.fnSignal.aborted, `${what}: fn's signal not aborted on timeout`);
        assert.ok(h.fnSignal.reason instanceof CallTimeoutError);
      } else if (h.endedBy === 'abort' && h.fnSignal) {
        assert.ok(h.fnSignal.aborted, `${what}: fn's signal not aborted on abort`);
        assert.equal(h.fnSignal.reason, h.controller?.signal.reason);
      } else if (h.endedBy === 'result' && cfg.callTimeout !== undefined && h.fnSignal) {
        assert.equal(h.fnSignal.aborted, false, `${what}: fn's signal aborted after its result`);
      }
    }
    assert.ok(clock.pendingTimers <= 1, `${clock.pendingTimers} timers for one breaker`);
    assert.deepEqual(listenerProblems, []);
  };

  checkAll(undefined, false);
  for (const op of ops) {
    const { staleSettle } = apply(op);
    await flush();
    checkAll(op, staleSettle);
  }
  // Drain: every outstanding call ends; after the last deadline no timer is left.
  for (const h of calls) {
    if (h.resolveFn && !h.fnSettled) {
      h.fnSettled = true;
      const id = calls.indexOf(h);
      settle(h, 'S', { status: 'value', value: 1000 + id }, 'result');
      h.resolveFn(1000 + id);
      // One at a time: the breaker records a promise's result a few microtasks later.
      await flush();
    }
    if (h.done && !h.doneCalled) {
      h.doneCalled = true;
      settle(h, 'S', { status: 'pending' }, 'result');
      h.done(true);
    }
  }
  await flush();
  checkAll(undefined, false);
  for (const h of calls) {
    if (h.modelId >= 0) assert.equal(model.isPending(h.modelId), false);
  }
  advance((cfg.callTimeout ?? 0) + 1);
  await flush();
  checkAll(undefined, false);
  assert.equal(clock.pendingTimers, 0, 'a timer is left after every call settled');
  for (const t of model.transitions) note(`transition ${t.reason}`);
  for (const e of model.callEvents) {
    note(
      e.outcome === 'rejected' ? `rejected ${e.reason}` : `${e.stale ? 'stale ' : ''}${e.outcome}`,
    );
    if (e.slow) note('slow');
  }
  for (const h of calls) if (h.endedBy) note(`ended by ${h.endedBy}`);
}

// Fixed seeds keep runs reproducible; MODEL_SEED / MODEL_RUNS explore further, e.g.
// `MODEL_SEED=7 MODEL_RUNS=20000 node scripts/run-tests.js src/core/model`.
const envSeed = Number(process.env.MODEL_SEED ?? NaN);
const envRuns = Number(process.env.MODEL_RUNS ?? NaN);

const MUST_REACH = [
  'transition tripped',
  'transition timeout-elapsed',
  'transition probe-failed',
  'transition probe-slow',
  'transition probe-timeout',
  'transition probes-succeeded',
  'transition forced-open',
  'transition disabled',
  'transition reset',
  'rejected open',
  'rejected too_many_requests',
  'success',
  'failure',
  'excluded',
  'stale success',
  'stale failure',
  'stale excluded',
  'slow',
  'ended by abort',
  'ended by timeout',
  'ended by result',
];

describe('circuit breaker against a reference model', () => {
  const check = async (profile: Profile, seed: number, numRuns: number): Promise<string> => {
    reached.clear();
    await fc.assert(
      fc.asyncProperty(
        runArb(profile),
        fc.array(opArb(profile), { maxLength: 80, size: 'max' }),
        runScenario,
      ),
      {
        seed: Number.isInteger(envSeed) ? envSeed + seed : seed,
        numRuns: Number.isInteger(envRuns) ? envRuns : numRuns,
      },
    );
    // The generators must actually reach every path the model describes.
    // (The broad profile rarely gets probes slow or timed out; the probes profile must.)
    const rare = [
      'transition probe-slow',
      'transition probe-timeout',
      'rejected too_many_requests',
    ];
    for (const key of MUST_REACH) {
      if (profile === 'broad' && rare.includes(key)) continue;
      assert.ok(reached.has(key), `no run reached "${key}"`);
    }
    return JSON.stringify(Object.fromEntries([...reached].sort()));
  };

  it('matches the model: every option, wide ranges', async (t) => {
    t.diagnostic(await check('broad', 20_240_611, 700));
  });

  it('matches the model: short waits, mostly around half-open', async (t) => {
    t.diagnostic(await check('probes', 20_240_612, 700));
  });
});
