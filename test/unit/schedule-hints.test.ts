import { describe, expect, it } from 'vitest';
import { scheduleHints } from '../../src/core/schedule-hints.js';

const at = Date.parse('2026-01-01T00:00:00Z');
const hints = (name: string, text: string | Buffer) => scheduleHints(name, typeof text === 'string' ? Buffer.from(text) : text, at);

describe('scheduleHints', () => {
  it.each([
    ['an empty file', 'a.json', ''],
    ['JSON being written', 'a.json', '{"command": '],
    ['an unknown format', 'a.yaml', 'command: x'],
    ['binary bytes', 'a.sh', Buffer.from([0x7f, 0x00, 0x01])],
  ])('waits for %s to be stable', (_, name, text) => {
    expect(hints(name, text)).toMatchObject({ waitStable: true, wantedId: 'a' });
  });

  it.each([
    ['{"command":"x","priority":"high"}', { priority: 10 }],
    ['{"command":"x","priority":-3}', { priority: -3 }],
    ['{"command":"x","priority":"urgent"}', { priority: 0 }],
    ['{"command":"x","after":["a","b"]}', { after: ['a', 'b'] }],
    ['{"command":"x","after":["a",5,"b"]}', { after: [] }],
    ['{"command":"x","after":["a","../x"]}', { after: [] }],
    ['{"command":"x","after":"a"}', { after: [] }],
    ['{"command":"x","not_before":60}', { notBefore: at + 60_000 }],
    ['{"command":"x","not_before":"2026-02-01T00:00:00Z"}', { notBefore: Date.parse('2026-02-01T00:00:00Z') }],
    ['{"command":"x","not_before":"soon"}', { notBefore: undefined }],
    ['{"command":"x","not_before":60,"_mcpq":{"retry_at":1}}', { notBefore: at + 60_000 }],
    ['{"command":"x","_mcpq":{"retry_at":9999999999999}}', { notBefore: 9999999999999 }],
    ['{"command":"x","_mcpq":{"retry_at":1e300}}', { notBefore: undefined }],
    ['{"command":"x","not_before":5,"_mcpq":{"submitted_at":1e300}}', { notBefore: at + 5_000 }],
    ['{"plugin":"notes"}', { group: 'notes', plugin: 'notes', explicitGroup: false }],
    ['{"plugin":"notes","group":"g"}', { group: 'g', explicitGroup: true }],
    ['{"command":"x","task_id":"t"}', { wantedId: 't' }],
    ['{"command":"x","task_id":"../bad"}', { wantedId: 'job' }],
    ['{"command":"x","task_id":"t","_mcpq":{"id":"m"}}', { wantedId: 'm' }],
    ['[1,2]', { waitStable: false, wantedId: 'job' }],
  ])('reads %s', (text, expected) => {
    expect(hints('job.json', text)).toMatchObject(expected);
  });

  it('takes the id of a put-back script from its name', () => {
    expect(hints('build~2.sh', 'echo')).toMatchObject({ wantedId: 'build', waitStable: false });
  });
});
