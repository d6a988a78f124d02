// A config file rewritten in place (truncate, write half, pause, write the rest) can be read
// half-written. The writer here runs on this process's own timers, so its pause (10 ms) always
// ends before the loader's settle time (25 ms) does: the loader must never return torn text.
// (A writer that pauses longer than that is the documented limit: write config files by rename.)
import assert from 'node:assert/strict';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/manager/config/config-error.js';
import { loadConfigFile } from '../../src/manager/config/loader.js';

// Both halves are valid on their own: a torn read would be applied without a complaint.
const head = 'defaults:\n  consecutiveFailures: 3\n';
const full = `${head}services:\n  payments: {}\n  search: {}\n`;

describe('a config file written in place', () => {
  it('is never read half-written', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'breakwater-torn-'));
    const file = join(dir, 'breakwater.yaml');
    await writeFile(file, full);
    let writing = true;
    let cycles = 0;
    const cycle = (): void => {
      if (!writing) return;
      cycles++;
      const fd = openSync(file, 'w');
      writeSync(fd, head);
      setTimeout(() => {
        writeSync(fd, full.slice(head.length));
        closeSync(fd);
        setTimeout(cycle, 100);
      }, 10);
    };
    cycle();
    try {
      const texts: string[] = [];
      let busy = 0;
      // Reads spread over 20 rewrites, at phases that drift against the writer's cycle.
      while (cycles < 20) {
        await new Promise((resolve) => setTimeout(resolve, 7));
        try {
          texts.push((await loadConfigFile(file)).text);
        } catch (error) {
          // Refusing a file that keeps changing is allowed; returning half of it is not.
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, /kept changing/);
          busy++;
        }
      }
      assert.ok(texts.length >= 10, `only ${texts.length} reads succeeded (${busy} refused)`);
      for (const text of texts) assert.equal(text, full);
    } finally {
      writing = false;
      await new Promise((resolve) => setTimeout(resolve, 120));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('written by rename, every read is whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'breakwater-rename-'));
    const file = join(dir, 'breakwater.yaml');
    try {
      await writeFile(file, full);
      const versions = [full, full.replace('search', 'ledger')];
      const renaming = { on: true };
      const renames = (async () => {
        for (let i = 0; renaming.on; i++) {
          const temporary = join(dir, `.breakwater.yaml.${i}`);
          await writeFile(temporary, versions[i % 2] ?? full);
          await rename(temporary, file);
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      })();
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        try {
          seen.push((await loadConfigFile(file)).text);
        } catch (error) {
          // Under a heavy load a read may find the file swapped again and again: refused whole.
          assert.ok(error instanceof ConfigError && /kept changing/.test(error.message));
        }
      }
      renaming.on = false;
      await renames;
      assert.ok(seen.length >= 10, `only ${seen.length} reads succeeded`);
      for (const text of seen) assert.ok(versions.includes(text), text);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
