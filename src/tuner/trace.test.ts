import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TraceError } from './errors.js';
import { formatCall, parseTrace, readTraceFile, serviceCalls, splitTrace } from './trace.js';

describe('trace reading', () => {
  it('reads JSONL in any order, skips blank lines and ignores other keys', () => {
    const text = [
      '{"time": 20, "service": "b", "duration": 3, "outcome": "failure", "instance": "i1"}',
      '',
      '{"time": 10, "service": "a", "duration": 1.5, "outcome": "success"}',
      '{"time": 5, "service": "a", "duration": 0, "outcome": "excluded", "status": 499}',
    ].join('\n');
    const trace = splitTrace(parseTrace(text));
    assert.deepEqual(
      trace.services.map((s) => s.service),
      ['b', 'a'],
    );
    assert.deepEqual(serviceCalls(trace.services[1]!), [
      { time: 5, service: 'a', duration: 0, outcome: 'excluded' },
      { time: 10, service: 'a', duration: 1.5, outcome: 'success' },
    ]);
    assert.equal(trace.calls, 3);
  });

  it('names the 1-based line and the field of a malformed record', () => {
    const good = '{"time": 1, "service": "a", "duration": 1, "outcome": "success"}';
    const cases: [string, RegExp][] = [
      ['{"time": 1', /^line 3: not JSON: /],
      ['[1]', /^line 3: expected a JSON object, got \[1\]/],
      [
        '{"time": "1", "service": "a", "duration": 1, "outcome": "success"}',
        /^line 3: "time" must be a finite number of ms, got "1"/,
      ],
      [
        '{"time": 1, "service": "", "duration": 1, "outcome": "success"}',
        /^line 3: "service" must be a non-empty string/,
      ],
      [
        '{"time": 1, "service": "a", "duration": -1, "outcome": "success"}',
        /^line 3: "duration" must be a finite number of ms >= 0, got -1/,
      ],
      [
        '{"time": 1, "service": "a", "duration": 1, "outcome": "ok"}',
        /^line 3: "outcome" must be "success", "failure" or "excluded", got "ok"/,
      ],
      ['{"time": 1, "service": "a", "duration": 1}', /^line 3: "outcome" must be/],
    ];
    for (const [line, message] of cases) {
      assert.throws(
        () => parseTrace(`${good}\n\n${line}\n${good}`),
        (e: unknown) =>
          e instanceof TraceError &&
          e.line === 3 &&
          e.code === 'ERR_TRACE_INVALID' &&
          message.test(e.message),
        line,
      );
    }
  });

  it('refuses an empty trace and a missing file with a message', async () => {
    assert.throws(() => parseTrace('\n \n'), { message: 'the trace has no calls' });
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-trace-'));
    try {
      await assert.rejects(readTraceFile(join(dir, 'none.jsonl')), {
        message: /none\.jsonl: cannot read the trace: no such file$/,
      });
      const file = join(dir, 't.jsonl');
      writeFileSync(
        file,
        formatCall({ time: 1, service: 'a', duration: 2, outcome: 'failure', error: 'ECONNRESET' }),
      );
      assert.deepEqual(await readTraceFile(file), [
        { time: 1, service: 'a', duration: 2, outcome: 'failure' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
