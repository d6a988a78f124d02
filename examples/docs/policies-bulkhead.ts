import { bulkhead, BulkheadRejectedError } from '../../src/index.js';

// At most 2 report renders at once, 1 more may wait; the rest are turned away at once.
const reports = bulkhead({ limit: 2, queue: 1, name: 'reports' });

const release: (() => void)[] = [];
const render = (id: number) => () =>
  new Promise<string>((resolve) => {
    release.push(() => {
      resolve(`report ${id}`);
    });
  });

const calls = [1, 2, 3, 4].map((id) =>
  reports.execute(render(id)).catch((e: unknown) => {
    if (!(e instanceof BulkheadRejectedError)) throw e;
    return `${e.code}: ${e.message} (limit ${e.limit}, queue ${e.queue})`;
  }),
);
console.log(`running ${reports.executing}, queued ${reports.queued}, free ${reports.available}`);
console.log(await calls[3]); // the fourth was rejected at once

release.shift()?.(); // report 1 is done: report 3 takes its slot
console.log(await calls[0]);
console.log(`running ${reports.executing}, queued ${reports.queued}`);
for (const done of release.splice(0)) done();
console.log(await Promise.all(calls.slice(1, 3)));
