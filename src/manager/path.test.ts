import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPath } from './path.js';

describe('formatPath', () => {
  it('reads like the file: dots for plain keys, brackets for the rest', () => {
    assert.equal(formatPath([]), '(root)');
    assert.equal(formatPath(['services', 'payments', 'timeout']), 'services.payments.timeout');
    assert.equal(
      formatPath(['services', 'fraud-check', 'dependsOn', 0]),
      'services.fraud-check.dependsOn[0]',
    );
    assert.equal(
      formatPath(['services', 'api.example.com', 'timeout']),
      'services["api.example.com"].timeout',
    );
    assert.equal(formatPath(['services', '']), 'services[""]');
    assert.equal(formatPath(['services', '1st']), 'services["1st"]');
  });
});
