import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from 'amqplib';
import { AttemptCounter } from './attempts.js';

const message = (body: string, redelivered: boolean, messageId?: string): Message =>
  ({
    content: Buffer.from(body),
    fields: { redelivered, deliveryTag: 1, exchange: '', routingKey: 'q' },
    properties: { messageId, headers: {} },
  }) as unknown as Message;

describe('AttemptCounter', () => {
  it('counts failed runs of one message across redeliveries, by messageId', () => {
    const c = new AttemptCounter();
    assert.equal(c.next(message('x', false, 'id-1')), 1);
    c.failed(message('x', false, 'id-1'), 1);
    assert.equal(c.next(message('x', true, 'id-1')), 2);
    c.failed(message('x', true, 'id-1'), 2);
    assert.equal(c.next(message('x', true, 'id-1')), 3);
    // Same body, other id: counted apart.
    assert.equal(c.next(message('x', true, 'id-2')), 1);
    c.forget(message('x', true, 'id-1'));
    assert.equal(c.next(message('x', true, 'id-1')), 1);
    assert.equal(c.size, 0);
  });

  it('keys by body without messageId, and restarts on a first delivery', () => {
    const c = new AttemptCounter();
    c.failed(message('body', false), 1);
    assert.equal(c.next(message('body', true)), 2);
    assert.equal(c.next(message('other', true)), 1);
    assert.equal(c.next(message('body', false)), 1);
    assert.equal(c.size, 0);
  });

  it('a redelivery given back unstarted (never failed) is still attempt 1', () => {
    const c = new AttemptCounter();
    assert.equal(c.next(message('x', true, 'fresh')), 1);
  });

  it('forgets the oldest message past its memory', () => {
    const c = new AttemptCounter(2);
    c.failed(message('a', false, 'a'), 1);
    c.failed(message('b', false, 'b'), 1);
    c.failed(message('a', true, 'a'), 2);
    c.failed(message('c', false, 'c'), 1);
    assert.equal(c.size, 2);
    assert.equal(c.next(message('b', true, 'b')), 1);
    assert.equal(c.next(message('a', true, 'a')), 3);
    assert.equal(c.next(message('c', true, 'c')), 2);
  });
});
