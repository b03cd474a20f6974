// Which plugins exist: every folder <root>/<name>/ that holds an entry file, with no
// configuration. Only stats and directory listings here; what a plugin can do is
// introspect.ts's business.
//
//   <root>/<name>/cli        run as is (must be executable)
//   <root>/<name>/cli.py     python3 cli.py …
//   <root>/<name>/cli.js|mjs node cli.js …
//   <root>/<name>/cli.sh     /bin/sh cli.sh …
//   <root>/<name>/plugin.json  optional manifest (manifest.ts)
//
// Roots are searched in order (the queue's plugins/ first); a name found again in a
// later root is reported as shadowed, never run. A root that itself holds an entry is
// one plugin, named after the folder. Names starting with "." (plugins/.cache) are
// not plugins.
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { errnoCode, errorMessage } from '../core/errors.js';
import type { Command } from '../daemon/runner.js';
import { MANIFEST_FILE } from './manifest.js';

export const ENTRY_NAMES = Object.freeze(['cli', 'cli.py', 'cli.js', 'cli.mjs', 'cli.sh']);

// Interpreters by extension; node is the one running mcpq, so a service manager's
// short PATH cannot hide it.
export const INTERPRETERS: Readonly<Record<string, string>> = Object.freeze({
  '.py': 'python3',
  '.js': process.execPath,
  '.mjs': process.execPath,
  '.sh': '/bin/sh',
});

export interface Found {
  readonly name: string;
  readonly dir: string;
  readonly entry: string | undefined;
  readonly program: Command | undefined; // interpreter and entry; a job's argv is added after
  readonly manifest: string | undefined;
  // Changes whenever the entry or the manifest changes: the introspection cache key.
  readonly fingerprint: string;
  readonly problem: string | undefined;
}

export function programFor(entry: string): Command {
  const interpreter = INTERPRETERS[extname(entry)];
  return interpreter === undefined ? { file: entry, args: [] } : { file: interpreter, args: [entry] };
}

export async function discover(roots: readonly string[]): Promise<Found[]> {
  const found: Found[] = [];
  const seen = new Map<string, string>(); // name → the folder that has it
  for (const root of roots) {
    for (const candidate of await candidates(root)) {
      const first = seen.get(candidate.name);
      if (first !== undefined) {
        found.push({ ...candidate, entry: undefined, program: undefined, manifest: undefined, fingerprint: '', problem: `shadowed by ${first} (a plugin of the same name found first)` });
        continue;
      }
      seen.set(candidate.name, candidate.dir);
      found.push(await inspect(candidate.name, candidate.dir));
    }
  }
  return found;
}

// The folders under a root that may be plugins. A root that does not exist has none;
// one that cannot be read shows up as a broken plugin named after it.
async function candidates(root: string): Promise<{ name: string; dir: string }[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return [];
    return [{ name: basename(root), dir: root }];
  }
  if (entries.some((e) => ENTRY_NAMES.includes(e.name) && !e.isDirectory())) {
    return [{ name: basename(root), dir: root }];
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isSymbolicLink()))
    .map((e) => ({ name: e.name, dir: join(root, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function inspect(name: string, dir: string): Promise<Found> {
  const base = { name, dir, entry: undefined, program: undefined, manifest: undefined, fingerprint: '' };
  let files: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return { ...base, problem: 'not a folder' };
    // A folder named like an entry (`cli/`, the plugin's own modules beside its
    // cli.js) is not one.
    files = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch (error) {
    return { ...base, problem: `cannot read the folder: ${errorMessage(error)}` };
  }
  const entryName = ENTRY_NAMES.find((n) => files.includes(n));
  if (entryName === undefined) return { ...base, problem: `no entry file (one of ${ENTRY_NAMES.join(', ')})` };
  const entry = join(dir, entryName);
  const manifest = files.includes(MANIFEST_FILE) ? join(dir, MANIFEST_FILE) : undefined;
  const entryStat = await stat(entry).catch(() => undefined);
  if (entryStat === undefined) return { ...base, problem: `${entryName} vanished while being read` };
  const manifestStat = manifest === undefined ? undefined : await stat(manifest).catch(() => undefined);
  const fingerprint = [entry, entryStat.mtimeMs, entryStat.size, manifestStat?.mtimeMs ?? '-', manifestStat?.size ?? '-'].join(':');
  const found = { ...base, entry, manifest, fingerprint, program: programFor(entry) };
  if (!entryStat.isFile()) return { ...found, program: undefined, problem: `${entryName} is not a file` };
  if (entryName === 'cli' && !(await isExecutable(entry))) {
    return { ...found, program: undefined, problem: 'cli is not executable (chmod +x it, or name it cli.py, cli.js, cli.mjs or cli.sh)' };
  }
  return { ...found, problem: undefined };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
