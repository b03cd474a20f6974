// What a plugin's --help said, or why it could not be read, kept on disk
// (plugins/.cache/<name>.json) so that `mcpq plugins`, `mcpq submit --plugin` and a
// starting daemon do not run every plugin's help again; valid while the entry file's
// fingerprint (path, mtime, size) is the same. A description is stored as a manifest
// (with the names argparse printed, however odd), so reading it back is the
// manifest's validation; a failure is stored with its
// reason and time, so that the registry's "asked again after 30 s" holds across
// processes (a hanging help would otherwise cost its whole timeout on every command),
// and a failure that may pass (a timeout…) with its streak, so that every process
// counts the same tries in a row and `mcpq list` can say why a plugin's jobs wait.
// A cache that cannot be read or written is simply not used.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../queue/files.js';
import type { Introspection } from './introspect.js';
import { manifestOf, specFromManifest } from './manifest.js';
import { makeDirs } from '../queue/make-dirs.js';

// How help is read: raised when mcpq reads the same --help differently (subcommand
// aliases, "--x" options), so that what an older mcpq cached is read again once
// rather than kept until the plugin changes (3: failures that may pass are told apart;
// 4: options and positionals that take several values, `--tags TAG [TAG ...]`).
const HELP_READER = 4;

const streakSchema = z.object({ since: z.number(), tries: z.number().int().positive() });

// A failure first: a described plugin's `manifest` is z.unknown(), which any object has.
const cacheFileSchema = z.union([
  z.object({ reader: z.literal(HELP_READER), fingerprint: z.string(), at: z.number(), error: z.string(), transient: streakSchema.optional() }),
  z.object({ reader: z.literal(HELP_READER), fingerprint: z.string(), at: z.number(), manifest: z.unknown() }),
]);

// Transient failures in a row, this one included, and when the first was (ms since the epoch).
export interface Streak {
  readonly since: number;
  readonly tries: number;
}

// What introspection gave, and when (ms since the epoch); a transient failure (see
// introspect.ts) carries its streak.
export interface HelpResult {
  readonly result: Introspection;
  readonly at: number;
  readonly streak?: Streak;
}

function cachePath(dir: string, name: string): string {
  return join(dir, `${name}.json`);
}

// `fingerprint`: of the entry file as it is now; undefined takes whatever is cached,
// even for an older version of the plugin (enough to know which flags are secret).
export async function readCachedHelp(dir: string, name: string, fingerprint: string | undefined): Promise<HelpResult | undefined> {
  try {
    const file = cacheFileSchema.safeParse(JSON.parse(await readFile(cachePath(dir, name), 'utf8')));
    if (!file.success || (fingerprint !== undefined && file.data.fingerprint !== fingerprint)) return undefined;
    const { at } = file.data;
    if ('error' in file.data) {
      const { error, transient } = file.data;
      return transient === undefined ? { result: { ok: false, error }, at } : { result: { ok: false, error, transient: true }, at, streak: transient };
    }
    const parsed = specFromManifest(file.data.manifest, name, 'any');
    return parsed.ok ? { result: { ok: true, spec: Object.freeze({ ...parsed.spec, source: '--help' }) }, at } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCachedHelp(dir: string, name: string, fingerprint: string, help: HelpResult): Promise<void> {
  const { result, at, streak } = help;
  const file = result.ok
    ? { reader: HELP_READER, fingerprint, at, manifest: manifestOf(result.spec) }
    : { reader: HELP_READER, fingerprint, at, error: result.error, ...(streak === undefined ? {} : { transient: streak }) };
  try {
    await makeDirs(dir, 0o700);
    await writeAtomic(cachePath(dir, name), `${JSON.stringify(file, null, 2)}\n`, false);
  } catch {
    // read-only queue, full disk: introspection just runs again next time
  }
}
