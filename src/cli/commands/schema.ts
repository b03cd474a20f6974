// `mcpq schema`: the job file's JSON Schema, for tools that write jobs.
import type { Command } from 'commander';
import { examples, queueOption } from '../program.js';

export function registerSchema(program: Command): void {
  // --queue is taken as by every command (a wrapper may add it to each), and unused.
  const command = queueOption(program
    .command('schema')
    .summary('the JSON Schema of a job file')
    .description('print the JSON Schema (draft 2020-12) of a job file, generated from the schema mcpq validates with'))
    .action(async () => {
      const { jobJsonSchema } = await import('../../core/job-json-schema.js');
      process.stdout.write(`${JSON.stringify(jobJsonSchema(), null, 2)}\n`);
    });
  examples(command, ['mcpq schema > job.schema.json', 'mcpq schema | jq .properties.priority']);
}
