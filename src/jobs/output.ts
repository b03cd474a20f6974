// A job's output: logs/<id>.out and logs/<id>.err hold everything it wrote (its first
// bytes up to the daemon's cap). The job writes them itself; one that stayed empty is
// removed when the job ends, so a job that printed nothing has none, and `mcpq clean`
// may have removed them; then the record's bounded copy (result.stdout,
// result.stderr) is what there is.
//
// Following relies on one ordering guarantee of the daemon (runner.ts): the record is
// written only once the job's process group is gone and its logs are cut to the cap.
// So: look for the record, then read what the logs hold; if the record was there
// before the read, that read was the last.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../core/errors.js';
import { readClaim } from '../queue/claims.js';
import { logPath, type QueueLayout } from '../queue/layout.js';
import { readRecordOrFail, type JobRecord } from '../queue/records.js';
import { readRecordSafely } from './finished.js';
import type { LogStream, OutputSlice } from './types.js';
import { wakeOnChange } from './wake.js';

const SUFFIX = { stdout: 'out', stderr: 'err' } as const;

export function outputPath(layout: QueueLayout, id: string, stream: LogStream): string {
  return logPath(layout, id, SUFFIX[stream]);
}

export interface SliceOptions {
  readonly offset?: number; // bytes; default 0
  readonly limit?: number; // bytes; default: to the end
}

// Bytes [offset, offset + limit) of one stream, cut back to a character boundary; a
// character longer than `limit` comes whole, so that a reader who goes on from
// next_offset always gets further.
export async function readOutput(layout: QueueLayout, id: string, stream: LogStream, options: SliceOptions = {}): Promise<OutputSlice> {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? Infinity;
  const record = await readRecordSafely(layout, id);
  const finished = record !== undefined;
  const log = await readRange(outputPath(layout, id, stream), offset, limit);
  if (log !== undefined) {
    // A finished job's log holds only the first --max-log bytes of what it wrote.
    const cut = record !== undefined && writtenBytes(record, stream) > log.size;
    return { id, stream, source: 'log', text: log.text, offset, next_offset: offset + log.bytes, size: log.size, truncated: cut, finished };
  }
  if (record === undefined) return { id, stream, source: 'none', text: '', offset, next_offset: offset, size: 0, truncated: false, finished };
  const kept = recordCopy(record, stream);
  const bytes = Buffer.from(kept.text, 'utf8');
  const available = bytes.subarray(offset, offset + limit + LONGEST_CHARACTER);
  const part = characterSlice(available, limit, offset + available.length >= bytes.length);
  return { id, stream, source: 'record', text: part.toString('utf8'), offset, next_offset: offset + part.length, size: bytes.length, truncated: kept.truncated, finished };
}

function recordCopy(record: JobRecord, stream: LogStream): { text: string; truncated: boolean } {
  const text = typeof record.result[stream] === 'string' ? (record.result[stream] as string) : '';
  return { text, truncated: writtenBytes(record, stream) > Buffer.byteLength(text) };
}

// How many bytes the job wrote to the stream, as its record counts them.
function writtenBytes(record: JobRecord, stream: LogStream): number {
  const total = record.result[`${stream}_bytes`];
  return typeof total === 'number' ? total : 0;
}

// Bytes in the longest UTF-8 character: a slice reads this many past its limit, to
// have a whole character when the limit cuts the first one.
const LONGEST_CHARACTER = 4;

async function readRange(path: string, offset: number, limit: number): Promise<{ text: string; bytes: number; size: number } | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - offset, limit + LONGEST_CHARACTER));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    const part = characterSlice(buffer.subarray(0, bytesRead), limit, offset + bytesRead >= size);
    return { text: part.toString('utf8'), bytes: part.length, size };
  } finally {
    await handle.close();
  }
}

// What to show of `bytes` (the stream from a reader's offset on; a few bytes past
// `limit` when there are): at most `limit` bytes cut back to whole characters, or,
// when that leaves nothing of a longer stream, its first character whole.
// `atEnd`: the stream ends where `bytes` do.
export function characterSlice(bytes: Buffer, limit: number, atEnd: boolean): Buffer {
  if (bytes.length <= limit) return sliceAtCharacters(bytes, atEnd);
  const part = sliceAtCharacters(bytes.subarray(0, limit), false);
  return part.length > 0 || limit <= 0 ? part : bytes.subarray(0, characterLength(bytes));
}

