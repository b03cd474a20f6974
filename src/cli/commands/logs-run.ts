// The logs command's body. Reading and following live in jobs/output.ts; this file
// decides which stream goes to which file descriptor.
import { ExitCode, McpqError } from '../../core/errors.js';
import { exitCodeOf } from '../../core/outcome.js';
import { locate } from '../../jobs/find.js';
import { attemptOf, followOutput, readOutput, tailOutput } from '../../jobs/output.js';
import type { LogStream, OutputSlice } from '../../jobs/types.js';
import { layoutOf, type QueueLayout } from '../../queue/layout.js';
import { resolveQueueRoot } from '../queue-root.js';
import { sayWhyItMayWait } from '../wait.js';
import type { LogsFlags } from './logs.js';

const CHUNK = 1024 * 1024;

export async function runLogs(queue: string | undefined, ref: string, flags: LogsFlags): Promise<number> {
  if (flags.json && flags.follow) throw new McpqError('--json and --follow do not go together: --json prints what there is now', ExitCode.usage);
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const job = await locate(layout, ref);
  const streams: LogStream[] = flags.stdout === flags.stderr ? ['stdout', 'stderr'] : flags.stderr ? ['stderr'] : ['stdout'];
  // One stream asked for goes to stdout, whichever it is; both keep their own.
  const out = (stream: LogStream): NodeJS.WritableStream => (streams.length === 1 || stream === 'stdout' ? process.stdout : process.stderr);

  if (flags.json) {
    const slices = await Promise.all(streams.map((s) => (flags.tail === undefined ? readOutput(layout, job.id, s) : tailOutput(layout, job.id, s, flags.tail).then((t) => t.slice))));
    process.stdout.write(`${JSON.stringify({ id: job.id, state: job.state, ...Object.fromEntries(slices.map((s) => [s.stream, s])) }, null, 2)}\n`);
    return ExitCode.ok;
  }
  // Whose output this is, looked up before it is read: -f must know a new attempt's
  // shorter log from a cut of the one it showed.
  const attempt = flags.follow ? await attemptOf(layout, job.id) : undefined;
  const offsets: Partial<Record<LogStream, number>> = {};
  const notYet: LogStream[] = []; // streams of an unfinished job with nothing in them yet
  for (const stream of streams) {
    const last = flags.tail === undefined ? await copyStream(layout, job.id, stream, out(stream)) : (await tailOutput(layout, job.id, stream, flags.tail)).slice;
    if (flags.tail !== undefined) out(stream).write(last.text);
    offsets[stream] = last.next_offset;
    if (last.source === 'record' && last.truncated) process.stderr.write(`mcpq: the log of ${job.id}'s ${stream} is gone; this is the end the record kept\n`);
    if (last.source === 'log' && last.truncated) process.stderr.write(`mcpq: ${job.id}'s ${stream} was cut at ${last.size} bytes (mcpq daemon --max-log); the record keeps its end: mcpq show --json ${job.id}\n`);
    if (!last.finished && last.size === 0) notYet.push(stream);
  }
  // Printing nothing at all would look like a job that printed nothing.
  if (!flags.follow && notYet.length === streams.length) {
    process.stderr.write(`mcpq: ${job.id} is ${job.state}; no ${streams.length === 1 ? streams[0] : 'output'} yet (mcpq logs -f follows it)\n`);
  }
  if (!flags.follow) return ExitCode.ok;
  if (job.state === 'pending' || job.state === 'running') await sayWhyItMayWait(layout, `${job.id} waits`);
  const record = await followOutput(layout, job.id, streams, (stream, text) => out(stream).write(text), { shown: { offsets, attempt } });
  return record === undefined ? ExitCode.failure : exitCodeOf(record.result as { status: string });
}

// The whole stream in chunks, so that a large log never sits in memory at once.
async function copyStream(layout: QueueLayout, id: string, stream: LogStream, to: NodeJS.WritableStream): Promise<OutputSlice> {
  let offset = 0;
  for (;;) {
    const slice = await readOutput(layout, id, stream, { offset, limit: CHUNK });
    to.write(slice.text);
    if (slice.next_offset >= slice.size || slice.next_offset === offset) return slice;
    offset = slice.next_offset;
  }
}
