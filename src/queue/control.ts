// Requests to daemons travel through the queue directory, not a socket, so they reach
// whichever daemon, on whichever host, holds the job: a client publishes
// control/cancel-<id>.json (complete, never seen half-written: files.ts publishFile);
// every daemon looks at control/ and the one running that job acts and removes the
// request. Requests for jobs that already have a record are stale and may be removed
// by anyone.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errnoCode } from '../core/errors.js';
import { publishFile, unlinkIfExists } from './files.js';
import type { QueueLayout } from './layout.js';
import { isIgnoredName } from './names.js';

export const cancelRequestSchema = z.looseObject({
  action: z.literal('cancel'),
  id: z.string(),
  by: z.string(), // who asked, for the record's error ("cancelled by alice@host")
  requested_at: z.string(),
});
export type CancelRequest = z.infer<typeof cancelRequestSchema>;

export interface ControlRequest {
  readonly name: string; // file name in control/
  readonly request: CancelRequest;
}

// Returns the request's file name in control/.
export async function requestCancel(layout: QueueLayout, id: string, by: string, now = new Date()): Promise<string> {
  const request: CancelRequest = { action: 'cancel', id, by, requested_at: now.toISOString() };
  return publishFile(layout.control, `cancel-${id}.json`, `${JSON.stringify(request)}\n`);
}

// Every well-formed request; anything else in control/ is left alone.
export async function readRequests(layout: QueueLayout): Promise<ControlRequest[]> {
  let names: string[];
  try {
    names = (await readdir(layout.control)).filter((n) => !isIgnoredName(n) && n.endsWith('.json'));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  const requests = await Promise.all(
    names.map(async (name): Promise<ControlRequest | undefined> => {
      try {
        const parsed = cancelRequestSchema.safeParse(JSON.parse(await readFile(join(layout.control, name), 'utf8')));
        return parsed.success ? { name, request: parsed.data } : undefined;
      } catch {
        return undefined; // removed meanwhile, or not ours to read
      }
    }),
  );
  return requests.filter((r) => r !== undefined);
}

export async function removeRequest(layout: QueueLayout, name: string): Promise<void> {
  await unlinkIfExists(join(layout.control, name));
}
