// consume() lifecycle on the real RabbitMQ: close() waits for in-flight handlers and leaves the
// channel open; a dying connection or a cancelled queue is reported; an open breaker at start
// keeps the consumer paused until the breaker lets messages through; a probe admission held by
// someone else does not make the consumer loop; bad input is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/core/circuit-breaker.js';
import { consume } from '../../src/adapters/amqp/index.js';
import { connect, fill, inspect, waitFor } from './amqp-common.js';
import { skipUnless } from '../fixtures/services.js';
import { sleep, uniqueSuffix } from './services.js';
import { TcpProxy } from './tcp-proxy.js';

const skip = await skipUnless('RabbitMQ', 5672);

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('consume() lifecycle', { skip, timeout: 30_000 }, () => {
  it('close() requeues nothing started, waits for in-flight handlers, leaves the channel open', async () => {
    const queue = `bw_close_${uniqueSuffix()}`;
    const { connection } = await connect();
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    await fill(connection, queue, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    const release = gate();
    let started = 0;
    let finished = 0;
    const consumer = await consume(
      channel,
      queue,
      async () => {
        started++;
        await release.promise;
        finished++;
      },
      { breaker: { name: 'amqp-close' }, prefetch: 4 },
    );
    try {
      await waitFor(() => started === 4);
      let closed = false;
      const closing = consumer.close().then(() => (closed = true));
      assert.equal(consumer.state, 'closing');
      // The subscription is gone, the four in flight are still unacked: six ready.
      await waitFor(() => consumer.stats.delivered === 4);
      const during = await inspect(connection, queue);
      assert.deepEqual(during, { ready: 6, consumers: 0 });
      await sleep(20);
      assert.equal(closed, false);
      release.open();
      await closing;
      assert.equal(finished, 4);
      assert.equal(consumer.stats.acked, 4);
      assert.equal(consumer.state, 'closed');
      assert.deepEqual(await consumer.done, { reason: 'closed' });
      // Same channel, still open.
      assert.equal((await channel.checkQueue(queue)).messageCount, 6);
      assert.equal(consumer.close(), consumer.close());
    } finally {
      await channel.deleteQueue(queue);
      await connection.close();
    }
  });

  it('close() gives back the deliveries that arrive while it cancels, unstarted', async () => {
    const queue = `bw_unstarted_${uniqueSuffix()}`;
    const { connection } = await connect();
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: false });
    await fill(connection, queue, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']);
    const release = gate();
    let started = 0;
    const consumer = await consume(
      channel,
      queue,
      async () => {
        started++;
        await release.promise;
      },
      { breaker: {}, prefetch: 4 },
    );
    try {
      await waitFor(() => started === 4);
      // The four acks leave first; the broker answers them with four new deliveries, which
      // reach the consumer after close() began and before the broker confirms the cancel.
      release.open();
      await new Promise(setImmediate);
      await consumer.close();
      assert.equal(started, 4);
      assert.equal(consumer.stats.acked, 4);
      assert.equal(consumer.stats.delivered, 8);
      assert.equal(consumer.stats.returned, 4);
      assert.deepEqual(await inspect(connection, queue), { ready: 6, consumers: 0 });
    } finally {
      await channel.deleteQueue(queue);
      await connection.close();
    }
  });

  it('reports a connection that dies, and leaves its unacked messages to the broker', async () => {
    const queue = `bw_die_${uniqueSuffix()}`;
    const direct = await connect();
    const admin = await direct.connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    await fill(direct.connection, queue, ['1', '2', '3']);
    const proxy = await TcpProxy.start({ port: 5672 });
    const proxied = await connect(`amqp://guest:guest@127.0.0.1:${proxy.port}`);
    const channel = await proxied.connection.createChannel();
    const release = gate();
    let started = 0;
    const reported: Error[] = [];
    const consumer = await consume(
      channel,
      queue,
      async () => {
        started++;
        await release.promise;
      },
      { breaker: { name: 'amqp-die' }, prefetch: 3, onError: (e) => reported.push(e) },
    );
    try {
      await waitFor(() => started === 3);
      proxy.setMode('reset');
      const end = await consumer.done;
      assert.equal(end.reason, 'channel-closed');
      assert.ok(end.error instanceof Error);
      assert.deepEqual(reported, [end.error]);
      assert.equal(consumer.state, 'closed');
      release.open();
      await consumer.close();
      assert.equal(consumer.stats.acked, 0);
      assert.equal(consumer.stats.abandoned, 3);
      // The broker put them back: nothing lost.
      await waitForReady(direct.connection, queue, 3);
      assert.ok(proxied.errors.length >= 1);
    } finally {
      await admin.deleteQueue(queue);
      await direct.connection.close();
      await proxy.close();
    }
  });

  it('reports a consumer the broker cancelled (queue deleted)', async () => {
    const queue = `bw_cancel_${uniqueSuffix()}`;
    const { connection } = await connect();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    const channel = await connection.createChannel();
    const reported: Error[] = [];
    const consumer = await consume(channel, queue, () => undefined, {
      breaker: {},
      onError: (e) => reported.push(e),
    });
    try {
      await admin.deleteQueue(queue);
      const end = await consumer.done;
      assert.equal(end.reason, 'cancelled');
      assert.match(String(end.error?.message), /cancelled the consumer/);
      assert.equal(reported.length, 1);
      await consumer.close();
    } finally {
      await connection.close();
    }
  });

  it('starts paused under an open breaker and resumes on reset and on half-open', async () => {
    const queue = `bw_paused_${uniqueSuffix()}`;
    const { connection } = await connect();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    await fill(connection, queue, ['a', 'b', 'c']);
    const breaker = new CircuitBreaker({ name: 'amqp-paused', timeout: 100 });
    breaker.forceOpen();
    const handled: string[] = [];
    const channel = await connection.createChannel();
    const consumer = await consume(channel, queue, (m) => handled.push(m.content.toString()), {
      breaker,
    });
    try {
      assert.equal(consumer.state, 'paused');
      await sleep(150);
      assert.deepEqual(handled, []);
      assert.deepEqual(await inspect(connection, queue), { ready: 3, consumers: 0 });
      breaker.reset();
      await waitFor(() => consumer.stats.acked === 3);
      assert.deepEqual(handled, ['a', 'b', 'c']);

      // Opened by a failure elsewhere: back by itself once the open wait is over.
      await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
      breaker.forceOpen();
      breaker.reset();
      for (let i = 0; i < 6; i++) {
        await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
      }
      assert.equal(breaker.state, 'open');
      await waitFor(() => consumer.state === 'paused');
      await fill(connection, queue, ['d', 'e']);
      await waitFor(() => consumer.stats.acked === 5);
      assert.equal(breaker.state, 'closed');
      await waitFor(() => consumer.state === 'consuming');
      assert.deepEqual(handled, ['a', 'b', 'c', 'd', 'e']);
      assert.equal(consumer.stats.returned, 0);
    } finally {
      await consumer.close();
      await admin.deleteQueue(queue);
      await connection.close();
    }
  });

  it('gives one delivery back and waits when another holds the half-open probe', async () => {
    const queue = `bw_shared_${uniqueSuffix()}`;
    const { connection } = await connect();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: false });
    await fill(connection, queue, ['a', 'b']);
    const breaker = new CircuitBreaker({ name: 'amqp-shared', timeout: 50 });
    for (let i = 0; i < 6; i++) {
      await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => undefined);
    }
    const channel = await connection.createChannel();
    const consumer = await consume(channel, queue, () => undefined, { breaker });
    // Someone else sharing the breaker takes the one probe admission as soon as there is one.
    let done: ((outcome: boolean) => void) | undefined;
    breaker.onTransition((e) => {
      if (e.to === 'half-open') done ??= breaker.allow();
    });
    try {
      assert.equal(consumer.state, 'paused');
      await waitFor(() => consumer.stats.returned === 1 && consumer.state === 'paused');
      await sleep(100);
      assert.equal(consumer.stats.delivered, 1);
      assert.equal(consumer.stats.returned, 1);
      assert.ok(done);
      done(true);
      await waitFor(() => consumer.stats.acked === 2);
      assert.equal(consumer.stats.delivered, 3);
      assert.equal(consumer.state, 'consuming');
    } finally {
      await consumer.close();
      await admin.deleteQueue(queue);
      await connection.close();
    }
  });

  it('refuses bad arguments, and rejects when the queue does not exist', async () => {
    const { connection } = await connect();
    const channel = await connection.createChannel();
    const ok = () => undefined;
    try {
      await assert.rejects(
        consume(null as never, 'q', ok, { breaker: {} }),
        /channel must be an amqplib channel, got null/,
      );
      await assert.rejects(
        consume(channel, 5 as never, ok, { breaker: {} }),
        /queue must be a string, got 5/,
      );
      await assert.rejects(
        consume(channel, 'q', 'x' as never, { breaker: {} }),
        /handler must be a function/,
      );
      await assert.rejects(consume(channel, 'q', ok, {} as never), /breaker is required/);
      await assert.rejects(consume(channel, 'q', ok, { breaker: {}, prefetch: 0 }), RangeError);
      await assert.rejects(
        consume(channel, 'q', ok, { breaker: {}, maxAttempts: 0.5 }),
        /maxAttempts must be an integer >= 1 or Infinity, got 0.5/,
      );
      await assert.rejects(
        consume(channel, 'q', ok, { breaker: {}, prefech: 5 } as never),
        /did you mean prefetch/,
      );
      await assert.rejects(
        consume(channel, 'q', ok, { breaker: { timeot: 5 } as never }),
        /did you mean timeout/,
      );
      await assert.rejects(
        consume(channel, `bw_missing_${uniqueSuffix()}`, ok, { breaker: {} }),
        /NOT_FOUND/,
      );
    } finally {
      await connection.close();
    }
  });
});

async function waitForReady(
  connection: Awaited<ReturnType<typeof connect>>['connection'],
  queue: string,
  ready: number,
): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const q = await inspect(connection, queue);
    if (q.ready === ready) return;
    if (Date.now() > deadline) assert.fail(`queue ${queue}: ${q.ready} ready, expected ${ready}`);
    await sleep(20);
  }
}
