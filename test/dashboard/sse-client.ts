// A small Server-Sent Events client for tests: reads a real stream over HTTP and hands out its
// events one at a time, in order, with a time limit on each wait.
import { get, type IncomingMessage } from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
}

export interface SseClient {
  response: IncomingMessage;
  /** Comment lines seen so far (without the leading colon and space). */
  comments: string[];
  /** Fields other than event/data seen so far, e.g. `retry: 2000`. */
  fields: string[];
  /** The next event; rejects after `ms` or when the stream ends first. */
  next(ms?: number): Promise<SseEvent>;
  /** The next event named `name`, skipping others; rejects like `next`. */
  nextOf(name: string, ms?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Destroys the connection (what a closed browser tab does). */
  close(): void;
}

/** Opens `url` as an event stream; resolves once the response headers arrived. */
export function openEvents(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const queue: SseEvent[] = [];
      const waiters: (() => void)[] = [];
      const comments: string[] = [];
      const fields: string[] = [];
      let buffer = '';
      let done = false;
      const wake = (): void => {
        for (const w of waiters.splice(0)) w();
      };
      const ended = new Promise<void>((resolveEnd) => {
        res.on('end', resolveEnd);
        res.on('close', resolveEnd);
      });
      void ended.then(() => {
        done = true;
        wake();
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
            else if (line !== '') fields.push(line);
          }
          if (data.length > 0) queue.push({ event, data: data.join('\n') });
        }
        wake();
      });
      res.on('error', () => undefined);
      const next = async (ms = 2000): Promise<SseEvent> => {
        const deadline = Date.now() + ms;
        for (;;) {
          const e = queue.shift();
          if (e) return e;
          if (done) throw new Error('the event stream ended');
          const left = deadline - Date.now();
          if (left <= 0) throw new Error(`no event within ${ms} ms`);
          await new Promise<void>((wakeUp) => {
            const timer = setTimeout(wakeUp, left);
            waiters.push(() => {
              clearTimeout(timer);
              wakeUp();
            });
          });
        }
      };
      resolve({
        response: res,
        comments,
        fields,
        next,
        async nextOf(name, ms = 2000) {
          const deadline = Date.now() + ms;
          for (;;) {
            const e = await next(Math.max(1, deadline - Date.now()));
            if (e.event === name) return e;
          }
        },
        ended,
        close: () => {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
  });
}
