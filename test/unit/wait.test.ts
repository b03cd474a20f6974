// Waiting for a record ends at its deadline, whatever the garbage collector does meanwhile.
import { mkdirSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { waitForRecord } from '../../src/jobs/wait.js';
import { layoutOf } from '../../src/queue/layout.js';
import { tempQueue } from '../helpers/mcpq.js';

// A full collection on demand, without starting node with --expose-gc.
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('waitForRecord', () => {
  it('gives up at timeoutMs while full garbage collections run (AbortSignal.any could lose its timeout on Node 20)', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    for (const dir of [layout.completed, layout.failed]) mkdirSync(dir, { recursive: true });
    const gc = collector();
    const collecting = setInterval(gc, 20);
    try {
      const stop = new AbortController(); // never aborted: only the deadline can end the wait
      const record = await waitForRecord(layout, 'never', { signal: stop.signal, timeoutMs: 300, pollMs: 50 });
      expect(record).toBeUndefined();
    } finally {
      clearInterval(collecting);
    }
  });

  it('returns the record as soon as it is written, before the deadline', async () => {
    const q = tempQueue();
    const layout = layoutOf(q.root);
    for (const dir of [layout.completed, layout.failed]) mkdirSync(dir, { recursive: true });
    const waiting = waitForRecord(layout, 'soon', { timeoutMs: 30_000 });
    writeFileSync(`${layout.completed}/soon.json`, JSON.stringify({ id: 'soon', result: { status: 'completed', returncode: 0 } }));
    expect(await waiting).toMatchObject({ result: { status: 'completed' } });
  });
});
