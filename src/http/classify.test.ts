import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreakerOpenError } from '../core/errors.js';
import { resolveOptions } from '../core/options.js';
import { BulkheadRejectedError } from '../policies/errors.js';
import {
  classifyResponse,
  defaultClassify,
  errorOutcome,
  isAbort,
  isCallerMistake,
  isShutdown,
  toOutcome,
} from './classify.js';

/** Collects process warnings while `fn` runs (they are emitted on the next tick). */
async function warningsOf(fn: () => void): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => {
    warnings.push(w.message);
  };
  process.on('warning', onWarning);
  try {
    fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe('defaultClassify', () => {
  it('fails 5xx and 429, and only those', () => {
    const failures = [429, 500, 501, 502, 503, 504, 599];
    const successes = [200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 418, 428, 430, 499];
    for (const status of failures) assert.equal(defaultClassify(status), 'failure', String(status));
    for (const status of successes)
      assert.equal(defaultClassify(status), 'success', String(status));
  });
});

describe('classifyResponse', () => {
  it('returns what the predicate says, given the status and the headers', () => {
    const seen: unknown[] = [];
    const outcome = classifyResponse(
      (status, headers) => {
        seen.push(status, headers['x-kind']);
        return 'excluded';
      },
      503,
      { 'x-kind': 'maintenance' },
    );
    assert.equal(outcome, 'excluded');
    assert.deepEqual(seen, [503, 'maintenance']);
  });

  it('falls back to the default, with a warning, when the predicate throws or answers nonsense', async () => {
    let outcomes: string[] = [];
    const warnings = await warningsOf(() => {
      outcomes = [
        classifyResponse(
          () => {
            throw new Error('predicate broke');
          },
          500,
          {},
        ),
        classifyResponse(() => 'maybe' as never, 200, {}),
      ];
    });
    assert.deepEqual(outcomes, ['failure', 'success']);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0] ?? '', /^http classify threw: Error: predicate broke/);
    assert.match(
      warnings[1] ?? '',
      /^http classify threw: TypeError: classify must return 'success', 'failure' or 'excluded', got "maybe"/,
    );
  });
});

describe('errors', () => {
  it('isCallerMistake: undici invalid-argument and not-supported errors only', () => {
    assert.equal(
      isCallerMistake(Object.assign(new Error('x'), { code: 'UND_ERR_INVALID_ARG' })),
      true,
    );
    assert.equal(
      isCallerMistake(Object.assign(new Error('x'), { code: 'UND_ERR_NOT_SUPPORTED' })),
      true,
    );
    assert.equal(isCallerMistake(Object.assign(new Error('x'), { code: 'ECONNRESET' })), false);
    assert.equal(isCallerMistake('UND_ERR_INVALID_ARG'), false);
    assert.equal(isCallerMistake(null), false);
  });

  it('isAbort: AbortError by name, undici aborts by code; not timeouts', () => {
    assert.equal(isAbort(new DOMException('stop', 'AbortError')), true);
    assert.equal(isAbort(Object.assign(new Error('aborted'), { code: 'UND_ERR_ABORTED' })), true);
    assert.equal(isAbort(new DOMException('late', 'TimeoutError')), false);
    assert.equal(isAbort(new Error('AbortError')), false);
    assert.equal(isAbort(undefined), false);
  });

  it('isShutdown: undici destroyed and closed errors', () => {
    assert.equal(isShutdown(Object.assign(new Error('x'), { code: 'UND_ERR_DESTROYED' })), true);
    assert.equal(isShutdown(Object.assign(new Error('x'), { code: 'UND_ERR_CLOSED' })), true);
    assert.equal(isShutdown(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' })), false);
    assert.equal(isShutdown(undefined), false);
  });

  it('errorOutcome: refusals, mistakes and shutdowns excluded, then isExcluded, isSuccessful, else failure', () => {
    const plain = resolveOptions({});
    assert.equal(
      errorOutcome(plain, Object.assign(new Error('destroyed'), { code: 'UND_ERR_DESTROYED' })),
      'excluded',
    );
    assert.equal(errorOutcome(plain, BreakerOpenError.fast('inner', 10)), 'excluded');
    assert.equal(errorOutcome(plain, BulkheadRejectedError.fast('pool', 1, 0)), 'excluded');
    assert.equal(
      errorOutcome(plain, Object.assign(new Error('bad header'), { code: 'UND_ERR_INVALID_ARG' })),
      'excluded',
    );
    assert.equal(errorOutcome(plain, new Error('ECONNRESET')), false);
    // The process's own limits are not the origin's failure, also as undici's cause.
    for (const code of ['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'UND_ERR_MAX_RESPONSE_SIZE']) {
      assert.equal(errorOutcome(plain, Object.assign(new Error(code), { code })), 'excluded');
    }
    const wrapped = new Error('fetch failed', {
      cause: Object.assign(new Error('EMFILE: too many open files'), { code: 'EMFILE' }),
    });
    assert.equal(errorOutcome(plain, wrapped), 'excluded');
    assert.equal(
      errorOutcome(plain, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
      false,
    );
    const picky = resolveOptions({
      isExcluded: (e) => (e as Error).message === 'skip',
      isSuccessful: (e) => (e as Error).message === 'fine',
    });
    assert.equal(errorOutcome(picky, new Error('skip')), 'excluded');
    assert.equal(errorOutcome(picky, new Error('fine')), true);
    assert.equal(errorOutcome(picky, new Error('down')), false);
  });

  it('errorOutcome: a throwing predicate is reported and the error counts as a failure', async () => {
    const settings = resolveOptions({
      name: 'api',
      isExcluded: () => {
        throw new Error('oops');
      },
    });
    let outcome: unknown;
    const warnings = await warningsOf(() => {
      outcome = errorOutcome(settings, new Error('down'));
    });
    assert.equal(outcome, false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^breaker "api" isExcluded\/isSuccessful threw: Error: oops/);
  });

  it('toOutcome maps to what done() takes', () => {
    assert.equal(toOutcome('success'), true);
    assert.equal(toOutcome('failure'), false);
    assert.equal(toOutcome('excluded'), 'excluded');
  });
});
