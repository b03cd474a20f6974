// Priorities, retries, dependencies, pipelines, delays and groups, end to end.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mcpq, startDaemon, tempQueue, waitFor, waitForRecord } from '../helpers/mcpq.js';

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

// Start/end times (ms) per job id from a ledger the jobs append to.
function spans(path: string): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  for (const line of lines(path)) {
    const [id, kind, ns] = line.split(' ');
    const span = out.get(id!) ?? { start: NaN, end: NaN };
    span[kind as 'start' | 'end'] = Number(BigInt(ns!) / 1_000_000n);
    out.set(id!, span);
  }
  return out;
}

const traced = (ledger: string, body: string) => `echo "$MCPQ_JOB_ID start $(date +%s%N)" >> ${ledger}; ${body}; s=$?; echo "$MCPQ_JOB_ID end $(date +%s%N)" >> ${ledger}; exit $s`;

describe('priority', () => {
  it('runs higher priority first, then the oldest', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'order');
    for (const [id, priority] of [['low', 'low'], ['plain', undefined], ['high', 'high'], ['five', 5], ['high2', 'high']] as const) {
      const args = ['submit', '-q', q.root, '--id', id, ...(priority === undefined ? [] : ['--priority', String(priority)]), '--shell', `echo ${id} >> ${ledger}`];
      expect((await mcpq(args)).exitCode).toBe(0);
    }
    await startDaemon(q.root);
    await waitFor(() => lines(ledger).length === 5, { what: 'five jobs' });
    expect(lines(ledger)).toEqual(['high', 'high2', 'five', 'plain', 'low']);
  });
});

describe('retries', () => {
  it('re-runs a failing job after delays that double, keeping every attempt', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const stamps = join(q.dir, 'stamps');
    q.drop('flaky.json', JSON.stringify({ command: `date +%s%N >> ${stamps}; [ $(wc -l < ${stamps}) -ge 3 ]`, retries: 3, retry_delay: 0.5 }));
    const rec = await waitForRecord(q, 'flaky');
    expect(rec.result).toMatchObject({ status: 'completed', attempts: 3 });
    expect(rec.result.earlier_attempts.map((a: { status: string; returncode: number }) => [a.status, a.returncode])).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
    const t = lines(stamps).map((ns) => Number(BigInt(ns) / 1_000_000n));
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(400); // 500 ms, jitter -20% at most
    expect(t[2]! - t[1]!).toBeGreaterThanOrEqual(800); // doubled
  });

  it('retries a timeout and records the final outcome', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--kill-grace', '0.5']);
    q.drop('slow.json', JSON.stringify({ command: 'sleep 5', timeout: 0.3, retries: 1, retry_delay: 0.1 }));
    const rec = await waitForRecord(q, 'slow');
    expect(rec.result).toMatchObject({ status: 'timeout', attempts: 2 });
    expect(rec.result.earlier_attempts).toMatchObject([{ attempt: 1, status: 'timeout' }]);
  });

  it('keeps an id taken from a file name that is no safe id (spaces, accents) across a retry', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('nightly résumé.json', JSON.stringify({ command: 'exit 3', retries: 1, retry_delay: 0.1 }));
    const rec = await waitForRecord(q, 'nightly résumé');
    expect(rec.result).toMatchObject({ status: 'failed', returncode: 3, attempts: 2 });
  });

  it('keeps the retries of a job that fails while the daemon stops, for the next daemon', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    const daemon = await startDaemon(q.root);
    await mcpq(['submit', '-q', q.root, '--id', 'flaky', '--retries', '1', '--retry-delay', '0.1', '--shell', `while [ ! -e ${gate} ]; do sleep 0.05; done; exit 3`]);
    await waitFor(() => existsSync(q.path('running', 'flaky.claim')), { what: 'flaky to start' });
    const stopped = daemon.stop();
    await waitFor(() => daemon.output().includes('finishing running jobs'), { what: 'the daemon to begin its stop' });
    writeFileSync(gate, '');
    expect(await stopped).toBe(0);
    expect(q.record('flaky')).toBeUndefined();
    expect(q.files('pending')).toEqual(['flaky.json']);
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'flaky')).result).toMatchObject({ status: 'failed', returncode: 3, attempts: 2 });
  });

  it('does not retry an invalid job', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    q.drop('bad.json', JSON.stringify({ command: 'true', retries: 3, timeout: 'x' }));
    const rec = await waitForRecord(q, 'bad');
    expect(rec.result).toMatchObject({ status: 'invalid', attempts: 0 });
  });
});

