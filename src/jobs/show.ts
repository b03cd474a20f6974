// `mcpq show` (and MCP get_job): one job in whatever state it is. A job may move on
// while we look (claimed, finished); then we look again where it went. The job object
// or record shown is redacted (core/redact.ts): the files keep what was submitted.
import { stat } from 'node:fs/promises';
import { ExitCode, McpqError } from '../core/errors.js';
import { noPluginArgs, type KnownPlugins } from '../core/plugin-args.js';
import { pluginsNamed, redactJob } from '../core/redact.js';
import { recordPath, type QueueLayout } from '../queue/layout.js';
import { listDaemons } from '../queue/owner.js';
import { finishedJobOf, readRecordSafely } from './finished.js';
import { locate, locateExact, type Located } from './find.js';
import { listJobs, type ListOptions } from './list.js';
import { readPendingFile } from './pending.js';
import { retriesOf } from './retry.js';
import { readClaimedJob, runningJobOf } from './running.js';
import type { JobDetail } from './types.js';

const LOOKS = 3;

type ShowOptions = Pick<ListOptions, 'pluginParallel' | 'pluginWait' | 'pluginArgs'>;

// `pluginParallel`, `pluginWait`, `pluginArgs`: see ListOptions.
export async function getJob(layout: QueueLayout, ref: string, options: ShowOptions = {}): Promise<JobDetail> {
  const now = Date.now();
  let located = await locate(layout, ref);
  for (let look = 1; ; look += 1) {
    const detail = await detailOf(layout, located, now, options);
    if (detail !== undefined) return detail;
    const moved = look < LOOKS ? await locateExact(layout, located.id) : undefined;
    if (moved === undefined) throw new McpqError(`job ${located.id} vanished while it was read (cleaned?)`, ExitCode.notFound);
    located = moved;
  }
}

async function detailOf(layout: QueueLayout, job: Located, now: number, options: ShowOptions): Promise<JobDetail | undefined> {
  const knownOf = async (object: Readonly<Record<string, unknown>> | undefined): Promise<KnownPlugins> =>
    (options.pluginArgs ?? noPluginArgs)(pluginsNamed([object]));
  switch (job.state) {
    case 'pending': {
      const [listing, file] = await Promise.all([listJobs(layout, { states: ['pending'], now, ...options }), readPendingFile(layout, job.name)]);
      const item = listing.pending.find((p) => p.name === job.name);
      if (item === undefined || file === undefined) return undefined;
      const object = shown(file.loaded.object, await knownOf(file.loaded.object));
      return { ...item, of: listing.pending.length, job: object, error: file.loaded.ok ? null : file.loaded.error };
    }
    case 'running': {
      const [file, daemons] = await Promise.all([readClaimedJob(layout, job.claim), listDaemons(layout)]);
      const alive = daemons.some((d) => d.alive && d.info.tag === job.claim.tag);
      const known = await knownOf(file.loaded?.object);
      return { ...runningJobOf(file, now, known), claim: job.claim, daemon_alive: alive, job: shown(file.loaded?.object, known) };
    }
    case 'completed':
    case 'failed': {
      const path = recordPath(layout, job.state, job.id);
      const [record, st] = await Promise.all([readRecordSafely(layout, job.id), stat(path).catch(() => undefined)]);
      if (st === undefined) return undefined;
      if (record === undefined) throw new McpqError(`${path} is not a valid record (JSON with a "result" object)`, ExitCode.failure);
      const known = await knownOf(record);
      const finished = finishedJobOf({ id: job.id, state: job.state, mtimeMs: st.mtimeMs }, record, now, known);
      return { ...finished, record: redactJob(record, known), retried_as: await retriesOf(layout, job.id) };
    }
  }
}

function shown(job: Readonly<Record<string, unknown>> | undefined, known: KnownPlugins): Readonly<Record<string, unknown>> | null {
  return job === undefined ? null : redactJob(job, known);
}
