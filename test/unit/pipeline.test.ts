import { describe, expect, it } from 'vitest';
import { expandPipeline } from '../../src/pipelines/pipeline.js';

describe('expandPipeline', () => {
  it('chains stages by default and names jobs <pipeline id>.<stage>', () => {
    const result = expandPipeline({ pipeline: 'etl', stages: [{ name: 'a', command: 'x' }, { name: 'b', command: 'y', timeout: 5 }] }, 'etl-1');
    expect(result).toEqual({
      ok: true,
      jobs: [
        { id: 'etl-1.a', stage: 'a', job: { description: 'etl: a', command: 'x', task_id: 'etl-1.a', pipeline: { id: 'etl-1', name: 'etl', stage: 'a', stages: ['a', 'b'] } } },
        { id: 'etl-1.b', stage: 'b', job: { description: 'etl: b', command: 'y', timeout: 5, task_id: 'etl-1.b', after: ['etl-1.a'], pipeline: { id: 'etl-1', name: 'etl', stage: 'b', stages: ['a', 'b'] } } },
      ],
    });
  });

  it('honours fan-out and fan-in, ordering stages after what they need', () => {
    const result = expandPipeline(
      { pipeline: 'p', stages: [{ name: 'report', command: 'r', after: ['left', 'right'] }, { name: 'root', command: 'o', after: [] }, { name: 'left', command: 'l', after: ['root'] }, { name: 'right', command: 'g', after: ['root'] }] },
      'p',
    );
    expect(result.ok && result.jobs.map((j) => [j.stage, j.job.after])).toEqual([
      ['root', undefined],
      ['left', ['p.root']],
      ['right', ['p.root']],
      ['report', ['p.left', 'p.right']],
    ]);
  });

  it.each([
    [{ pipeline: 'p', stages: [] }, 'stages: must list at least one stage'],
    [{ pipeline: 'p', stages: [{ name: 'a' }, { name: 'a' }] }, 'stages: "a" is named twice'],
    [{ pipeline: 'p', stages: [{ name: 'a', after: ['zz'] }] }, 'stages.a.after: no stage named "zz" (stages: a)'],
    [{ pipeline: 'p', stages: [{ name: 'a', after: ['b'] }, { name: 'b', after: ['a'] }] }, 'stages: dependency cycle a → b → a'],
    [{ pipeline: 'bad/name', stages: [{ name: 'a' }] }, 'pipeline: must be a pipeline name'],
  ])('rejects %j', (value, error) => {
    const result = expandPipeline(value, 'p');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(error);
  });
});
