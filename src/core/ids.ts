// Job ids are file names: every state folder holds <id>.json, so an id must be a
// safe, portable file name. Generated ids are random (not sequential) so that any
// short prefix is very likely unique, like git's abbreviated hashes.
import { randomString } from './random.js';

export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const SAFE_ID_RULE =
  'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 128 characters';

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.endsWith('.tmp') && !id.endsWith('.part');
}

// Whether an id can name a job's files (<id>.json, <id>.claim, logs/<id>.out) inside
// their folders. Looser than a safe id: an id taken from a pending file's name may hold
// spaces or accents, and it is written back into the job when the job is retried.
export function isFileNameId(id: string): boolean {
  return id !== '' && !id.startsWith('.') && !id.includes('/') && !id.includes('\0') && Buffer.byteLength(id) <= 128;
}
export const FILE_NAME_ID_RULE = 'a file name: not empty, not starting with ".", without "/", at most 128 bytes';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

export function newJobId(length = 10): string {
  const id = randomString(ALPHABET, length);
  // A leading digit-only id would read like a count; start with a letter.
  return /^[0-9]/.test(id) ? `j${id.slice(1)}` : id;
}
