import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCallerError } from './classify.js';
import { resolveGuardPoolOptions } from './options.js';

describe('resolveGuardPoolOptions', () => {
  it('defaults: no acquire limit, the standard classifier, no idle-error hook', () => {
    assert.deepEqual(resolveGuardPoolOptions(), {
      acquireTimeout: undefined,
      isCallerError,
      onIdleError: undefined,
    });
  });

  it('names the option and quotes the value it refuses', () => {
    const cases: [unknown, RegExp][] = [
      ['x', /guardPool options must be an object, got "x"/],
      [{ acquireTimeout: '5' }, /acquireTimeout must be a number of ms, got "5"/],
      [{ acquireTimeout: 0 }, /acquireTimeout must be > 0 and < 2\^31 ms, got 0/],
      [{ acquireTimeout: NaN }, /acquireTimeout must be > 0 and < 2\^31 ms, got NaN/],
      [{ isCallerError: true }, /isCallerError must be a function, got true/],
      [{ onIdleError: {} }, /onIdleError must be a function, got \{\}/],
      [
        { aquireTimeout: 5 },
        /unknown guardPool option aquireTimeout \(did you mean acquireTimeout\?\)/,
      ],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => resolveGuardPoolOptions(options as never), message);
    }
  });
});
