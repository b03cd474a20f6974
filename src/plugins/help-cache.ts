// What a plugin's --help said, kept on disk (plugins/.cache/<name>.json) so that
// `mcpq plugins`, `mcpq submit --plugin` and a starting daemon do not run every
// plugin's help again; valid while the entry file's fingerprint (path, mtime, size)
// is the same. Stored as a manifest, so reading it back is the manifest's validation.
// A cache that cannot be read or written is simply not used.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeAtomic } from '../queue/files.js';
import { manifestOf, specFromManifest } from './manifest.js';
import type { PluginSpec } from './spec.js';
import { makeDirs } from '../queue/make-dirs.js';

const cacheFileSchema = z.object({ fingerprint: z.string(), manifest: z.unknown() });

function cachePath(dir: string, name: string): string {
  return join(dir, `${name}.json`);
}

export async function readCachedSpec(dir: string, name: string, fingerprint: string): Promise<PluginSpec | undefined> {
  try {
    const file = cacheFileSchema.safeParse(JSON.parse(await readFile(cachePath(dir, name), 'utf8')));
    if (!file.success || file.data.fingerprint !== fingerprint) return undefined;
    const parsed = specFromManifest(file.data.manifest, name);
    return parsed.ok ? Object.freeze({ ...parsed.spec, source: '--help' }) : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCachedSpec(dir: string, name: string, fingerprint: string, spec: PluginSpec): Promise<void> {
  try {
    await makeDirs(dir, 0o700);
    await writeAtomic(cachePath(dir, name), `${JSON.stringify({ fingerprint, manifest: manifestOf(spec) }, null, 2)}\n`, false);
  } catch {
    // read-only queue, full disk: introspection just runs again next time
  }
}
