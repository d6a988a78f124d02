// A real HTTP receiver on loopback that records every request and answers as told, for the
// alert sink tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type TestServer } from './http.js';

/** One request received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** How to answer: a status (and headers), or `'hang'` to never answer. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

/** A recording receiver. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Decides the answer to the n-th request (1-based). Default 200. */
  answer: (n: number, req: Received) => Answer;
  /** Resolves when `count` requests have arrived in total. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging: ServerResponse[] = [];
  const receiver: Receiver = {
    url: '',
    received: [],
    answer: () => ({ status: 200 }),
    waitFor: (count) =>
      receiver.received.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: async () => {
      for (const res of hanging) res.destroy();
      await server.close();
    },
  };
  const server: TestServer = await listen((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const r: Received = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      receiver.received.push(r);
      const answer = receiver.answer(receiver.received.length, r);
      if (answer === 'hang') hanging.push(res);
      else res.writeHead(answer.status, answer.headers).end('ok');
      for (const w of waiters.filter((x) => receiver.received.length >= x.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  receiver.url = server.url;
  return receiver;
}
