import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitBreakerManager, type ReloadEvent } from '../../src/index.js';
import { ManualClock } from '../../src/testing/index.js';

const dir = await mkdtemp(join(tmpdir(), 'breakwater-'));
const file = join(dir, 'breakwater.yaml');
await writeFile(file, 'defaults:\n  timeout: 30s\n  consecutiveFailures: 2\n');

const clock = new ManualClock();
const manager = await CircuitBreakerManager.fromFile(file, {
  clock,
  watch: { interval: 20, debounce: 20 }, // poll every 20 ms (default 1000), settle 20 ms (100)
});

/** The next reload's outcome (the watcher holds no timer: keep the process up meanwhile). */
function nextReload(): Promise<ReloadEvent> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      reject(new Error('no reload within 5 s'));
    }, 5_000);
    const stop = manager.onReload((event) => {
      clearTimeout(guard);
      stop();
      resolve(event);
    });
  });
}

const fail = () => Promise.reject(new Error('down'));
await manager.tryExecute('search', fail);
await manager.tryExecute('search', fail);
clock.advance(10_000);
console.log(
  `search: ${manager.get('search').state}, half-open in ${manager.get('search').retryAfter} ms`,
);

// A valid edit: the changed breaker is rebuilt with its state kept.
let reloaded = nextReload();
await writeFile(file, 'defaults:\n  timeout: 45s\n  consecutiveFailures: 2\n');
let event = await reloaded;
if (event.ok) console.log(`reloaded, changed: ${event.changed.join(', ')}`);
console.log(
  `search: ${manager.get('search').state}, half-open in ${manager.get('search').retryAfter} ms`,
);

// A broken edit: reported, and the settings in force stay.
reloaded = nextReload();
await writeFile(file, 'defaults:\n  timeout: 45 seconds\n  consecutiveFailures: 2\n');
event = await reloaded;
if (!event.ok) console.log(event.error.lines.join('\n'));
console.log(`search still waits ${manager.get('search').settings.timeout as number} ms when open`);

manager.close(); // also stops watching
await rm(dir, { recursive: true });
