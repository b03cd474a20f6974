// The job file contract as JSON Schema (draft 2020-12), generated from the zod schema
// (job-schema.ts) so that the two cannot drift; `mcpq schema` prints it so that other
// tools can validate a job before they drop it into pending/. Pure.
//
// zod exports types and bounds; what it cannot express as data (refinements) is
// restated here: the safe-id rule as a pattern, and the cross-field rules (a job needs
// `command` or `plugin`; `args` is a list for commands, an object for plugins). The one
// rule left out is a warning-like check (`shell: false` with spaces in `command` and
// no `args`); mcpq still rejects such a job.
import { z } from 'zod';
import { SAFE_ID } from './ids.js';
import { jobFileSchema } from './job-schema.js';

// SAFE_ID, and not ending in .tmp or .part (names writers use for work in progress).
const SAFE_ID_PATTERN = `^(?!.*\\.(tmp|part)$)${SAFE_ID.source.slice(1)}`;

// What each field means; also the descriptions of the MCP server's submit_job arguments.
export const JOB_FIELD_DESCRIPTIONS: Readonly<Record<string, string>> = Object.freeze({
  command: 'With "args": the program, run without a shell. Without "args": a shell command line, run with /bin/sh -c. For a plugin job: the plugin command.',
  args: 'Arguments (exec form), or for a plugin job an object of flags.',
  shell: 'Force shell (true) or exec (false) form.',
  task_id: 'The job id wanted by the submitter (a safe file name); "id" is the same.',
  id: 'Same as "task_id".',
  description: 'Free text shown in listings; "purpose" is the same.',
  purpose: 'Same as "description".',
  timeout: 'Seconds before the job is stopped (at least 0.001); default 300; 0 means none.',
  cwd: 'Working directory.',
  env: 'Extra environment variables.',
  priority: 'Higher runs first: an integer, or "high" (10), "medium" (0, default), "low" (-10).',
  retries: 'Extra attempts after a failure or timeout.',
  retry_delay: 'Seconds before the first retry (doubling, with jitter); default 1.',
  after: 'Ids of jobs that must complete successfully first.',
  not_before: 'ISO date-time, or seconds from submission, before which the job does not start.',
  group: 'Jobs of one group never run at the same time (plugin jobs default to the plugin name).',
  result_file: "Write the job's stdout there when it ends (relative paths land in results/).",
  plugin: 'Run a command of the plugin in plugins/<name>/.',
});

type JsonObject = Record<string, unknown>;

export function jobJsonSchema(): JsonObject {
  const generated = z.toJSONSchema(jobFileSchema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  const properties = { ...(generated.properties as Record<string, JsonObject>) };
  for (const [name, description] of Object.entries(JOB_FIELD_DESCRIPTIONS)) {
    if (properties[name] !== undefined) properties[name] = { ...properties[name], description };
  }
  for (const name of ['task_id', 'id']) properties[name] = { ...properties[name], pattern: SAFE_ID_PATTERN };
  properties.after = { ...properties.after, items: { type: 'string', pattern: SAFE_ID_PATTERN } };
  properties._mcpq = { type: 'object', description: "Reserved: the queue's own bookkeeping on a job it put back (attempt, history)." };
  return {
    $schema: generated.$schema,
    title: 'mcpq job',
    description: 'A job file for mcpq: drop it into <queue>/pending/ as <name>.json. Unknown fields are kept and come back in the record.',
    type: 'object',
    properties,
    additionalProperties: true,
    anyOf: [{ required: ['command'] }, { required: ['plugin'] }],
    if: { required: ['plugin'] },
    then: { properties: { args: { type: 'object' } } },
    else: { properties: { args: { type: 'array' } } },
  };
}
