// Where a pipeline stands: each stage job's state, found by name (stage jobs are
// <pipeline id>.<stage> in every folder) and read only for the stages that finished.
import { pipelineSchema } from './pipeline.js';
import { z } from 'zod';
import { readRecordSafely, recordIds } from '../jobs/finished.js';
import { pendingNames, readPendingFile } from '../jobs/pending.js';
import { newestRetryOf } from '../jobs/retry.js';
import { readClaimedJob } from '../jobs/running.js';
import { runningClaims } from '../queue/inventory.js';
import type { QueueLayout } from '../queue/layout.js';
import type { JobRecord } from '../queue/records.js';
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

// The progress of pipeline `id`, or undefined when no stage job has that prefix. A
// stage that failed and was run again by `mcpq retry` (<stage id>-r2, …) shows where
// its newest retry is, as a job waiting `after` it waits for that retry (jobs/retry.ts).
export async function pipelineProgress(layout: QueueLayout, id: string): Promise<PipelineProgress | undefined> {
  const prefix = `${id}.`;
  const where = new Map<string, Omit<StageProgress, 'stage'>>(); // by job id: stages and their retries
  let tag: unknown;
  for (const name of await pendingNames(layout)) {
    const jobId = parsePendingName(name).stem;
    if (!jobId.startsWith(prefix)) continue;
    where.set(jobId, waiting(jobId, 'pending'));
    tag ??= (await readPendingFile(layout, name))?.loaded.object;
  }
  for (const claim of await runningClaims(layout)) {
    if (!claim.id.startsWith(prefix)) continue;
    where.set(claim.id, waiting(claim.id, 'running'));
    tag ??= (await readClaimedJob(layout, claim)).loaded?.object;
  }
  for (const state of ['completed', 'failed'] as const) {
    for (const jobId of recordIds(layout, state)) {
      if (!jobId.startsWith(prefix)) continue;
      const record = await readRecordSafely(layout, jobId);
      where.set(jobId, finished(jobId, state, record));
      tag ??= record;
    }
  }
  const parsed = stageTagSchema.safeParse(tag);
  if (!parsed.success || parsed.data.pipeline.id !== id) return undefined;
  const stages = await Promise.all(
    parsed.data.pipeline.stages.map(async (stage) => {
      const first = where.get(prefix + stage);
      if (first?.state !== 'failed') return { stage, ...(first ?? waiting(prefix + stage, 'missing')) };
      // Retries are <stage id>-rN (jobs/retry.ts), so where holds them; one made since
      // the folders were read is not shown yet.
      return { stage, ...(where.get(await newestRetryOf(layout, first.id)) ?? first) };
    }),
  );
  return { pipeline: id, name: parsed.data.pipeline.name, stages };
}

function waiting(id: string, state: 'pending' | 'running' | 'missing'): Omit<StageProgress, 'stage'> {
  return { id, state, status: null, returncode: null, duration_ms: null };
}

function finished(id: string, state: 'completed' | 'failed', record: JobRecord | undefined): Omit<StageProgress, 'stage'> {
  const r = record?.result ?? {};
  return { id, state, status: String(r.status ?? state), returncode: (r.returncode as number | null | undefined) ?? null, duration_ms: (r.duration_ms as number | undefined) ?? null };
}
