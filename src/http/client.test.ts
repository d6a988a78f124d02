// Validation of the client's options and of each request, which never reaches the network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent } from 'undici';
import { BreakerError } from '../core/errors.js';
import { CircuitBreakerManager } from '../manager/index.js';
import { ResilientHttpClient } from './client.js';
import { ClientClosedError } from './errors.js';

/** Builds a client from `options` and expects the constructor to throw `expected`. */
function refuses(options: unknown, expected: { name: string; message: string | RegExp }): void {
  assert.throws(() => new ResilientHttpClient(options as never), expected);
}

describe('ResilientHttpClient options', () => {
  it('refuses a timeout that is not a positive number of ms, naming timeout and quoting it', () => {
    refuses(
      { timeout: -100 },
      {
        name: 'RangeError',
        message:
          'ResilientHttpClient option timeout must be > 0 and <= 2147483647 ms (or Infinity for none), got -100',
      },
    );
    refuses({ timeout: 0 }, { name: 'RangeError', message: /option timeout .* got 0$/ });
    refuses(
      { timeout: '5s' },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient option timeout must be a number of ms, got "5s"',
      },
    );
  });

  it('refuses unknown options with a hint, and options of the wrong type', () => {
    refuses(
      { timeOut: 5 },
      {
        name: 'TypeError',
        message: 'unknown ResilientHttpClient option timeOut (did you mean timeout?)',
      },
    );
    refuses('fast', {
      name: 'TypeError',
      message: 'ResilientHttpClient options must be an object, got "fast"',
    });
    refuses(
      { fallback: 'cached' },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient option fallback must be a function, got "cached"',
      },
    );
    refuses(
      { classify: 500 },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient option classify must be a function, got 500',
      },
    );
    refuses(
      { retryNonIdempotent: 1 },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient option retryNonIdempotent must be a boolean, got 1',
      },
    );
    refuses(
      { dispatcher: {} },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient option dispatcher must be an undici Dispatcher, got {}',
      },
    );
    refuses(
      { agent: 'keep-alive' },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option agent must be an object of undici Agent options, got "keep-alive"',
      },
    );
  });

  it('refuses bad retry options under the name retry', () => {
    refuses(
      { retry: 'always' },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option retry must be true, a number of attempts or retry options, got "always"',
      },
    );
    refuses(
      { retry: 0 },
      {
        name: 'RangeError',
        message:
          'ResilientHttpClient option retry.maxAttempts must be an integer >= 1 (or Infinity), got 0',
      },
    );
    refuses(
      { retry: { maxAttemps: 3 } },
      {
        name: 'TypeError',
        message: 'unknown ResilientHttpClient option retry.maxAttemps (did you mean maxAttempts?)',
      },
    );
    refuses(
      { retry: { breaker: {} } },
      {
        name: 'TypeError',
        message:
          "ResilientHttpClient option retry.breaker cannot be given: each request's retries use the breaker of its origin",
      },
    );
  });

  it('refuses bad breaker options under the names breaker and origins', () => {
    refuses(
      { breaker: { maxRequests: 'two' } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option breaker: breaker option maxRequests must be a number, got "two"',
      },
    );
    refuses(
      { breaker: { timout: 5 } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option breaker: unknown breaker option timout (did you mean timeout?)',
      },
    );
    refuses(
      { origins: { 'http://a.example': { consecutiveFailures: 0 } } },
      {
        name: 'RangeError',
        message:
          'ResilientHttpClient option origins["http://a.example"].consecutiveFailures: expected an integer >= 1, got 0',
      },
    );
  });

  it('takes origins only as http(s) origins, once each, without dependsOn', () => {
    refuses(
      { origins: { 'http://a.example/v1': {} } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option origins key must be an http(s) origin like \'https://api.example.com\', got "http://a.example/v1"',
      },
    );
    refuses(
      { origins: { 'a.example': {} } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option origins key must be an origin like \'https://api.example.com\', got "a.example"',
      },
    );
    refuses(
      { origins: { 'http://a.example': {}, 'HTTP://A.example:80/': {} } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option origins names "http://a.example" twice (as "HTTP://A.example:80/")',
      },
    );
    refuses(
      { origins: { 'http://a.example': { dependsOn: [] } } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option origins["http://a.example"].dependsOn is not supported by the HTTP client',
      },
    );
    refuses(
      { origins: [] },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient option origins must be an object of breaker options by origin, got []',
      },
    );
  });

  it('takes a manager or breaker options, not both; a dispatcher or agent options, not both', () => {
    const manager = new CircuitBreakerManager();
    refuses(
      { manager, breaker: { timeout: 1000 } },
      {
        name: 'TypeError',
        message:
          'ResilientHttpClient: give either manager or breaker/origins, not both (set them on the manager)',
      },
    );
    refuses(
      { manager: { get: () => null } },
      {
        name: 'TypeError',
        message: /^ResilientHttpClient option manager must be a CircuitBreakerManager/,
      },
    );
    const agent = new Agent();
    refuses(
      { dispatcher: agent, agent: { connections: 1 } },
      {
        name: 'TypeError',
        message: 'ResilientHttpClient: give either dispatcher or agent, not both',
      },
    );
    manager.close();
    return agent.close();
  });

  it('normalises origins, so one breaker serves every spelling of an origin', async () => {
    const client = new ResilientHttpClient({
      origins: { 'HTTP://Api.Example:80/': { timeout: 5000 } },
    });
    try {
      const breaker = client.breakerFor('http://api.example/users/1');
      assert.equal(breaker.name, 'http://api.example');
      assert.equal(breaker, client.breakerFor(new URL('http://API.example:80/other')));
      assert.equal(breaker.settings.timeout, 5000);
      assert.equal(client.breakerFor('https://api.example/').settings.timeout, 60_000);
    } finally {
      await client.close();
    }
  });
});

