// mkdir -p that ends: Node 20's recursive mkdir spins for ever where a parent exists
// but cannot hold folders.
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureQueue, layoutOf } from '../../src/queue/layout.js';
import { makeDirs } from '../../src/queue/make-dirs.js';

const scratch = mkdtempSync(join(tmpdir(), 'mcpq-dirs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes every missing level with the mode, and accepts what is there', async () => {
    const deep = join(scratch, 'a', 'b', 'c');
    await makeDirs(deep, 0o700);
    await makeDirs(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(scratch, 'a')).mode & 0o777).toBe(0o700);
  });

  it('fails with ENOENT behind a dangling symbolic link, instead of spinning', async () => {
    symlinkSync(join(scratch, 'nowhere'), join(scratch, 'dangling'));
    await expect(makeDirs(join(scratch, 'dangling', 'queue'), 0o700)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(scratch, 'nowhere'))).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('fails with ENOENT under /proc, instead of spinning', async () => {
    await expect(makeDirs('/proc/mcpq-no-such/queue', 0o700)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('lets a file in the way fail its first use (ENOTDIR)', async () => {
    writeFileSync(join(scratch, 'file'), '');
    await makeDirs(join(scratch, 'file'), 0o700);
    await expect(makeDirs(join(scratch, 'file', 'sub'), 0o700)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('ensureQueue', () => {
  it('makes a new queue whole, and a folder removed from a made one again, leaving what is there', async () => {
    const layout = layoutOf(join(scratch, 'queue'));
    await ensureQueue(layout);
    const folders = [layout.pending, layout.running, layout.completed, layout.failed, layout.logs, layout.results, layout.plugins, layout.daemons, layout.control];
    for (const dir of folders) expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    writeFileSync(join(layout.pending, 'a.json'), '{}');
    rmSync(layout.control, { recursive: true });
    await ensureQueue(layout);
    expect(statSync(layout.control).isDirectory()).toBe(true);
    expect(existsSync(join(layout.pending, 'a.json'))).toBe(true);
  });
});
