// Temporary files that a killed writer left behind. Files are written whole under a
// temporary name and then renamed (write-file-atomic: `<name>.<decimal>` beside the
// target; files.ts publishFile: `.<name>.<8 hex>.tmp`); a SIGKILL or a power loss in
// between leaves the temporary file for ever. A daemon removes them once it serves,
// those older than TEMP_AGE_MS (a write takes milliseconds), from the folders that
// hold only mcpq's own files, where no real entry has such a name (records end in
// .json, claims in .claim, claimed files in -<seq>). pending/ holds the users' files,
// whose names may be anything: only publishFile's hidden ones are taken there.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, errorMessage } from '../core/errors.js';
import { unlinkIfExists } from '../queue/files.js';
import type { QueueLayout } from '../queue/layout.js';
import { filesystemNow } from '../queue/owner.js';
import type { DaemonContext } from './context.js';

const TEMP_AGE_MS = 10 * 60_000;
const ATOMIC_TEMP = /^[^.].*\.\d{1,10}$/;
const PUBLISH_TEMP = /^\..+\.[0-9a-f]{8}\.tmp$/;

// Each folder, with whether a name there is a writer's temporary file.
function folders(layout: QueueLayout): [string, (name: string) => boolean][] {
  const any = (name: string) => ATOMIC_TEMP.test(name) || PUBLISH_TEMP.test(name);
  return [
    [layout.pending, (name) => PUBLISH_TEMP.test(name)],
    ...[layout.running, layout.completed, layout.failed, layout.daemons, layout.control].map((dir): [string, (name: string) => boolean] => [dir, any]),
  ];
}

export async function removeLeftoverTemps(ctx: DaemonContext): Promise<number> {
  const now = await filesystemNow(ctx.layout, ctx.tag); // mtimes may come from other hosts' writes
  let removed = 0;
  for (const [dir, isTemp] of folders(ctx.layout)) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') continue;
      throw error;
    }
    for (const name of names.filter(isTemp)) {
      const path = join(dir, name);
      try {
        const st = await stat(path);
        if (!st.isFile() || now - st.mtimeMs < TEMP_AGE_MS) continue;
        await unlinkIfExists(path);
        removed += 1;
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') ctx.log.warn({ event: 'temp_error', path, error: errorMessage(error) }, 'could not remove a leftover temporary file');
      }
    }
  }
  if (removed > 0) ctx.log.info({ event: 'temps_removed', count: removed }, 'removed temporary files that killed writers left behind');
  return removed;
}