describe('dependencies', () => {
  it('waits for its dependency to complete, then runs', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'ledger');
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, ['--concurrency', '4']);
    await mcpq(['submit', '-q', q.root, '--id', 'first', '--shell', `while [ ! -e ${gate} ]; do sleep 0.05; done; echo first >> ${ledger}`]);
    await mcpq(['submit', '-q', q.root, '--id', 'second', '--after', 'first', '--shell', `echo second >> ${ledger}`]);
    await mcpq(['submit', '-q', q.root, '--id', 'free', '--shell', `echo free >> ${ledger}`]);
    await waitForRecord(q, 'free');
    expect(q.record('second')).toBeUndefined();
    writeFileSync(gate, '');
    await waitForRecord(q, 'second');
    expect(lines(ledger)).toEqual(['free', 'first', 'second']);
  });

  it('fails dependents as dependency_failed, naming the failed job, with no attempt counted for a job that never ran', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    await mcpq(['submit', '-q', q.root, '--id', 'breaks', '--shell', 'exit 3']);
    await mcpq(['submit', '-q', q.root, '--id', 'child', '--after', 'breaks', '--shell', 'echo never']);
    await mcpq(['submit', '-q', q.root, '--id', 'grandchild', '--after', 'child', '--shell', 'echo never']);
    expect((await waitForRecord(q, 'grandchild')).result).toMatchObject({ status: 'dependency_failed', dependency: 'child' });
    expect(q.record('child')!.result).toMatchObject({ status: 'dependency_failed', dependency: 'breaks', error: 'dependency breaks did not complete' });
    expect(q.record('child')!.result).toMatchObject({ attempts: 0, started_at: null }); // it never ran
  });

  it('refuses an unknown dependency at submit time, as show refuses its id, and fails a dropped file naming it', async () => {
    const q = tempQueue();
    const cli = await mcpq(['submit', '-q', q.root, '--after', 'ghost', '--', 'true']);
    expect(cli).toMatchObject({ exitCode: 4, stderr: `mcpq: no job "ghost" in ${q.root}; mcpq list shows the jobs\n` });
    expect(await mcpq(['show', '-q', q.root, 'ghost'])).toMatchObject({ exitCode: cli.exitCode, stderr: cli.stderr });
    expect(q.files('pending')).toEqual([]);
    await startDaemon(q.root, ['--settle', '300', '--rescan', '100']);
    q.drop('orphan.json', JSON.stringify({ command: 'true', after: ['ghost'] }));
    expect((await waitForRecord(q, 'orphan')).result).toMatchObject({ status: 'invalid', error: 'after: unknown job id "ghost"' });
  });

  it('waits for a dependency dropped in after the job that waits for it, once that dependency is seen', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    const started = join(q.dir, 'started');
    // No rescan during the test: only what the daemon learns from events counts.
    await startDaemon(q.root, ['--concurrency', '3', '--settle', '1', '--rescan', '60000']);
    q.drop('waits.json', JSON.stringify({ command: 'true', after: ['late'] }));
    q.drop('m1.json', JSON.stringify({ command: 'true' }));
    await waitForRecord(q, 'm1'); // `waits` was indexed meanwhile, and `late` found nowhere
    q.drop('late.json', JSON.stringify({ command: `touch ${started}; while [ ! -e ${gate} ]; do sleep 0.05; done` }));
    await waitFor(() => existsSync(started), { what: 'late to start' });
    q.drop('m2.json', JSON.stringify({ command: 'true' }));
    await waitForRecord(q, 'm2'); // the daemon looked at `waits` again
    expect(q.record('waits')).toBeUndefined();
    writeFileSync(gate, '');
    expect((await waitForRecord(q, 'waits')).result.status).toBe('completed');
  });

  it('takes a unique prefix in --after, as show does, and writes the full id; an ambiguous one is refused with show\'s error', async () => {
    const q = tempQueue();
    await mcpq(['submit', '-q', q.root, '--id', 'build-old', '--', 'true']);
    await mcpq(['submit', '-q', q.root, '--id', 'build-new', '--', 'true']);
    const dep = await mcpq(['submit', '-q', q.root, '--id', 'dep', '--after', 'build-o', '--after', 'build-new', '--', 'true']);
    expect(dep.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(q.path('pending', 'dep.json'), 'utf8')).after).toEqual(['build-old', 'build-new']);
    const ambiguous = await mcpq(['submit', '-q', q.root, '--after', 'build', '--', 'true']);
    expect(ambiguous).toMatchObject({ exitCode: 4, stderr: 'mcpq: "build" matches 2 jobs: build-new (pending), build-old (pending); give more of the id\n' });
    expect(await mcpq(['show', '-q', q.root, 'build'])).toMatchObject({ exitCode: ambiguous.exitCode, stderr: ambiguous.stderr });
    expect(q.files('pending')).toEqual(['build-new.json', 'build-old.json', 'dep.json']);
  });

  it('waits for the new job that took a cleaned job’s id, not for what the old one did', async () => {
    const q = tempQueue();
    const gate = join(q.dir, 'gate');
    await startDaemon(q.root, ['--concurrency', '2']);
    expect((await mcpq(['submit', '-q', q.root, '--id', 'build', '--wait', '--', 'false'])).exitCode).toBe(1);
    expect((await mcpq(['clean', '-q', q.root, '--older-than', '0'])).exitCode).toBe(0);
    await mcpq(['submit', '-q', q.root, '--id', 'build', '--shell', `while [ ! -e ${gate} ]; do sleep 0.05; done`]);
    await mcpq(['submit', '-q', q.root, '--id', 'deploy', '--after', 'build', '--', 'true']);
    await mcpq(['submit', '-q', q.root, '--id', 'free', '--wait', '--', 'true']); // deploy came first and was looked at
    expect(q.record('deploy')).toBeUndefined();
    writeFileSync(gate, '');
    expect((await waitForRecord(q, 'deploy')).result.status).toBe('completed');
  });

  it('fails jobs on a dependency cycle as invalid', async () => {
    const q = tempQueue();
    q.drop('a.json', JSON.stringify({ command: 'true', after: ['b'] }));
    q.drop('b.json', JSON.stringify({ command: 'true', after: ['a'] }));
    await startDaemon(q.root);
    expect((await waitForRecord(q, 'a')).result.error).toMatch(/dependency cycle a → b → a|dependency cycle b → a → b/);
    expect((await waitForRecord(q, 'b')).result.status).toBe('invalid');
  });
});

