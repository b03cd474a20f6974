// A job's output through the MCP tools, when it is large, binary or cut in the middle
// of a character: every answer fits in one MCP message (the client drops the
// connection past 10 MiB), every offset is a true byte offset, and a reader who goes
// on from next_offset always gets further.
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, type TempQueue } from '../helpers/mcpq.js';
import { connect } from './client.js';

const FAST = ['--kill-grace', '1', '--settle', '300', '--rescan', '200', '--lease', '2'];

async function ran(q: TempQueue) {
  await startDaemon(q.root, FAST, { XDG_CONFIG_HOME: q.dir });
  return connect(q);
}

describe('job output through MCP', () => {
  it('is sent in slices that fit one message, even when every byte of it is escaped in JSON', async () => {
    const q = tempQueue();
    const mcp = await ran(q);
    // 1.1 MB of NUL bytes: 6.6 MB once escaped in JSON, and each answer carries it twice.
    const done = await mcp.client.callTool({ name: 'submit_job', arguments: { command: 'head -c 1100000 /dev/zero; head -c 1100000 /dev/zero >&2', id: 'nul', wait_seconds: 20 } });
    expect(done.isError).toBeFalsy();
    const record = (done.structuredContent as any).record;
    expect(record.result).toMatchObject({ status: 'completed', truncated: true, stdout_bytes: 1_100_000, stderr_bytes: 1_100_000 });
    expect(record.result.stdout).toBe('\0'.repeat(8 * 1024)); // its last 8 KiB
    expect((done.content as { text: string }[])[0]!.text).toMatch(/stdout and stderr show their last 8 KiB here \(get_job_output reads nul's whole output\)$/);

    const slice = await mcp.client.callTool({ name: 'get_job_output', arguments: { id: 'nul', limit: 1024 * 1024 } });
    expect(slice.isError).toBeFalsy();
    const data = slice.structuredContent as any;
    expect(data.offset).toBe(0);
    expect(data.next_offset).toBeGreaterThan(0);
    expect(data.next_offset).toBeLessThan(1024 * 1024);
    expect(data.text).toBe('\0'.repeat(data.next_offset));
    expect((slice.content as { text: string }[])[0]!.text).toMatch(/this output takes much more room escaped in JSON/);
    expect(JSON.stringify(slice).length).toBeLessThan(8 * 1024 * 1024);

    expect((await mcp.call('get_job', { id: 'nul' })).record.result.stderr).toHaveLength(8 * 1024);
    expect((await mcp.call('queue_status')).counts.completed).toBe(1); // the session goes on
  });

  it('tails by bytes: exact offsets through invalid UTF-8, and at most limit bytes of one long line', async () => {
    const q = tempQueue();
    const mcp = await ran(q);
    // 12 bytes: "ok", two invalid bytes, NUL, "bin\n", a lone lead byte, "x\n".
    await mcp.call('submit_job', { command: "printf 'ok\\377\\376\\000bin\\n\\303x\\n'", id: 'bin', wait_seconds: 20 });
    expect(await mcp.call('get_job_output', { id: 'bin', tail_lines: 1 })).toMatchObject({ offset: 9, next_offset: 12, size: 12, text: '\ufffdx\n' });
    expect(await mcp.call('get_job_output', { id: 'bin', tail_lines: 2 })).toMatchObject({ offset: 0, next_offset: 12 });

    await mcp.call('submit_job', { command: "head -c 3000000 /dev/zero | tr '\\0' a; echo; echo last", id: 'long', wait_seconds: 20 });
    expect(await mcp.call('get_job_output', { id: 'long', tail_lines: 1 })).toMatchObject({ text: 'last\n', offset: 3_000_001 });
    const cut = await mcp.client.callTool({ name: 'get_job_output', arguments: { id: 'long', tail_lines: 2, limit: 100 } });
    expect(cut.structuredContent).toMatchObject({ offset: 3_000_006 - 100, next_offset: 3_000_006, text: `${'a'.repeat(94)}\nlast\n` });
    expect((cut.content as { text: string }[])[0]!.text).toMatch(/its last 2 lines hold more than 100 bytes: only their end/);
    expect((await mcp.call('get_job_output', { id: 'long', tail_lines: 2 })).text).toHaveLength(64 * 1024); // the default limit
    expect(await mcp.fail('get_job_output', { id: 'long', tail_lines: 2, offset: 10 })).toBe('give offset or tail_lines, not both: tail_lines reads the end of the output');
  });

  it('moves on when the limit is smaller than a character', async () => {
    const q = tempQueue();
    const mcp = await ran(q);
    await mcp.call('submit_job', { command: "printf 'ééé€'", id: 'utf', wait_seconds: 20 });
    const texts: string[] = [];
    for (let offset = 0, reads = 0; reads < 10; reads += 1) {
      const slice = await mcp.call('get_job_output', { id: 'utf', offset, limit: 1 });
      expect(slice.next_offset).toBeGreaterThan(offset);
      texts.push(slice.text);
      offset = slice.next_offset;
      if (offset >= slice.size) break;
    }
    expect(texts).toEqual(['é', 'é', 'é', '€']);
    expect(await mcp.call('get_job_output', { id: 'utf', offset: 0, limit: 3 })).toMatchObject({ text: 'é', next_offset: 2 });
  });
});
