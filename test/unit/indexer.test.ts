import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEntries, readEntry } from '../../src/daemon/indexer.js';
import { PendingReader } from '../../src/daemon/pending-reader.js';
import { GONE, READ, isFileProblem, type FileBatch } from '../../src/daemon/small-file.js';

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

  it("holds a plugin job's group unless its plugin's jobs may overlap, or the job names its own", async () => {
    write('p.json', '{"plugin":"parallel"}', 1_000);
    write('s.json', '{"plugin":"serial"}', 2_000);
    write('g.json', '{"plugin":"parallel","group":"mine"}', 3_000);
    const entries = await readEntries(dir, ['p.json', 's.json', 'g.json'], async (plugin) => plugin === 'parallel');
    expect(entries.map((e) => [e.name, e.group])).toEqual([
      ['p.json', undefined],
      ['s.json', 'serial'],
      ['g.json', 'mine'],
    ]);
  });

  it('marks a file cut short mid-write as not readable yet, after a valid one was read', async () => {
    write('whole.json', JSON.stringify({ command: 'true', group: 'g', padding: 'y'.repeat(1_000) }), 1_000);
    write('half.json', '{"command": "tr', 2_000);

    expect((await readEntry(dir, 'whole.json'))?.group).toBe('g');
    expect(await readEntry(dir, 'half.json')).toMatchObject({ name: 'half.json', waitStable: true, group: undefined, size: '{"command": "tr'.length });
  });

  it('indexes a file it cannot read as not readable yet, and the others as usual', async () => {
    write('a.json', '{"command":"true","priority":5}', 1_000);
    symlinkSync('loop.json', join(dir, 'loop.json'));
    write('z.json', '{"command":"true","group":"g"}', 2_000);
    const entries = await readEntries(dir, ['a.json', 'loop.json', 'z.json']);
    expect(entries.map((e) => [e.name, e.waitStable, e.priority, e.group])).toEqual([
      ['a.json', false, 5, undefined],
      ['loop.json', true, 0, undefined],
      ['z.json', false, 0, 'g'],
    ]);
    expect(await readEntry(dir, 'loop.json')).toMatchObject({ waitStable: true });
  });
});

// From 20,000 files on (here, with the threshold lowered, 2,000), or when it began as
// the daemon started, a worker thread (the build's dist/index-reader.cjs) takes chunks
// of the files too: the entries must be the same as those read one by one, whoever
// read which.
describe('indexing a deep pending/', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcpq-indexer-deep-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);

  it('reads 2,000 files in two threads into the same entries as one by one, leaving out what is gone or not a file', async () => {
    const names: string[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const name = `job-${String(i).padStart(5, '0')}.json`;
      const job = i % 3 === 0 ? { command: 'true', priority: i % 7, after: [`dep-${i}`] } : i % 3 === 1 ? { command: 'true', group: `g${i % 5}` } : { command: 'x'.repeat(i % 300) };
      writeFileSync(join(dir, name), JSON.stringify(job));
      names.push(name);
    }
    mkdirSync(join(dir, 'folder.json')); // not a file
    writeFileSync(join(dir, 'cut.json'), '{"command": "tr'); // not readable as a job yet
    const all = [...names.slice(0, 1_000), 'gone-1.json', ...names.slice(1_000), 'folder.json', 'cut.json', 'gone-2.json'];

    const entries = await readEntries(dir, all, undefined, { parallelFrom: 2_000, chunk: 20 });

    const oneByOne = await Promise.all([...names, 'cut.json'].sort().map((n) => readEntry(dir, n)));
    expect(entries.sort(byName)).toEqual(oneByOne);
  });

  it('has a worker that reads the chunks nobody took and says which files it read', async () => {
    writeFileSync(join(dir, 'first.json'), '{"command":"s"}');
    writeFileSync(join(dir, 'a.json'), '{"command":"a"}');
    mkdirSync(join(dir, 'b.json'));
    writeFileSync(join(dir, 'c.json'), '{"command":"ccc"}');
    const reader = PendingReader.start(dir, ['first.json', 'a.json', 'b.json', 'gone.json', 'c.json'], 1);
    expect(reader).toBeDefined(); // the build is there
    const batches: [number, FileBatch][] = [];
    reader!.take((chunk, batch) => batches.push([chunk, batch]));
    await reader!.ended;

    expect(batches.map(([chunk, batch]) => [chunk, [...batch.state], Buffer.from(batch.data).toString(), [...batch.offsets]])).toEqual([
      [0, [READ], '{"command":"s"}', [0, 15]],
      [1, [READ], '{"command":"a"}', [0, 15]],
      [2, [GONE], '', [0, 0]],
      [3, [GONE], '', [0, 0]],
      [4, [READ], '{"command":"ccc"}', [0, 17]],
    ]);
    expect(reader!.next[0]).toBeGreaterThanOrEqual(5); // it looked for more and found none
  });

  it('has a worker that lists the folder itself when given no names, leaving out those to ignore', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `job-${i}.json`);
    for (const name of names) writeFileSync(join(dir, name), JSON.stringify({ command: name }));
    for (const ignored of ['.hidden.json', 'half.json.tmp', 'upload.part']) writeFileSync(join(dir, ignored), '{}');
    const reader = PendingReader.start(dir, undefined, 7);
    const listed = await reader!.listing;
    expect([...listed!].sort()).toEqual([...names].sort());

    const entries = await readEntries(dir, listed!, undefined, {}, reader); // takes chunks beside it
    const oneByOne = await Promise.all([...names].sort().map((n) => readEntry(dir, n)));
    expect(entries.sort(byName)).toEqual(oneByOne);
  });

  it('has a worker that says when it cannot list the folder', async () => {
    const reader = PendingReader.start(join(dir, 'not-there'));
    expect(await reader!.listing).toBeUndefined();
    await reader!.ended;
  });
});

describe('isFileProblem', () => {
  it.each([
    ['EACCES', true],
    ['ELOOP', true],
    ['EFBIG', true],
    ['ENXIO', true],
    ['EMFILE', false],
    ['EIO', false],
    [undefined, false],
  ])('%s: %s (a fault of the file fails the job; a fault of the system is tried again)', (code, expected) => {
    expect(isFileProblem(Object.assign(new Error('x'), { code }))).toBe(expected);
  });
});