describe('pipelines', () => {
  it('a failed stage stops what is downstream and leaves independent branches alone', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--concurrency', '2']);
    const file = join(q.dir, 'p.json');
    writeFileSync(
      file,
      JSON.stringify({
        pipeline: 'branches',
        stages: [
          { name: 'root', command: 'echo data > "$MCPQ_QUEUE/results/${MCPQ_JOB_ID%.*}.txt"' },
          { name: 'bad', command: 'exit 1', after: ['root'] },
          { name: 'after-bad', command: 'true' },
          { name: 'good', command: 'cat "$MCPQ_QUEUE/results/${MCPQ_JOB_ID%.*}.txt"', after: ['root'] },
          { name: 'after-good', command: 'echo fine', after: ['good'] },
        ],
      }),
    );
    const submitted = await mcpq(['submit', '-q', q.root, '--json', file]);
    const { pipeline, jobs } = JSON.parse(submitted.stdout);
    expect(jobs).toEqual(['root', 'bad', 'after-bad', 'good', 'after-good'].map((s) => `${pipeline}.${s}`));
    const status = async (stage: string) => (await waitForRecord(q, `${pipeline}.${stage}`)).result;
    expect(await status('root')).toMatchObject({ status: 'completed' });
    expect(await status('bad')).toMatchObject({ status: 'failed', returncode: 1 });
    expect(await status('after-bad')).toMatchObject({ status: 'dependency_failed', dependency: `${pipeline}.bad` });
    expect(await status('good')).toMatchObject({ status: 'completed', stdout: 'data\n' });
    expect(await status('after-good')).toMatchObject({ status: 'completed' });
    const shown = await mcpq(['show', '-q', q.root, '--json', pipeline]);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      pipeline,
      name: 'branches',
      stages: [
        { stage: 'root', state: 'completed', status: 'completed' },
        { stage: 'bad', state: 'failed', status: 'failed', returncode: 1 },
        { stage: 'after-bad', state: 'failed', status: 'dependency_failed' },
        { stage: 'good', state: 'completed' },
        { stage: 'after-good', state: 'completed' },
      ],
    });
    expect((await mcpq(['show', '-q', q.root, pipeline])).stdout).toMatch(/5 stages, 3 completed · 1 failed · 1 dependency_failed/);
  });

  // show gave the failed first attempt of a stage, whatever its retries did since.
  it('show follows a retried stage to its newest retry', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const marker = join(q.dir, 'fixed');
    const file = join(q.dir, 'p.json');
    writeFileSync(file, JSON.stringify({ pipeline: 'fix', stages: [{ name: 'fetch', command: `test -e ${marker}` }, { name: 'use', command: 'true' }] }));
    const pipeline = (await mcpq(['submit', '-q', q.root, file])).stdout.trim();
    const stages = async () => JSON.parse((await mcpq(['show', '-q', q.root, '--json', pipeline])).stdout).stages;
    expect((await waitForRecord(q, `${pipeline}.use`)).result.status).toBe('dependency_failed');
    expect(await mcpq(['retry', '-q', q.root, `${pipeline}.fetch`])).toMatchObject({ exitCode: 0, stdout: `${pipeline}.fetch-r2\n` });
    expect((await waitForRecord(q, `${pipeline}.fetch-r2`)).result.status).toBe('failed');
    expect(await stages()).toMatchObject([{ stage: 'fetch', id: `${pipeline}.fetch-r2`, state: 'failed', status: 'failed', returncode: 1 }, { stage: 'use', id: `${pipeline}.use`, status: 'dependency_failed' }]);
    writeFileSync(marker, '');
    expect((await mcpq(['retry', '-q', q.root, `${pipeline}.fetch-r2`])).stdout).toBe(`${pipeline}.fetch-r3\n`);
    expect((await waitForRecord(q, `${pipeline}.fetch-r3`)).result.status).toBe('completed');
    expect((await mcpq(['retry', '-q', q.root, `${pipeline}.use`])).stdout).toBe(`${pipeline}.use-r2\n`);
    expect((await waitForRecord(q, `${pipeline}.use-r2`)).result.status).toBe('completed');
    expect(await stages()).toMatchObject([
      { stage: 'fetch', id: `${pipeline}.fetch-r3`, state: 'completed', status: 'completed' },
      { stage: 'use', id: `${pipeline}.use-r2`, state: 'completed', status: 'completed' },
    ]);
    const text = (await mcpq(['show', '-q', q.root, pipeline])).stdout;
    expect(text).toMatch(/2 stages, 2 completed\n/);
    expect(text).toMatch(new RegExp(`fetch +completed .*${pipeline}\\.fetch-r3\\n`));
  });

  it.each([
    [['--timeout', '5'], '--timeout'],
    [['--id', 'x'], '--id'],
    [['--priority', 'high'], '--priority'],
    [['--after', 'x'], '--after'],
    [['--retries', '2'], '--retries'],
    [['--env', 'A=1'], '--env'],
    [['--cwd', '/tmp'], '--cwd'],
    [['--wait', '--id', 'x', '-t', '5', '--json'], '--id, --timeout'],
  ])('refuses a pipeline with the job flags %j, naming them, and queues nothing', async (flags, named) => {
    const q = tempQueue();
    const file = join(q.dir, 'p.json');
    writeFileSync(file, JSON.stringify({ pipeline: 'p', stages: [{ name: 'a', command: 'true' }] }));
    const result = await mcpq(['submit', '-q', q.root, ...flags, file]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`mcpq: ${named}: ${file} is a pipeline, whose stages each set their own; a pipeline takes only --wait, --json, --queue\n`);
    expect(q.files('pending')).toEqual([]);
  });

  it('takes a relative stage cwd as the submitter\'s, as for a job file, and refuses a first stage\'s missing folder', async () => {
    const q = tempQueue();
    mkdirSync(join(q.dir, 'work'));
    const file = join(q.dir, 'p.json');
    writeFileSync(file, JSON.stringify({ pipeline: 'p', stages: [{ name: 'a', command: 'true', cwd: 'work' }, { name: 'b', command: 'true', cwd: 'made-by-a' }] }));
    const result = await mcpq(['submit', '-q', q.root, '--json', file], { cwd: q.dir });
    expect(result.exitCode).toBe(0);
    const jobs = (JSON.parse(result.stdout) as { jobs: string[] }).jobs.map((id) => JSON.parse(readFileSync(q.path('pending', `${id}.json`), 'utf8')));
    expect(jobs.map((j) => j.cwd)).toEqual([join(q.dir, 'work'), join(q.dir, 'made-by-a')]); // b waits for a, which may make it

    writeFileSync(file, JSON.stringify({ pipeline: 'p', stages: [{ name: 'a', command: 'true', cwd: 'nowhere' }] }));
    const refused = await mcpq(['submit', '-q', q.root, file], { cwd: q.dir });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(`mcpq: ${file}: stage "a": cwd ${join(q.dir, 'nowhere')}: no such directory; create it, or make the job wait for the one that does (--after ID)\n`);
    expect(q.files('pending')).toHaveLength(2);
  });

  it('runs the six-stage example pipeline, passing data from stage to stage', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const result = await mcpq(['submit', '-q', q.root, '--wait', 'queue-example/data-pipeline.json'], { timeout: 60_000 });
    expect(result.exitCode).toBe(0);
    const id = result.stdout.trim();
    const report = readFileSync(q.path('results', id, 'report.md'), 'utf8');
    expect(report).toMatch(/\| 1 \| (NORTH|SOUTH|EAST|WEST) \| \d+\.\d\d \|/);
    expect(q.record(`${id}.validation`)!.result.stdout).toMatch(/^rows=(\d+) counted=\1\n$/);
  });

  it('runs the retries example as it says, each time it is submitted', async () => {
    const q = tempQueue();
    await startDaemon(q.root, ['--concurrency', '2']);
    const runs = await Promise.all([1, 2].map(() => mcpq(['submit', '-q', q.root, '--json', 'queue-example/with-retries.json'])));
    for (const run of runs) {
      const record = await waitForRecord(q, JSON.parse(run.stdout).id);
      expect(record.result).toMatchObject({ status: 'completed', attempts: 3, stdout: 'attempt 3\n' });
    }
    expect(q.files('results')).toEqual([]);
  });
});

