// Bad config files, each with every message the loader must give for it (`path: message`).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/manager/config/config-error.js';
import { loadConfigFile } from '../../src/manager/config/loader.js';
import { CircuitBreakerManager } from '../../src/manager/manager.js';

interface BadFile {
  title: string;
  file: string;
  text: string;
  lines: string[];
}

const table: BadFile[] = [
  {
    title: 'a duration in words',
    file: 'duration.yaml',
    text: 'services:\n  payments:\n    timeout: thirty\n',
    lines: ['services.payments.timeout: expected a duration like "30s", got "thirty"'],
  },
  {
    title: 'a misspelt option, with a hint',
    file: 'typo.yaml',
    text: 'services:\n  payments:\n    timout: 30s\n',
    lines: ['services.payments.timout: unknown key (did you mean "timeout"?)'],
  },
  {
    title: 'a misspelt top-level key',
    file: 'top.yaml',
    text: 'service:\n  payments: {}\n',
    lines: ['service: unknown key (did you mean "services"?)'],
  },
  {
    title: 'a breaker option at the top level',
    file: 'misplaced.yaml',
    text: 'timeout: 30s\n',
    lines: ['timeout: unknown key (breaker options go under defaults or services.<name>)'],
  },
  {
    title: 'a percentage out of range',
    file: 'percent.yaml',
    text: 'defaults:\n  window: { kind: count, size: 10 }\n  failureRateThreshold: 150%\n',
    lines: ['defaults.failureRateThreshold: expected a percentage in (0, 100], got "150%"'],
  },
  {
    title: 'a rate threshold without a window',
    file: 'no-window.yaml',
    text: 'services:\n  search:\n    failureRateThreshold: 50\n',
    lines: [
      'services.search.failureRateThreshold: needs a window (e.g. window: { kind: count, size: 100 })',
    ],
  },
  {
    title: 'a slow-call threshold without slowCallDuration',
    file: 'slow.yaml',
    text: 'defaults:\n  window: { kind: count, size: 10 }\n  slowCallRateThreshold: 80%\n',
    lines: ['defaults.slowCallRateThreshold: needs slowCallDuration'],
  },
  {
    title: 'an unknown dependency, with a hint',
    file: 'unknown-dep.yaml',
    text: 'services:\n  postgres: {}\n  ledger:\n    dependsOn: [postgress]\n',
    lines: ['services.ledger.dependsOn[0]: unknown service "postgress" (did you mean "postgres"?)'],
  },
  {
    title: 'a dependency cycle',
    file: 'cycle.yaml',
    text: 'services:\n  a:\n    dependsOn: [b]\n  b:\n    dependsOn: [c]\n  c:\n    dependsOn: [a]\n',
    lines: ['services.c.dependsOn[0]: dependency cycle: a -> b -> c -> a'],
  },
  {
    title: 'dependsOn in defaults',
    file: 'defaults-deps.yaml',
    text: 'defaults:\n  dependsOn: [db]\n',
    lines: ['defaults.dependsOn: dependsOn belongs to a service, not to defaults'],
  },
  {
    title: 'dependsOn not a list',
    file: 'deps-string.yaml',
    text: 'services:\n  db: {}\n  ledger:\n    dependsOn: db\n',
    lines: ['services.ledger.dependsOn: expected a list of service names, got "db"'],
  },
  {
    title: 'an unknown window kind',
    file: 'window-kind.yaml',
    text: 'defaults:\n  window:\n    kind: sliding\n    size: 100\n',
    lines: ['defaults.window.kind: expected "count" or "time", got "sliding"'],
  },
  {
    title: 'buckets that do not divide the window',
    file: 'buckets.yaml',
    text: 'defaults:\n  window: { kind: time, size: 1s, buckets: 7 }\n',
    lines: [
      'defaults.window.buckets: expected a number of buckets that divides the size (1000 ms) into whole milliseconds, got 7',
    ],
  },
  {
    title: 'buckets in a count window',
    file: 'count-buckets.yaml',
    text: 'defaults:\n  window: { kind: count, size: 100, buckets: 10 }\n',
    lines: ['defaults.window.buckets: unknown key (buckets is for time windows only)'],
  },
  {
    title: 'a count that is not an integer >= 1',
    file: 'count.yaml',
    text: 'defaults:\n  maxRequests: 0\n  minimumCalls: three\n',
    lines: [
      'defaults.maxRequests: expected an integer >= 1, got 0',
      'defaults.minimumCalls: expected an integer >= 1, got "three"',
    ],
  },
  {
    title: 'a call timeout beyond what a timer can wait',
    file: 'call-timeout.yaml',
    text: 'defaults:\n  callTimeout: 600h\n',
    lines: ['defaults.callTimeout: expected a duration of at most 2147483647 ms, got "600h"'],
  },
  {
    title: 'a backoff with a misspelt key and a bad multiplier',
    file: 'backoff.yaml',
    text: 'services:\n  db:\n    timeout:\n      initial: 1s\n      multipler: 2\n  cache:\n    timeout: { initial: 1s, multiplier: 0.5 }\n',
    lines: [
      'services.db.timeout.multipler: unknown key (did you mean "multiplier"?)',
      'services.cache.timeout.multiplier: expected a number >= 1, got 0.5',
    ],
  },
  {
    title: 'a host name as a service, and a negative interval',
    file: 'host.json',
    text: '{ "services": { "api.example.com": { "interval": -5 } } }\n',
    lines: ['services["api.example.com"].interval: expected a duration >= 0, got -5'],
  },
  {
    title: 'a service that is not an object',
    file: 'service-scalar.yaml',
    text: 'services:\n  db: fast\n',
    lines: ['services.db: expected an object, got "fast"'],
  },
  {
    title: 'a file that is a list',
    file: 'list.yaml',
    text: '- a\n- b\n',
    lines: ['(root): expected an object with defaults and services, got ["a","b"]'],
  },
  {
    title: 'a key with no value is an error, a section with none is empty',
    file: 'null.yaml',
    text: 'defaults:\n  timeout:\n  window: null\nservices:\n  db:\nidleTimeout: ~\n',
    lines: [
      'defaults.timeout: null is not a value: leave the key out to get the default',
      'defaults.window: null is not a value: leave the key out to get the default',
      'idleTimeout: null is not a value: leave the key out to get the default',
    ],
  },
  {
    title: 'an empty file',
    file: 'empty.yaml',
    text: '# nothing yet\n',
    lines: ['(root): expected an object with defaults and services, got null'],
  },
  {
    title: 'YAML syntax errors, with line and column',
    file: 'syntax.yaml',
    text: 'services:\n  db: {}\n  db: {}\n  cache: { timeout: 1s\n',
    lines: [
      'line 3, column 3: Map keys must be unique',
      'line 5, column 1: Flow map in block collection must be sufficiently indented and end with a }',
    ],
  },
  {
    title: 'a JSON syntax error, with line and column',
    file: 'syntax.json',
    text: '{\n  "defaults": { "timeout": "30s", }\n}\n',
    lines: ['line 2, column 35: Expected double-quoted property name'],
  },
  {
    title: 'a file of another kind',
    file: 'breakwater.toml',
    text: 'timeout = "30s"\n',
    lines: [`(file): expected a .yaml, .yml or .json file, got "<dir>/breakwater.toml"`],
  },
];

