// Reading jobs: get_job (one job in whatever state, by id or unique prefix), list_jobs
// (the queue, like `mcpq list`) and get_job_output (a job's stdout or stderr, a slice
// at a time, so that a large log never floods the agent's context). The data is
// computed by src/jobs/, the same as the CLI's --json.
import type { McpServer } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { ExitCode, McpqError } from '../../core/errors.js';
import { locate } from '../../jobs/find.js';
import { listJobs } from '../../jobs/list.js';
import { readOutput, tailOutput, type Tail } from '../../jobs/output.js';
import { getJob } from '../../jobs/show.js';
import { parseStates } from '../../jobs/types.js';
import type { McpContext } from '../context.js';
import { jobLine, orphanLine } from '../describe.js';
import { cutNote, RECORD_OUTPUT_BYTES, shownRecord } from '../records.js';
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

// How much room one slice of output may take escaped in JSON. Its text travels twice
// in the answer (structured and as text), and an MCP client reads at most 10 MiB in
// one message (the SDK's stdio limit) and drops the connection past that: output full
// of control characters (a NUL byte is six in JSON) is read in smaller slices.
const MAX_TEXT_JSON_BYTES = 2 * 1024 * 1024;

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}

export function registerJobTools(server: McpServer, { layout, plugins }: McpContext): void {
  server.registerTool(
    'get_job',
    {
      title: 'Get a job',
      description:
        `One job by id (or a unique prefix of one): pending (its place in the run order and why it waits), running (for how long, where), or finished (its record: status, exit code, the last ${RECORD_OUTPUT_BYTES / 1024} KiB of stdout and stderr, timing). The full output is in get_job_output.`,
      inputSchema: getJobInput,
      outputSchema: jobOutput,
      annotations: READ_ONLY,
    },
    guarded(async ({ id }: z.infer<typeof getJobInput>) => {
      const found = await getJob(layout, id, { pluginParallel: plugins.isParallel, pluginWait: plugins.waitOf, pluginArgs: plugins.pluginArgs });
      const shown = 'record' in found ? shownRecord(found.record) : undefined;
      const detail = shown === undefined ? found : { ...found, record: shown.record };
      const data: Described<z.infer<typeof jobOutput>> = detail;
      const line = detail.state === 'running' && !detail.daemon_alive ? orphanLine(detail) : jobLine(detail);
      return answer(`${line}${shown?.cut ? cutNote(detail.id) : ''}`, data);
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
      const listing = await listJobs(layout, { ...(state === undefined ? {} : { states: parseStates(state) }), limit, pluginParallel: plugins.isParallel, pluginWait: plugins.waitOf, pluginArgs: plugins.pluginArgs });
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
    guarded(async ({ id, stream = 'stdout', offset, limit = DEFAULT_OUTPUT_LIMIT, tail_lines: tail }: z.infer<typeof outputInput>) => {
      if (offset !== undefined && tail !== undefined) throw new McpqError('give offset or tail_lines, not both: tail_lines reads the end of the output', ExitCode.usage);
      const job = await locate(layout, id);
      const readUpTo = async (bytes: number): Promise<Tail> =>
        tail === undefined ? { slice: await readOutput(layout, job.id, stream, { offset: offset ?? 0, limit: bytes }), cut: false } : tailOutput(layout, job.id, stream, tail, bytes);
      let bytes = limit;
      let read = await readUpTo(bytes);
      for (let escaped = jsonBytes(read.slice.text); escaped > MAX_TEXT_JSON_BYTES && bytes > 1; escaped = jsonBytes(read.slice.text)) {
        bytes = Math.max(1, Math.floor((bytes * MAX_TEXT_JSON_BYTES) / escaped));
        read = await readUpTo(bytes);
      }
      const slice = read.slice;
      const data: Described<z.infer<typeof outputSliceOutput>> = slice;
      const end = slice.next_offset;
      const more = end < slice.size ? `; more from offset ${end}` : slice.finished ? '; the end' : '; the job is still running, more may come';
      const cut = !slice.truncated ? '' : slice.source === 'log' ? ' (the log kept only the first bytes; the record keeps the end: get_job)' : ' (only the end was kept)';
      const longLines = read.cut ? ` (its last ${tail} lines hold more than ${bytes} bytes: only their end${bytes < limit ? '' : '; a larger limit shows more'})` : '';
      const escapes = bytes < limit ? ` (${bytes} bytes at most, not ${limit}: this output takes much more room escaped in JSON)` : '';
      const summary =
        slice.source === 'none'
          ? `job ${job.id} has no ${stream} yet (${job.state})`
          : slice.offset > slice.size
            ? `${stream} of job ${job.id} has ${slice.size} bytes: offset ${slice.offset} is past its end`
            : `${stream} of job ${job.id}: bytes ${slice.offset}-${end} of ${slice.size}${more}${cut}${longLines}${escapes}`;
      return answer(summary, data, slice.text);
    }),
  );
}
