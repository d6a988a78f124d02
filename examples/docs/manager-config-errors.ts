import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitBreakerManager, ConfigError } from '../../src/index.js';

const dir = await mkdtemp(join(tmpdir(), 'breakwater-'));
const file = join(dir, 'breakwater.yaml');
await writeFile(
  file,
  `defaults:
  timeout: thirty seconds
  consecutiveFailure: 5
services:
  payments:
    failureRateThreshold: 150%
    dependsOn: [ledgr]
  ledger:
    window: { kind: time, size: 1m, buckets: 7 }
idleTimeout: 10m
`,
);

try {
  await CircuitBreakerManager.fromFile(file);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // Every mistake at once, each with its path; nothing was applied.
  console.log(error.message.replace(file, 'breakwater.yaml'));
  console.log(`first mistake on line ${error.issues[0]?.line}`);
} finally {
  await rm(dir, { recursive: true });
}
