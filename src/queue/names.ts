// What a file name in pending/ or running/ means. Pure.
//
//   pending/<name>                    a job; .json, .sh or .txt (anything else fails as invalid)
//   pending/<id>~<attempt>.<ext>      a script job put back after an interrupted attempt
//   running/<name>@<tag>-<seq>        <name> claimed by the daemon whose tag is <tag>
//   running/<id>.claim                the claim record: which file, whose, which process group
//   running/.recovering-<id>-<tag>    a dead owner's claim, taken over by the daemon <tag>
//                                     to recover it (hidden: no one claims or lists it as a job)
//
// Ids never contain "@" or "~" (see core/ids.ts), so the forms cannot be confused.
import { extname } from 'node:path';

// Writers must never be seen half-way: such names are someone's work in progress.
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.part');
}

export type JobFormat = 'json' | 'script' | 'unknown';

// What formatOf knows, in words for errors.
export const JOB_FILE_KINDS = 'a .json job or a .sh/.txt shell script';

export function formatOf(name: string): JobFormat {
  const ext = extname(name).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.sh' || ext === '.txt') return 'script';
  return 'unknown';
}

export interface PendingName {
  // The name without extension and attempt marker: the job's id unless it asks for one.
  // A stem longer than an id may be is cut, with a hash of the whole, so that the
  // files named after the id (<id>.claim, <id>.original…) fit in a file name.
  readonly stem: string;
  readonly attempt: number | undefined; // from an `~N` marker
}

const MAX_STEM_BYTES = 128; // as for ids (core/ids.ts), in bytes: names may be UTF-8

export function parsePendingName(name: string): PendingName {
  const ext = extname(name);
  const base = ext === '' ? name : name.slice(0, -ext.length);
  const marker = /^(.+)~(\d+)$/.exec(base); // never an empty stem (an empty id)
  const stem = marker ? marker[1]! : base;
  return { stem: Buffer.byteLength(stem) <= MAX_STEM_BYTES ? stem : shortened(stem), attempt: marker ? Number(marker[2]) : undefined };
}

function shortened(stem: string): string {
  let start = stem.slice(0, MAX_STEM_BYTES - 9);
  while (Buffer.byteLength(start) > MAX_STEM_BYTES - 9) start = start.slice(0, -1);
  return `${start}-${fnv1a(stem)}`;
}

// 32-bit FNV-1a, as 8 hex digits: enough to tell long names apart that share a start.
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const NAME_MAX = 255; // bytes in one file name, on the filesystems mcpq runs on

// The claimed name fits in a file name: a long name is cut in the middle, keeping its
// extension (its format). The claim records the name as it was (`source`).
export function claimedName(name: string, tag: string, seq: number): string {
  const suffix = `@${tag}-${seq}`;
  return `${fitName(name, NAME_MAX - suffix.length)}${suffix}`;
}

function fitName(name: string, bytes: number): string {
  if (Buffer.byteLength(name) <= bytes) return name;
  const ext = extname(name);
  let base = name.slice(0, name.length - ext.length);
  while (base !== '' && Buffer.byteLength(`${base}_${ext}`) > bytes) base = base.slice(0, -1);
  return `${base}_${ext}`;
}

export interface ClaimedName {
  readonly name: string;
  readonly tag: string;
}

export function parseClaimedName(file: string): ClaimedName | undefined {
  const at = file.lastIndexOf('@');
  if (at <= 0) return undefined;
  const owner = /^([a-z0-9]+)-\d+$/.exec(file.slice(at + 1));
  return owner ? { name: file.slice(0, at), tag: owner[1]! } : undefined;
}

export const CLAIM_SUFFIX = '.claim';

// A claim being recovered keeps its content under a name that says who recovers it, so
// that a recovery cut short by a crash is found and finished by the next daemon.
const RECOVERING = '.recovering-';

export function recoveringName(id: string, tag: string): string {
  return `${RECOVERING}${id}-${tag}`;
}

// The recovering daemon's tag, or undefined for any other name.
export function parseRecoveringName(name: string): { readonly tag: string } | undefined {
  if (!name.startsWith(RECOVERING)) return undefined;
  const match = /-([a-z0-9]+)$/.exec(name.slice(RECOVERING.length));
  return match ? { tag: match[1]! } : undefined;
}
