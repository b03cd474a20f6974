// What a file name in pending/ or running/ means. Pure.
//
//   pending/<name>                    a job; .json, .sh or .txt (anything else fails as invalid)
//   pending/<id>~<attempt>.<ext>      a script job put back after an interrupted attempt
//   running/<name>@<tag>-<seq>        <name> claimed by the daemon whose tag is <tag>
//   running/<id>.claim                the claim record: which file, whose, which process group
//
// Ids never contain "@" or "~" (see core/ids.ts), so the forms cannot be confused.
import { extname } from 'node:path';

// Writers must never be seen half-way: such names are someone's work in progress.
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.part');
}

export type JobFormat = 'json' | 'script' | 'unknown';

export function formatOf(name: string): JobFormat {
  const ext = extname(name).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.sh' || ext === '.txt') return 'script';
  return 'unknown';
}

export interface PendingName {
  readonly stem: string; // the name without extension and attempt marker
  readonly attempt: number | undefined; // from an `~N` marker
}

export function parsePendingName(name: string): PendingName {
  const ext = extname(name);
  const base = ext === '' ? name : name.slice(0, -ext.length);
  const marker = /^(.*)~(\d+)$/.exec(base);
  return marker ? { stem: marker[1]!, attempt: Number(marker[2]) } : { stem: base, attempt: undefined };
}

export function claimedName(name: string, tag: string, seq: number): string {
  return `${name}@${tag}-${seq}`;
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
