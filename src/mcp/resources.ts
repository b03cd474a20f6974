// Jobs as MCP resources, mcpq://jobs/{id}: what get_job returns, as JSON, for clients
// that attach resources to a conversation. The listing offers the most recent jobs.
import { ResourceNotFoundError, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { McpqError } from '../core/errors.js';
import { listJobs } from '../jobs/list.js';
import { getJob } from '../jobs/show.js';
import type { McpContext } from './context.js';
import { jobLine } from './describe.js';
import { RECORD_OUTPUT_BYTES, shownRecord } from './records.js';

const LISTED = 50;

export function registerJobResources(server: McpServer, { layout, plugins }: McpContext): void {
  const template = new ResourceTemplate('mcpq://jobs/{id}', {
    list: async () => {
      const listing = await listJobs(layout, { limit: LISTED, pluginParallel: plugins.isParallel, pluginWait: plugins.waitOf, pluginArgs: plugins.pluginArgs });
      const jobs = [...listing.running, ...listing.pending, ...listing.finished].slice(0, LISTED);
      return { resources: jobs.map((job) => ({ uri: `mcpq://jobs/${job.id}`, name: job.id, description: jobLine(job), mimeType: 'application/json' })) };
    },
  });
  server.registerResource(
    'job',
    template,
    { title: 'mcpq job', description: `One job of the queue in its current state; a finished job with its record (stdout and stderr: their last ${RECORD_OUTPUT_BYTES / 1024} KiB).`, mimeType: 'application/json' },
    async (uri, variables) => {
      const id = String(variables.id);
      try {
        const found = await getJob(layout, decodeURIComponent(id), { pluginParallel: plugins.isParallel, pluginWait: plugins.waitOf, pluginArgs: plugins.pluginArgs });
        const detail = 'record' in found ? { ...found, record: shownRecord(found.record).record } : found;
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(detail, null, 2) }] };
      } catch (error) {
        if (error instanceof McpqError) throw new ResourceNotFoundError(uri.href, error.forAgents);
        if (error instanceof URIError) throw new ResourceNotFoundError(uri.href, `"${id}" is not a job id: a broken %-escape`);
        throw error;
      }
    },
  );
}
