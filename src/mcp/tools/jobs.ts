// Reading jobs: get_job (one job in whatever state, by id or unique prefix), list_jobs
// (the queue, like `mcpq list`) and get_job_output (a job's stdout or stderr, a slice
// at a time, so that a large log never floods the agent's context). The data is
// computed by src/jobs/, the same as the CLI's --json.
import type { McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { locate } from '../../jobs/find.js';
import { listJobs } from '../../jobs/list.js';
import { readOutput, tailOutput } from '../../jobs/output.js';
import { getJob } from '../../jobs/show.js';
import { parseStates } from '../../jobs/types.js';
import type { McpContext } from '../context.js';
import { jobLine } from '../describe.js';
import { answer, guarded } from '../result.js';
import {
  DEFAULT_LIST_LIMIT,
  DEFAULT_OUTPUT_LIMIT,
  getJobInput,
  jobOutput,
  listJobsInput,
  listOutput,
  outputInput,
  outputSliceOutput,
  type Described,
} from '../schemas.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

export function registerJobTools(server: McpServer, { layout, plugins }: McpContext): void {
  server.registerTool(
    'get_job',
    {
      title: 'Get a job',
      description:
        'One job by id (or a unique prefix of one): pending (its place in the run order and why it waits), running (for how long, where), or finished (its full record: status, exit code, stdout/stderr tails, timing). The full output is in get_job_output.',
      inputSchema: getJobInput,
      outputSchema: jobOutput,
      annotations: READ_ONLY,
    },
    guarded(async ({ id }: z.infer<typeof getJobInput>) => {
      const detail = await getJob(layout, id, { pluginParallel: plugins.isParallel });
      const data: Described<z.infer<typeof jobOutput>> = detail;
      return answer(jobLine(detail), data);
    }),
  );

  server.registerTool(
    'list_jobs',
    {
      title: 'List jobs',
      description: 'The queue: pending jobs in run order with why each waits, running jobs, and the newest finished jobs, with the total per state.',
      inputSchema: listJobsInput,
      outputSchema: listOutput,
      annotations: READ_ONLY,
    },
    guarded(async ({ state, limit = DEFAULT_LIST_LIMIT }: z.infer<typeof listJobsInput>) => {
      const listing = await listJobs(layout, { ...(state === undefined ? {} : { states: parseStates(state) }), limit, pluginParallel: plugins.isParallel });
      const data: Described<z.infer<typeof listOutput>> = {
        ...listing,
        pending: listing.pending.slice(0, limit),
        running: listing.running.slice(0, limit),
      };
      const t = listing.totals;
      const lines = [...listing.pending.slice(0, limit), ...listing.running.slice(0, limit), ...listing.finished].map(jobLine);
      const summary = `${t.pending} pending, ${t.running} running, ${t.completed} completed, ${t.failed} failed in ${listing.queue}`;
      return answer(summary, data, lines.length === 0 ? 'no jobs' : lines.join('\n'));
    }),
  );

  server.registerTool(
    'get_job_output',
    {
      title: "Read a job's output",
      description: `A job's stdout or stderr, complete (from its log file), ${DEFAULT_OUTPUT_LIMIT / 1024} KiB at a time by default: pass next_offset as offset to read on, or tail_lines for the end. Works while the job runs ("finished": false means more may come).`,
      inputSchema: outputInput,
      outputSchema: outputSliceOutput,
      annotations: READ_ONLY,
    },
    guarded(async ({ id, stream = 'stdout', offset = 0, limit = DEFAULT_OUTPUT_LIMIT, tail_lines: tail }: z.infer<typeof outputInput>) => {
      const job = await locate(layout, id);
      const slice = tail === undefined ? await readOutput(layout, job.id, stream, { offset, limit }) : await tailOutput(layout, job.id, stream, tail);
      const data: Described<z.infer<typeof outputSliceOutput>> = slice;
      const end = slice.next_offset;
      const more = end < slice.size ? `; more from offset ${end}` : slice.finished ? '; the end' : '; the job is still running, more may come';
      const cut = !slice.truncated ? '' : slice.source === 'log' ? ' (the log kept only the first bytes; the record keeps the end: get_job)' : ' (only the end was kept)';
      const summary =
        slice.source === 'none'
          ? `job ${job.id} has no ${stream} yet (${job.state})`
          : slice.offset > slice.size
            ? `${stream} of job ${job.id} has ${slice.size} bytes: offset ${slice.offset} is past its end`
            : `${stream} of job ${job.id}: bytes ${slice.offset}-${end} of ${slice.size}${more}${cut}`;
      return answer(summary, data, slice.text);
    }),
  );
}
