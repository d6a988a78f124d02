import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCallerError, sqlState } from './classify.js';

const pgError = (code: string, severity = 'ERROR'): Error =>
  Object.assign(new Error(`pg ${code}`), { code, severity });

describe('isCallerError', () => {
  it('takes SQLSTATE classes 22, 23 and 42 as the caller’s own', () => {
    for (const code of ['22P02', '22012', '23505', '23503', '42601', '42P01', '42501']) {
      assert.equal(isCallerError(pgError(code)), true, code);
    }
  });

  it('takes connection, resource, shutdown and timeout errors as failures', () => {
    for (const code of [
      '08006',
      '08001',
      '53300',
      '57P01',
      '57P03',
      '57014',
      '58000',
      'XX000',
      '40001',
    ]) {
      assert.equal(isCallerError(pgError(code)), false, code);
    }
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(isCallerError(refused), false);
    assert.equal(isCallerError(new Error('Connection terminated unexpectedly')), false);
    assert.equal(isCallerError(new Error('timeout exceeded when trying to connect')), false);
    assert.equal(isCallerError(undefined), false);
    assert.equal(isCallerError('boom'), false);
  });

  it('tells a refused message (08P01 ERROR) from a broken protocol (08P01 FATAL)', () => {
    assert.equal(isCallerError(pgError('08P01', 'ERROR')), true);
    assert.equal(isCallerError(pgError('08P01', 'FATAL')), false);
  });

  it('takes TypeError and RangeError as bad arguments of the caller', () => {
    assert.equal(isCallerError(new TypeError('Client was passed a null or undefined query')), true);
    assert.equal(isCallerError(new RangeError('out of range')), true);
  });
});

describe('sqlState', () => {
  it('reads five-character SQLSTATEs only', () => {
    assert.equal(sqlState(pgError('23505')), '23505');
    assert.equal(sqlState({ code: 'ECONNRESET' }), undefined);
    assert.equal(sqlState({ code: 23505 }), undefined);
    assert.equal(sqlState(null), undefined);
  });
});
