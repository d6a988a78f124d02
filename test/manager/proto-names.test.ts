// Service names that are also Object.prototype's own names (`__proto__`, `constructor`,
// `toString`) are names like any other: in a config file, in code, in export() and import().
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CircuitBreakerManager } from '../../src/manager/manager.js';
import { ManualClock } from '../../src/testing/manual-clock.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-proto-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const yaml = `services:
  __proto__:
    timeout: 5s
  constructor:
    timeout: 6s
  api:
    dependsOn: [__proto__, constructor]
`;
const json = JSON.stringify({
  services: {
    __proto__: { timeout: '5s' },
    constructor: { timeout: '6s' },
    api: { dependsOn: ['__proto__', 'constructor'] },
  },
}).replace('"services":{', '"services":{"__proto__":{"timeout":"5s"},');

describe('service names from Object.prototype', () => {
  for (const [file, text] of [
    ['proto.yaml', yaml],
    ['proto.json', json],
  ] as const) {
    it(`a config file (${file}) keeps their own options and dependencies`, async () => {
      const path = join(dir, file);
      await writeFile(path, text);
      const manager = await CircuitBreakerManager.fromFile(path, { clock: new ManualClock() });
      try {
        assert.equal(manager.get('__proto__').settings.timeout, 5000);
        assert.equal(manager.get('constructor').settings.timeout, 6000);
        assert.equal(manager.get('api').settings.timeout, 60_000);
        manager.get('__proto__').forceOpen();
        await assert.rejects(
          manager.execute('api', () => 1),
          {
            name: 'DependencyOpenError',
          },
        );
      } finally {
        manager.close();
      }
    });
  }

  it('from code, through export() and import()', () => {
    const clock = new ManualClock();
    const services = JSON.parse(
      '{"__proto__": {"consecutiveFailures": 1}, "api": {"dependsOn": ["__proto__"]}}',
    ) as Record<string, object>;
    const manager = new CircuitBreakerManager({ clock, services });
    void manager.tryExecute('__proto__', () => Promise.reject(new Error('down')));
    return Promise.resolve().then(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(manager.get('__proto__').state, 'open');
      const saved = JSON.parse(JSON.stringify(manager.export())) as ReturnType<
        typeof manager.export
      >;
      assert.deepEqual(Object.keys(saved.breakers), ['__proto__']);
      const copy = new CircuitBreakerManager({ clock, services });
      assert.deepEqual(copy.import(saved), ['__proto__']);
      assert.equal(copy.get('__proto__').state, 'open');
      manager.close();
      copy.close();
    });
  });
});
