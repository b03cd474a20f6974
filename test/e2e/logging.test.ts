// daemon.log is NDJSON with a line per claim, start and finish; secrets never reach it.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

function logLines(path: string): Record<string, any>[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('daemon.log', () => {
  it('has one NDJSON line per claim, start and finish', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    q.drop('j.json', JSON.stringify({ command: 'echo', args: ['hi'] }));
    await waitForRecord(q, 'j');
    await daemon.stop();
    const events = logLines(q.path('daemon.log')).filter((l) => l.id === 'j').map((l) => l.event);
    expect(events).toEqual(['claim', 'start', 'finish']);
    const finish = logLines(q.path('daemon.log')).find((l) => l.event === 'finish')!;
    expect(finish).toMatchObject({ level: 30, status: 'completed', returncode: 0 });
    expect(typeof finish.time).toBe('number');
  });

  it('holds what happened just before a kill -9, even right after the start', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    q.drop('k.json', JSON.stringify({ command: 'sleep 0.3' }));
    await waitForRecord(q, 'k');
    await daemon.stop('SIGKILL'); // well before the first heartbeat
    const events = logLines(q.path('daemon.log')).map((l) => `${l.event}${l.id ? ` ${l.id}` : ''}`);
    expect(events).toEqual(expect.arrayContaining(['daemon_start', 'claim k', 'start k']));
  });

  it('redacts env values and arguments whose names look secret', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    q.drop('s1.json', JSON.stringify({ command: 'true', env: { API_TOKEN: 's3cr3t', PLAIN: 'visible' } }));
    q.drop('s2.json', JSON.stringify({ command: 'echo', args: ['--password', 'hunter2', 'DB_PASSWORD=pa55', '--ok', 'fine'] }));
    q.drop('s3.json', JSON.stringify({ command: 'curl -H "Authorization: Bearer tok123" --token abc999 https://x AUTH_KEY=zz9' }));
    for (const id of ['s1', 's2', 's3']) await waitForRecord(q, id);
    await daemon.stop();
    const log = readFileSync(q.path('daemon.log'), 'utf8');
    for (const secret of ['s3cr3t', 'hunter2', 'pa55', 'tok123', 'abc999', 'zz9']) expect(log).not.toContain(secret);
    expect(log).toContain('visible');
    expect(log).toContain('fine');
  });

  it('redacts secret headers and URL passwords, in exec form and in shell lines', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    const exec = ['-H', 'Authorization: Bearer hdr123', '--header=Cookie: sid=ck456', '-H', 'X-Api-Key: key789', 'https://me:pw012@localhost/x'];
    q.drop('h1.json', JSON.stringify({ command: 'echo', args: exec }));
    q.drop('h2.json', JSON.stringify({ command: 'echo -H "Authorization: Bearer sh345" http://after/ https://me:pw678@localhost/x' }));
    for (const id of ['h1', 'h2']) await waitForRecord(q, id);
    await daemon.stop();
    const log = readFileSync(q.path('daemon.log'), 'utf8');
    for (const secret of ['hdr123', 'ck456', 'key789', 'pw012', 'sh345', 'pw678']) expect(log).not.toContain(secret);
    const start = (id: string) => logLines(q.path('daemon.log')).find((l) => l.event === 'start' && l.id === id)!;
    expect(start('h1').run.args).toEqual(['-H', 'Authorization: Bearer [redacted]', '--header=Cookie: [redacted]', '-H', 'X-Api-Key: [redacted]', 'https://me:[redacted]@localhost/x']);
    expect(start('h2').run.command).toBe('echo -H "Authorization: Bearer [redacted]" http://after/ https://me:[redacted]@localhost/x');
  });

  it('redacts a plugin flag given by an alias of a secret option, or whose metavar looks secret', async () => {
    const q = tempQueue();
    mkdirSync(q.path('plugins', 'vault'), { recursive: true });
    writeFileSync(q.path('plugins', 'vault', 'cli.sh'), 'true\n');
    writeFileSync(q.path('plugins', 'vault', 'plugin.json'), JSON.stringify({ args: { token: { aliases: ['t'] }, k: { metavar: 'API_KEY' }, user: { aliases: ['u'] } } }));
    const daemon = await startDaemon(q.root);
    q.drop('p1.json', JSON.stringify({ plugin: 'vault', args: { t: 'tk123', k: 'ak456', u: 'bob' } }));
    await waitForRecord(q, 'p1');
    await daemon.stop();
    const log = readFileSync(q.path('daemon.log'), 'utf8');
    for (const secret of ['tk123', 'ak456']) expect(log).not.toContain(secret);
    const start = logLines(q.path('daemon.log')).find((l) => l.event === 'start' && l.id === 'p1')!;
    expect(start.run).toEqual({ kind: 'plugin', plugin: 'vault', args: { t: '[redacted]', k: '[redacted]', u: 'bob' } });
  });

  it('rotates by size', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root, ['--max-daemon-log', '4096']);
    for (let i = 0; i < 30; i += 1) q.drop(`r${i}.json`, JSON.stringify({ command: 'true', args: [] }));
    await waitFor(() => q.files('completed').length === 30, { what: '30 records' });
    await daemon.stop();
    const logs = readdirSync(q.root).filter((n) => n.startsWith('daemon.log'));
    expect(logs).toEqual(expect.arrayContaining(['daemon.log', 'daemon.log.1']));
    expect(logs.length).toBeLessThanOrEqual(4);
    for (const name of logs) logLines(q.path(name)); // every file is whole NDJSON
  });
});