// Drops an incomplete UTF-8 sequence at the end, unless the stream ends there.
export function sliceAtCharacters(bytes: Buffer, atEnd: boolean): Buffer {
  if (atEnd) return bytes;
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 4); i -= 1) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return bytes.length - i < needed ? bytes.subarray(0, i) : bytes;
  }
  return bytes;
}

// Bytes of the character `bytes` starts with: 1 for ASCII and for a byte that starts
// no valid sequence (it shows as U+FFFD either way).
function characterLength(bytes: Buffer): number {
  const b = bytes[0]!;
  const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  for (let i = 1; i < needed; i += 1) if (i >= bytes.length || (bytes[i]! & 0xc0) !== 0x80) return 1;
  return needed;
}

// The first character boundary in `bytes`: past the continuation bytes a cut in the
// middle of a character left at its start (at most 3).
function characterStart(bytes: Buffer): number {
  for (let i = 0; i < Math.min(3, bytes.length); i += 1) if ((bytes[i]! & 0xc0) !== 0x80) return i;
  return Math.min(3, bytes.length);
}

// The last `lines` lines of a stream, read from the end of its log (or the record),
// and at most `limit` bytes of them: a longer tail (one huge line) is cut at its
// start, on a character boundary (`cut`). Found by byte: a newline byte is never part
// of another UTF-8 character, so offsets stay exact whatever the output holds.
export interface Tail {
  readonly slice: OutputSlice;
  readonly cut: boolean;
}

export async function tailOutput(layout: QueueLayout, id: string, stream: LogStream, lines: number, limit = Infinity): Promise<Tail> {
  let handle;
  try {
    handle = await open(outputPath(layout, id, stream), 'r');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
    return tailOfRecord(layout, id, stream, lines, limit);
  }
  let start: { at: number; cut: boolean };
  let size: number;
  try {
    size = (await handle.stat()).size;
    start = await tailStart(handle, size, lines, limit);
  } finally {
    await handle.close();
  }
  return { slice: await readOutput(layout, id, stream, { offset: start.at, limit: size - start.at }), cut: start.cut };
}

// Where the last `lines` lines of bytes [0, size) of an open log start: read backwards
// in blocks until a block holds enough line ends, never further back than `limit`.
async function tailStart(handle: FileHandle, size: number, lines: number, limit: number): Promise<{ at: number; cut: boolean }> {
  const floor = Math.max(0, size - limit);
  for (let block = 64 * 1024; ; block *= 4) {
    const base = Math.max(floor, size - block);
    const bytes = Buffer.alloc(size - base);
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, base);
    const read = bytes.subarray(0, bytesRead);
    const found = startOfLastLines(read, lines);
    if (found !== undefined) return { at: base + found, cut: false };
    if (base === floor) return base === 0 ? { at: 0, cut: false } : { at: base + characterStart(read), cut: true };
  }
}

async function tailOfRecord(layout: QueueLayout, id: string, stream: LogStream, lines: number, limit: number): Promise<Tail> {
  const record = await readRecordSafely(layout, id);
  if (record === undefined) return { slice: { id, stream, source: 'none', text: '', offset: 0, next_offset: 0, size: 0, truncated: false, finished: false }, cut: false };
  const kept = recordCopy(record, stream);
  const bytes = Buffer.from(kept.text, 'utf8');
  let start = startOfLastLines(bytes, lines) ?? 0;
  const cut = bytes.length - start > limit;
  if (cut) start = bytes.length - limit + characterStart(bytes.subarray(bytes.length - limit));
  const text = bytes.subarray(start).toString('utf8');
  return { slice: { id, stream, source: 'record', text, offset: start, next_offset: bytes.length, size: bytes.length, truncated: kept.truncated, finished: true }, cut };
}

// Where the last `lines` lines of `bytes` start (a last line without its newline
// counts), or undefined when `bytes` holds fewer line ends than that: they may all be
// part of the last lines.
export function startOfLastLines(bytes: Uint8Array, lines: number): number | undefined {
  if (lines <= 0) return bytes.length;
  let end = bytes.length > 0 && bytes[bytes.length - 1] === NEWLINE ? bytes.length - 1 : bytes.length; // the last line's own end
  for (let found = 0; end > 0; ) {
    const at = bytes.lastIndexOf(NEWLINE, end - 1);
    if (at === -1) return undefined;
    found += 1;
    if (found === lines) return at + 1;
    end = at;
  }
  return undefined;
}