const many: BadFile = {
  title: 'many mistakes at once, in file order',
  file: 'many.yaml',
  text: [
    'defaults:',
    '  timeout: thirty',
    '  consecutiveFailures: 0',
    'services:',
    '  payments:',
    '    timout: 10s',
    '    failureRateThreshold: half',
    '    dependsOn: [ledgr]',
    '  ledger:',
    '    window: { kind: time, size: 1m, buckets: 7 }',
    'cascadeThreshold: 0%',
    'idleTimeout: 0s',
    '',
  ].join('\n'),
  lines: [
    'defaults.timeout: expected a duration like "30s", got "thirty"',
    'defaults.consecutiveFailures: expected an integer >= 1, got 0',
    'services.payments.timout: unknown key (did you mean "timeout"?)',
    'services.payments.failureRateThreshold: expected a percentage like 50 or "50%", got "half"',
    'services.payments.failureRateThreshold: needs a window (e.g. window: { kind: count, size: 100 })',
    'services.payments.dependsOn[0]: unknown service "ledgr" (did you mean "ledger"?)',
    'services.ledger.window.buckets: expected a number of buckets that divides the size (60000 ms) into whole milliseconds, got 7',
    'cascadeThreshold: expected a percentage in (0, 100], got "0%"',
    'idleTimeout: expected a duration > 0, got "0s"',
  ],
};

