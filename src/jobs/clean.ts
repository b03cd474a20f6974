// `mcpq clean`: delete (or archive) finished jobs whose record is older than a given
// age, with their logs and, for an invalid job, its original file. Age is the record's
// mtime (when it was written), so nothing is parsed. The record goes last: if we are
// interrupted, what is left is a record without logs, which every command handles.
// A record that a pending job depends on (`after`) is kept: without it that job could
// never know its dependency completed.
import { constants, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ExitCode, McpqError, errnoCode } from '../core/errors.js';
import { exists, moveNoClobber, tempPath, unlinkIfExists } from '../queue/files.js';
import type { QueueLayout } from '../queue/layout.js';
import { recordFiles, type RecordFile } from './finished.js';
import { outputPath } from './output.js';
import { readPending } from './pending.js';
import type { CleanReport, CleanedJob, FinishedState } from './types.js';
import { makeDirs } from '../queue/make-dirs.js';

export interface CleanOptions {
  readonly olderThanMs: number;
  readonly states?: readonly FinishedState[]; // default: both
  readonly dryRun?: boolean;
  readonly archive?: string; // move here instead of deleting
  readonly now?: number;
}

export async function cleanJobs(layout: QueueLayout, options: CleanOptions): Promise<CleanReport> {
  const now = options.now ?? Date.now();
  const archive = options.archive === undefined ? undefined : resolve(options.archive);
  // Archived inside the queue, records would land among the queue's own folders (or
  // be renamed <id>-2 beside themselves).
  if (archive !== undefined && isWithin(resolve(layout.root), archive)) {
    throw new McpqError(`the archive folder must be outside the queue: ${archive} is in ${layout.root}`, ExitCode.usage);
  }
  const old = recordFiles(layout, options.states ?? ['completed', 'failed'])
    // 0 is all of them, also a record stamped ahead of our clock (written by a host
    // whose clock runs ahead, on a shared filesystem).
    .filter((f) => options.olderThanMs === 0 || f.mtimeMs <= now - options.olderThanMs)
    .reverse(); // oldest first
  const neededBy = new Map<string, string[]>();
  for (const file of await readPending(layout)) for (const id of file.entry.after) neededBy.set(id, [...(neededBy.get(id) ?? []), file.id]);

  const jobs: CleanedJob[] = [];
  const kept: { id: string; needed_by: string[] }[] = [];
  for (const record of old) {
    const dependents = neededBy.get(record.id);
    if (dependents !== undefined) {
      kept.push({ id: record.id, needed_by: dependents });
      continue;
    }
    const files = filesOf(layout, record);
    if (!options.dryRun) for (const file of files) await (archive === undefined ? unlinkIfExists(file.path) : moveInto(file.path, join(archive, file.folder)));
    jobs.push({
      id: record.id,
      state: record.state,
      finished_at: new Date(record.mtimeMs).toISOString(),
      files: files.map((f) => f.path),
      bytes: files.reduce((sum, f) => sum + f.size, 0),
    });
  }
  return {
    dry_run: options.dryRun ?? false,
    archive: archive ?? null,
    older_than_ms: options.olderThanMs,
    jobs,
    bytes: jobs.reduce((sum, j) => sum + j.bytes, 0),
    kept,
  };
}

interface OwnedFile {
  readonly path: string;
  readonly folder: string; // its folder, kept inside an archive
  readonly size: number;
}

// A record's companions that exist, then the record itself. Looked up synchronously,
// as finished.ts lists the records: awaited one by one, 10,000 records' companions
// took seconds of round trips through libuv's threads.
function filesOf(layout: QueueLayout, record: RecordFile): OwnedFile[] {
  const candidates = [
    { path: outputPath(layout, record.id, 'stdout'), folder: 'logs' },
    { path: outputPath(layout, record.id, 'stderr'), folder: 'logs' },
    ...(record.state === 'failed' ? [{ path: join(layout.failed, `${record.id}.original`), folder: 'failed' }] : []),
  ];
  const files: OwnedFile[] = [];
  for (const c of candidates) {
    const st = statSync(c.path, { throwIfNoEntry: false });
    if (st !== undefined) files.push({ ...c, size: st.size });
  }
  return [...files, { path: record.path, folder: record.state, size: record.size }];
}

// Into `dir` under the same name, or `-2`, `-3`… when an older job of that id (ids of
// cleaned jobs are free again) is archived there already; never replacing a file.
// Across filesystems by a copy under a hidden temp name, given its name as on one
// filesystem, then unlink.
async function moveInto(path: string, dir: string): Promise<void> {
  await makeDirs(dir, 0o700);
  try {
    await moveNoClobber(path, dir, basename(path));
  } catch (error) {
    // Gone meanwhile: another clean (cron and a hand-run one at once) moved it.
    if (errnoCode(error) === 'ENOENT' && !(await exists(path))) return;
    if (errnoCode(error) !== 'EXDEV') throw error;
    const temp = tempPath(dir, basename(path));
    try {
      await copyFile(path, temp, constants.COPYFILE_EXCL);
      await moveNoClobber(temp, dir, basename(path));
    } catch (copyError) {
      await unlinkIfExists(temp);
      if (errnoCode(copyError) === 'ENOENT' && !(await exists(path))) return;
      throw copyError;
    }
    await unlinkIfExists(path);
  }
}

function isWithin(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}
