import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDependencies, dependencyClosure } from './graph.js';

describe('dependency graph', () => {
  it('closure: everything depended on, deepest first, each once with its first path', () => {
    const graph = new Map<string, readonly string[]>([
      ['api', ['payments', 'search']],
      ['payments', ['ledger', 'fraud']],
      ['ledger', ['db']],
      ['search', ['db', 'index']],
      ['fraud', []],
      ['db', []],
      ['index', []],
    ]);
    assert.deepEqual(dependencyClosure('api', graph), [
      { name: 'db', path: ['api', 'payments', 'ledger', 'db'] },
      { name: 'ledger', path: ['api', 'payments', 'ledger'] },
      { name: 'fraud', path: ['api', 'payments', 'fraud'] },
      { name: 'payments', path: ['api', 'payments'] },
      { name: 'index', path: ['api', 'search', 'index'] },
      { name: 'search', path: ['api', 'search'] },
    ]);
    assert.deepEqual(dependencyClosure('db', graph), []);
  });

  it('reports unknown names, duplicates and every cycle where it is written', () => {
    const graph = new Map<string, readonly unknown[]>([
      ['a', ['b', 'b', 'zz', 3]],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
    ]);
    assert.deepEqual(checkDependencies(graph), [
      { path: ['services', 'a', 'dependsOn', 1], message: '"b" is listed twice' },
      { path: ['services', 'a', 'dependsOn', 2], message: 'unknown service "zz"' },
      { path: ['services', 'c', 'dependsOn', 0], message: 'dependency cycle: a -> b -> c -> a' },
      { path: ['services', 'd', 'dependsOn', 0], message: 'dependency cycle: d -> d' },
    ]);
  });
});