let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'breakwater-config-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function issuesOf(bad: BadFile): Promise<ConfigError> {
  const path = join(dir, bad.file);
  await writeFile(path, bad.text);
  try {
    await loadConfigFile(path);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail(`${bad.file} was accepted`);
}

describe('config files: every mistake reported with its path', () => {
  for (const bad of [...table, many]) {
    it(bad.title, async () => {
      const error = await issuesOf(bad);
      assert.deepEqual(
        error.lines,
        bad.lines.map((l) => l.replace('<dir>', dir)),
      );
    });
  }

  it(`has at least 15 bad files (${table.length + 1})`, () => {
    assert.ok(table.length + 1 >= 15);
  });

  it('the error message lists every issue, with the file, and lines are known for YAML', async () => {
    const error = await issuesOf(many);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.code, 'ERR_BREAKWATER_CONFIG');
    assert.equal(error.file, join(dir, 'many.yaml'));
    assert.equal(
      error.message,
      `invalid breakwater config ${join(dir, 'many.yaml')} (9 errors):\n  ${many.lines.join('\n  ')}`,
    );
    assert.deepEqual(
      error.issues.map((i) => i.line),
      [2, 3, 6, 7, 7, 8, 10, 11, 12],
    );
  });

  it('lines are known for JSON too, without parsing it a second time', async () => {
    const json = [
      '{',
      '  "defaults": {',
      '    "timeout": "thirty",',
      '    "consecutiveFailures": 0',
      '  },',
      '  "services": {',
      '    "payments": {',
      '      "timout": "10s",',
      '      "failureRateThreshold": "half",',
      '      "dependsOn": ["ledgr"]',
      '    },',
      '    "ledger": {',
      '      "window": { "kind": "time", "size": "1m", "buckets": 7 }',
      '    }',
      '  },',
      '  "cascadeThreshold": "0%",',
      '  "idleTimeout": "0s"',
      '}',
      '',
    ].join('\n');
    const error = await issuesOf({ ...many, file: 'many.json', text: json });
    assert.deepEqual(error.lines, many.lines);
    assert.deepEqual(
      error.issues.map((i) => i.line),
      [3, 4, 8, 9, 9, 10, 13, 16, 17],
    );
  });

  it('a JSON file with a byte order mark is read as YAML files are', async () => {
    for (const file of ['bom.json', 'bom.yaml']) {
      const path = join(dir, file);
      const text = file.endsWith('json') ? '{ "services": { "db": {} } }' : 'services:\n  db: {}\n';
      await writeFile(path, `\uFEFF${text}`);
      const loaded = await loadConfigFile(path);
      assert.deepEqual(Object.keys(loaded.settings.services ?? {}), ['db'], file);
    }
  });

  it('a missing file is a ConfigError too', async () => {
    const path = join(dir, 'missing.yaml');
    await assert.rejects(loadConfigFile(path), {
      name: 'ConfigError',
      message: `invalid breakwater config ${path} (1 error):\n  (file): cannot read it: ENOENT: no such file or directory, open '${path}'`,
    });
  });

  it('fromFile rejects with the same ConfigError and makes no manager', async () => {
    const bad = table[0]!;
    const path = join(dir, bad.file);
    await writeFile(path, bad.text);
    await assert.rejects(CircuitBreakerManager.fromFile(path), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.lines, bad.lines);
      return true;
    });
  });

  it("fromFile: a mistake in the code's own options is a TypeError, before the file is read", async () => {
    await assert.rejects(
      CircuitBreakerManager.fromFile(join(dir, 'never-read.yaml'), {
        defaults: { timout: 1 } as never,
      }),
      {
        name: 'TypeError',
        message: 'manager option defaults: unknown breaker option timout (did you mean timeout?)',
      },
    );
  });
});
