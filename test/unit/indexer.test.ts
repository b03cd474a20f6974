import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEntries, readEntry } from '../../src/daemon/indexer.js';

// The indexer reads every file into one reused buffer: each entry must come from its
// own file's bytes, whatever was read before it, and a file larger than the buffer
// must be read whole.
describe('indexing pending files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcpq-indexer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string, mtimeSeconds: number) => {
    writeFileSync(join(dir, name), text);
    utimesSync(join(dir, name), mtimeSeconds, mtimeSeconds);
  };

  it('gives each file the hints of its own bytes, a long file after a short one and back', async () => {
    const texts = {
      'a.json': JSON.stringify({ command: 'true', after: ['first', 'second'], priority: 3 }),
      'b.json': JSON.stringify({ command: 'true', priority: 'high', group: 'big', padding: 'x'.repeat(200_000) }),
      'c.json': '{"command":"true"}',
      'd.sh': '#!/bin/sh\necho hi\n',
    };
    Object.entries(texts).forEach(([name, text], i) => write(name, text, (i + 1) * 1_000));

    const entries = await readEntries(dir, ['a.json', 'b.json', 'c.json', 'd.sh', 'gone.json']);

    expect(entries.map((e) => [e.name, e.priority, e.after, e.group, e.size, e.mtimeMs, e.waitStable])).toEqual([
      ['a.json', 3, ['first', 'second'], undefined, texts['a.json'].length, 1_000_000, false],
      ['b.json', 10, [], 'big', texts['b.json'].length, 2_000_000, false],
      ['c.json', 0, [], undefined, texts['c.json'].length, 3_000_000, false],
      ['d.sh', 0, [], undefined, texts['d.sh'].length, 4_000_000, false],
    ]);
  });

  it('marks a file cut short mid-write as not readable yet, after a valid one was read', async () => {
    write('whole.json', JSON.stringify({ command: 'true', group: 'g', padding: 'y'.repeat(1_000) }), 1_000);
    write('half.json', '{"command": "tr', 2_000);

    expect((await readEntry(dir, 'whole.json'))?.group).toBe('g');
    expect(await readEntry(dir, 'half.json')).toMatchObject({ name: 'half.json', waitStable: true, group: undefined, size: '{"command": "tr'.length });
  });
});
