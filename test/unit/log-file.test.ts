// daemon.log's writer keeps every line while the file cannot be written, and writes
// them all, in order, once it can.
import { mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLogFile } from '../../src/daemon/log-file.js';
import { tempQueue, waitFor } from '../helpers/mcpq.js';

describe('the daemon.log writer', () => {
  it('keeps the lines logged while a failed write waits for its retry, and writes them after it', async () => {
    const path = join(tempQueue().dir, 'daemon.log');
    mkdirSync(path); // a folder where the log should be: every write fails (EISDIR)
    const troubles: string[] = [];
    const file = openLogFile({ path, maxBytes: 1 << 20, keep: 2, onTrouble: (m) => troubles.push(m), onRecovered: () => undefined });
    file.write('first\n');
    await waitFor(() => troubles.length > 0, { what: 'the first write to fail' });
    file.write('second\n'); // logged while the failed write waits for its retry
    await file.drain(); // one more try: it fails too, and must keep both
    file.write('third\n');
    rmdirSync(path);
    await waitFor(async () => {
      await file.drain();
      try {
        return readFileSync(path, 'utf8') === 'first\nsecond\nthird\n';
      } catch {
        return false;
      }
    }, { what: `daemon.log to hold the three lines in order` });
  });
});
