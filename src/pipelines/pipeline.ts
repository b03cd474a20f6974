// A pipeline file is many jobs in one: each stage becomes a job whose `after` names
// the stages it needs (by default the stage before it), so the daemon's dependency
// rules run the pipeline: a failed stage fails everything downstream as
// `dependency_failed` and leaves independent branches alone. Pure.
//
//   {"pipeline": "etl", "stages": [{"name": "fetch", "command": "…"},
//                                  {"name": "a", "command": "…"},                      ← after fetch
//                                  {"name": "b", "command": "…", "after": ["fetch"]},  ← fan-out
//                                  {"name": "report", "command": "…", "after": ["a", "b"]}]}  ← fan-in
import { z } from 'zod';
import { SAFE_ID_RULE, isSafeId } from '../core/ids.js';
import { describeIssues } from '../core/job-schema.js';

const stageName = z.string().refine((s) => isSafeId(s) && !s.includes('.'), { error: `must be a stage name (${SAFE_ID_RULE}, no ".")` });

export const pipelineSchema = z.looseObject({
  pipeline: z.string().refine(isSafeId, { error: `must be a pipeline name (${SAFE_ID_RULE})` }),
  description: z.string().optional(),
  stages: z
    .array(
      z.looseObject({
        name: stageName,
        after: z.array(stageName, { error: 'must be a list of stage names' }).optional(),
      }),
      { error: 'must be a list of stages' },
    )
    .min(1, { error: 'must list at least one stage' }),
});

export function isPipeline(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'pipeline' in value && 'stages' in value;
}

export interface StageJob {
  readonly id: string;
  readonly stage: string;
  readonly job: Record<string, unknown>;
}

// The stage jobs, in an order where every job comes after the jobs it needs.
export function expandPipeline(value: unknown, pipelineId: string): { ok: true; jobs: StageJob[] } | { ok: false; error: string } {
  const parsed = pipelineSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error.issues) };
  const { stages } = parsed.data;
  const names = stages.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) return { ok: false, error: `stages: "${duplicate}" is named twice` };
  const needs = new Map(stages.map((s, i) => [s.name, s.after ?? (i === 0 ? [] : [stages[i - 1]!.name])]));
  for (const [stage, after] of needs) {
    const missing = after.find((n) => !needs.has(n));
    if (missing !== undefined) return { ok: false, error: `stages.${stage}.after: no stage named "${missing}" (stages: ${names.join(', ')})` };
  }
  const ordered = topologicalOrder(names, needs);
  if (!ordered.ok) return ordered;
  const idOf = (stage: string) => `${pipelineId}.${stage}`;
  const jobs = ordered.order.map((stage) => {
    const { name: _name, after: _after, ...fields } = stages.find((s) => s.name === stage)!;
    const after = needs.get(stage)!;
    return {
      id: idOf(stage),
      stage,
      job: {
        description: `${parsed.data.pipeline}: ${stage}`,
        ...fields,
        task_id: idOf(stage),
        ...(after.length > 0 ? { after: after.map(idOf) } : {}),
        pipeline: { id: pipelineId, name: parsed.data.pipeline, stage, stages: names },
      },
    };
  });
  return { ok: true, jobs };
}

function topologicalOrder(names: readonly string[], needs: ReadonlyMap<string, readonly string[]>): { ok: true; order: string[] } | { ok: false; error: string } {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): string | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return `stages: dependency cycle ${[...path.slice(path.indexOf(name)), name].join(' → ')}`;
    state.set(name, 'visiting');
    for (const need of needs.get(name) ?? []) {
      const error = visit(need, [...path, name]);
      if (error !== undefined) return error;
    }
    state.set(name, 'done');
    order.push(name);
    return undefined;
  };
  for (const name of names) {
    const error = visit(name, []);
    if (error !== undefined) return { ok: false, error };
  }
  return { ok: true, order };
}
