import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchSource, type SourceWatch } from './source-watch.js';

let sw: SourceWatch | undefined;
const dirs: string[] = [];
afterEach(() => {
  sw?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('watchSource', () => {
  it('runs one look at a time: requests during a look make exactly one more look after it', async () => {
    const gates = [deferred(), deferred(), deferred()];
    let looks = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    sw = watchSource({
      path: null,
      intervalMs: 60_000,
      debounceMs: 0,
      persistent: false,
      look: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await gates[looks++]!.promise;
        concurrent--;
      },
      lookOnEveryPoll: () => false,
      onWatchFailure: () => undefined,
    });
    // The first look started on creation; three requests while it runs make one more look.
    const a = sw.check();
    const b = sw.check();
    const c = sw.check();
    gates[0]!.resolve();
    gates[1]!.resolve();
    await Promise.all([a, b, c]);
    expect(looks).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('looks again when the watched file is replaced, and not after close', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'casebook-source-watch-'));
    dirs.push(dir);
    const file = path.join(dir, 'production.json');
    writeFileSync(file, 'one');
    let looks = 0;
    sw = watchSource({
      path: file,
      intervalMs: 20,
      debounceMs: 5,
      persistent: false,
      look: async () => void looks++,
      lookOnEveryPoll: () => false,
      onWatchFailure: () => undefined,
    });
    await expect.poll(() => looks).toBe(1);
    writeFileSync(`${file}.tmp`, 'two, longer');
    renameSync(`${file}.tmp`, file);
    await expect.poll(() => looks, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    sw.close();
    const after = looks;
    writeFileSync(file, 'three, longer still');
    await new Promise((r) => setTimeout(r, 100));
    expect(looks).toBe(after);
  });
});