describe('ResilientHttpClient requests that never reach the network', () => {
  it('reject (never throw) bad input, naming the URL or the field', async () => {
    const client = new ResilientHttpClient();
    try {
      const pending = client.get('not a url');
      assert.ok(pending instanceof Promise, 'get returns a promise even for bad input');
      await assert.rejects(pending, {
        name: 'TypeError',
        message: 'invalid URL "not a url": an absolute http(s) URL is needed',
      });
      await assert.rejects(client.get('http://127.0.0.1:9/x', { timeout: -1 }), {
        name: 'RangeError',
        message: 'init.timeout must be > 0 and <= 2147483647 ms (or Infinity for none), got -1',
      });
      await assert.rejects(client.get('http://127.0.0.1:9/x', { method: 'POST' } as never), {
        name: 'TypeError',
        message: 'get() sends GET; use request() for init.method "POST"',
      });
      await assert.rejects(client.request('mailto:someone@example.com'), {
        name: 'TypeError',
        message: 'url must be an http: or https: URL, got "mailto:someone@example.com"',
      });
      // None of these admitted anything: no breaker was even made.
      assert.equal(client.manager.size, 0);
    } finally {
      await client.close();
    }
  });

  it('rejects with the reason of a signal aborted before the call, without asking the breaker', async () => {
    const client = new ResilientHttpClient();
    try {
      const reason = new Error('caller gave up');
      await assert.rejects(
        client.get('http://127.0.0.1:9/x', { signal: AbortSignal.abort(reason) }),
        (e) => e === reason,
      );
      assert.deepEqual(client.breakerFor('http://127.0.0.1:9').counts.requests, 0);
    } finally {
      await client.close();
    }
  });

  it('rejects with ClientClosedError after close(), which is idempotent', async () => {
    const client = new ResilientHttpClient();
    const closing = client.close();
    assert.equal(client.close(), closing);
    await closing;
    await assert.rejects(client.get('http://127.0.0.1:9/x'), (e: unknown) => {
      assert.ok(e instanceof ClientClosedError, 'a ClientClosedError');
      assert.ok(ClientClosedError.is(e) && BreakerError.is(e), 'a branded BreakerError');
      assert.equal(e.code, 'ERR_HTTP_CLIENT_CLOSED');
      assert.equal(ClientClosedError.is(Object.assign(new Error('x'), { code: e.code })), false);
      assert.equal(e.code, 'ERR_HTTP_CLIENT_CLOSED');
      assert.equal(e.message, 'ResilientHttpClient is closed');
      return true;
    });
  });

  it('leaves a manager and a dispatcher it was given open on close()', async () => {
    const manager = new CircuitBreakerManager();
    const agent = new Agent();
    const client = new ResilientHttpClient({ manager, dispatcher: agent });
    assert.equal(client.manager, manager);
    assert.equal(client.dispatcher, agent);
    await client.close();
    assert.equal(manager.get('http://x.example').name, 'http://x.example');
    assert.equal(agent.closed, false);
    manager.close();
    await agent.close();
  });
});
