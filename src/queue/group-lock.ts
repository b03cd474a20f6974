// Jobs of one group never run at the same time, across every daemon on the queue: a
// daemon holds running/<hex of group>.group (created with O_EXCL; "h<sha256>.group" for
// a group too long to fit a file name in hex, such as a long plugin name) while a job of that
// group runs. The lock names its owner, so that the claims' recovery can remove the
// locks of a dead daemon.
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { takeIfStill, tempPath, unlinkIfExists } from './files.js';
import type { QueueLayout } from './layout.js';

export const GROUP_SUFFIX = '.group';

const lockSchema = z.object({ group: z.string(), tag: z.string(), source: z.string(), locked_at: z.string() });
export type GroupLock = z.infer<typeof lockSchema>;

// A file name holds 255 bytes: a group of more than about 120 bytes in hex would not
// fit, and its jobs could never start.
const MAX_HEX_NAME = 200;

function lockName(group: string): string {
  const hex = Buffer.from(group).toString('hex');
  return `${hex.length <= MAX_HEX_NAME ? hex : `h${createHash('sha256').update(group).digest('hex')}`}${GROUP_SUFFIX}`;
}

function lockPath(layout: QueueLayout, group: string): string {
  return join(layout.running, lockName(group));
}

// True when this caller now holds the group; false when someone else does.
export async function lockGroup(layout: QueueLayout, lock: GroupLock): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath(layout, lock.group), 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(lock));
  } finally {
    await handle.close();
  }
  return true;
}

export async function unlockGroup(layout: QueueLayout, group: string): Promise<void> {
  await unlinkIfExists(lockPath(layout, group));
}

// Removes a dead owner's lock, listed as `dead`, unless it is no longer that one: another
// daemon may have removed it since and a live one taken the group (files.ts
// takeIfStill, as for claims).
export function unlockDeadGroup(layout: QueueLayout, dead: GroupLock & { file: string }): boolean {
  const path = join(layout.running, dead.file); // by its file: the group of a half-written lock may not be known
  const aside = tempPath(layout.running, dead.file);
  if (!takeIfStill(path, aside, (bytes) => sameLock(bytes, dead))) return false;
  unlinkSync(aside);
  return true;
}

// A lock being written, or left half-written by a crash, is listed with owner "".
function sameLock(bytes: Buffer | undefined, dead: GroupLock): boolean {
  if (bytes === undefined) return false;
  let now: GroupLock;
  try {
    now = lockSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return dead.tag === '';
  }
  return now.tag === dead.tag && now.locked_at === dead.locked_at;
}


// Every group lock with its owner and file name; one being written (or left
// half-written by a crash) has owner "" and its file's age (and its group only when
// the name is the group in hex).
export async function listGroupLocks(layout: QueueLayout): Promise<(GroupLock & { ageMs: number; file: string })[]> {
  const names = (await readdir(layout.running)).filter((n) => n.endsWith(GROUP_SUFFIX));
  const locks = await Promise.all(
    names.map(async (name) => {
      const path = join(layout.running, name);
      const group = Buffer.from(name.slice(0, -GROUP_SUFFIX.length), 'hex').toString();
      try {
        const ageMs = Date.now() - (await stat(path)).mtimeMs;
        try {
          return { ...lockSchema.parse(JSON.parse(await readFile(path, 'utf8'))), ageMs, file: name };
        } catch {
          return { group, tag: '', source: '', locked_at: '', ageMs, file: name };
        }
      } catch {
        return undefined; // released meanwhile
      }
    }),
  );
  return locks.filter((l) => l !== undefined);
}