const NEWLINE = 0x0a;

export function lastLines(text: string, lines: number): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.subarray(startOfLastLines(bytes, lines) ?? 0).toString('utf8');
}

// What the caller has already shown of each stream: up to which byte, and which
// attempt of the job wrote it (`attemptOf`, looked up before the read; undefined when
// none had started, or the job waited in pending/ between two attempts).
export interface Shown {
  readonly offsets: Partial<Record<LogStream, number>>;
  readonly attempt: number | undefined;
}

export interface FollowOptions {
  readonly shown?: Shown; // default: nothing yet
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

// Text shown while no attempt ran (the job waited in pending/, its log an earlier
// attempt's): any attempt seen running later wrote its log anew.
const NO_ATTEMPT = 0;

// Calls `onData` with each stream's bytes as the job writes them, until the job has
// its record; resolves with the record. Goes on from what was `shown`.
export async function followOutput(
  layout: QueueLayout,
  id: string,
  streams: readonly LogStream[],
  onData: (stream: LogStream, text: string) => void,
  options: FollowOptions = {},
): Promise<JobRecord | undefined> {
  const offsets = new Map(streams.map((s) => [s, options.shown?.offsets[s] ?? 0]));
  const fromLog = new Set<LogStream>();
  // Which attempt of the job wrote what each stream has shown. Not looked up here: a
  // new attempt may have begun since the caller read what it showed.
  const shown = new Map<LogStream, number | undefined>(streams.map((s) => [s, offsets.get(s)! > 0 ? (options.shown?.attempt ?? NO_ATTEMPT) : undefined]));
  const wake = wakeOnChange([layout.logs, layout.completed, layout.failed]);
  try {
    for (;;) {
      if (options.signal?.aborted) return undefined;
      const record = await readRecordOrFail(layout, id);
      for (const stream of streams) {
        let offset = offsets.get(stream)!;
        // Whose output the log holds, looked up before the read: looked up after, it
        // could be that of a new attempt begun meanwhile, whose log would then pass
        // for the one shown. A new attempt starts its log over, however much it has
        // written by now: from the beginning. A log shorter than what was shown of the
        // same attempt was cut back to the daemon's cap (the job goes on; what was
        // shown stays true): go on from the new end.
        const writer = await attemptOf(layout, id);
        if (shown.get(stream) !== undefined && writer !== undefined && writer !== shown.get(stream)) {
          offset = 0;
          shown.set(stream, writer);
        } else {
          const size = await stat(outputPath(layout, id, stream)).then((s) => s.size, () => undefined);
          if (size !== undefined && size < offset) offset = size;
        }
        const slice = await readOutput(layout, id, stream, { offset });
        if (slice.source === 'log') fromLog.add(stream);
        // The record's copy stands in only for a log that never existed.
        if (slice.source === 'log' || (slice.source === 'record' && !fromLog.has(stream))) {
          // Whose text this is, settled before it is shown: a reader that acts on it
          // (a retry, a stop) must not make a later attempt look like its writer.
          if (slice.text !== '' && shown.get(stream) === undefined) shown.set(stream, writer ?? NO_ATTEMPT);
          if (slice.text !== '') onData(stream, slice.text);
          offsets.set(stream, slice.next_offset);
        }
      }
      if (record !== undefined) return record;
      await wake.next(options.pollMs ?? 250, options.signal);
    }
  } finally {
    wake.close();
  }
}

// The attempt whose output the logs hold: the one that runs now (its claim, once its
// process group is noted, which comes after its logs were opened anew; until then
// they may still be the attempt's before, if there was one: a first attempt's logs
// are its own from the start) or the last that ran (its record); none while the job
// waits in pending/. Taken a moment late, a retry's first output may be shown twice,
// never missed. The record comes before the claim goes, so one of them is there for
// a job that has started.
export async function attemptOf(layout: QueueLayout, id: string): Promise<number | undefined> {
  const claim = await readClaim(layout, id);
  if (claim !== undefined) return claim.pgid !== undefined ? claim.attempt : Math.max(1, claim.attempt - 1);
  const attempts = (await readRecordSafely(layout, id))?.result.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}