describe('delays and groups', () => {
  it('holds a job until not_before', async () => {
    const q = tempQueue();
    await startDaemon(q.root);
    const before = Date.now();
    await mcpq(['submit', '-q', q.root, '--id', 'later', '--delay', '1s', '--', 'true']);
    const rec = await waitForRecord(q, 'later');
    expect(Date.parse(rec.result.started_at) - before).toBeGreaterThanOrEqual(900);
  });

  it('keeps a job delayed by more than 24.8 days (beyond a timer’s range) waiting, calmly', async () => {
    const q = tempQueue();
    const daemon = await startDaemon(q.root);
    await mcpq(['submit', '-q', q.root, '--id', 'far', '--delay', '30d', '--', 'true']);
    await mcpq(['submit', '-q', q.root, '--id', 'now', '--wait', '--', 'true']);
    expect(q.record('far')).toBeUndefined();
    expect(q.files('pending')).toEqual(['far.json']);
    expect(daemon.output()).not.toMatch(/TimeoutOverflowWarning/);
  });

  it('never runs two jobs of one group at once, even with free slots', async () => {
    const q = tempQueue();
    const ledger = join(q.dir, 'ledger');
    await startDaemon(q.root, ['--concurrency', '4']);
    for (let i = 0; i < 4; i += 1) q.drop(`g${i}.json`, JSON.stringify({ command: traced(ledger, 'sleep 0.2'), group: 'db' }));
    for (let i = 0; i < 2; i += 1) q.drop(`o${i}.json`, JSON.stringify({ command: traced(ledger, 'sleep 0.2') }));
    await waitFor(() => q.files('completed').length === 6, { what: 'six jobs' });
    const s = spans(ledger);
    const group = [0, 1, 2, 3].map((i) => s.get(`g${i}`)!).sort((a, b) => a.start - b.start);
    for (let i = 1; i < group.length; i += 1) expect(group[i]!.start).toBeGreaterThanOrEqual(group[i - 1]!.end);
    // The others ran beside the group.
    const other = s.get('o0')!;
    expect(group.some((g) => g.start < other.end && other.start < g.end)).toBe(true);
  });
});
