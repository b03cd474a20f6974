// Where a pipeline stands: each stage job's state, found by name (stage jobs are
// <pipeline id>.<stage> in every folder) and read only for the stages that finished.
import { pipelineSchema } from './pipeline.js';
import { z } from 'zod';
import { readRecordSafely, recordIds } from '../jobs/finished.js';
import { pendingNames, readPendingFile } from '../jobs/pending.js';
import { readClaimedJob } from '../jobs/running.js';
import { runningClaims } from '../queue/inventory.js';
import type { QueueLayout } from '../queue/layout.js';
import { parsePendingName } from '../queue/names.js';

export interface StageProgress {
  readonly stage: string;
  readonly id: string;
  readonly state: 'pending' | 'running' | 'completed' | 'failed' | 'missing';
  readonly status: string | null; // the record's status once finished
  readonly returncode: number | null;
  readonly duration_ms: number | null;
}

export interface PipelineProgress {
  readonly pipeline: string;
  readonly name: string;
  readonly stages: readonly StageProgress[];
}

// What every stage job carries (pipeline.ts expandPipeline).
const stageTagSchema = z.object({ pipeline: z.object({ id: z.string(), name: z.string(), stages: pipelineSchema.shape.stages.element.shape.name.array() }) });

// The progress of pipeline `id`, or undefined when no stage job has that prefix.
export async function pipelineProgress(layout: QueueLayout, id: string): Promise<PipelineProgress | undefined> {
  const prefix = `${id}.`;
  const of = (jobId: string) => (jobId.startsWith(prefix) ? jobId.slice(prefix.length) : undefined);
  const where = new Map<string, Omit<StageProgress, 'stage'>>();
  let tag: unknown;
  for (const name of await pendingNames(layout)) {
    const stage = of(parsePendingName(name).stem);
    if (stage === undefined) continue;
    where.set(stage, { id: prefix + stage, state: 'pending', status: null, returncode: null, duration_ms: null });
    tag ??= (await readPendingFile(layout, name))?.loaded.object;
  }
  for (const claim of await runningClaims(layout)) {
    const stage = of(claim.id);
    if (stage === undefined) continue;
    where.set(stage, { id: claim.id, state: 'running', status: null, returncode: null, duration_ms: null });
    tag ??= (await readClaimedJob(layout, claim)).loaded?.object;
  }
  for (const state of ['completed', 'failed'] as const) {
    for (const jobId of recordIds(layout, state)) {
      const stage = of(jobId);
      if (stage === undefined) continue;
      const record = await readRecordSafely(layout, jobId);
      const r = record?.result ?? {};
      where.set(stage, { id: jobId, state, status: String(r.status ?? state), returncode: (r.returncode as number | null | undefined) ?? null, duration_ms: (r.duration_ms as number | undefined) ?? null });
      tag ??= record;
    }
  }
  const parsed = stageTagSchema.safeParse(tag);
  if (!parsed.success || parsed.data.pipeline.id !== id) return undefined;
  const stages = parsed.data.pipeline.stages.map((stage) => ({ stage, ...(where.get(stage) ?? { id: prefix + stage, state: 'missing' as const, status: null, returncode: null, duration_ms: null }) }));
  return { pipeline: id, name: parsed.data.pipeline.name, stages };
}
