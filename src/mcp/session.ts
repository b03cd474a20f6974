// What one MCP connection remembers: the jobs it submitted (submit_job, retry_job), so
// that it can tell the client when each finishes, with a log notification
// (notifications/message) carrying the job's outcome. One watcher serves them all: a
// job has finished when its record exists, so it looks whenever completed/ or failed/
// change (and every second, for what events miss), and only while it has jobs to watch.
import type { McpServer } from '@modelcontextprotocol/server';
import { noPluginArgs, type PluginArgsLookup } from '../core/plugin-args.js';
import { pluginsNamed } from '../core/redact.js';
import { summaryOf } from '../jobs/describe.js';
import { readRecordSafely } from '../jobs/finished.js';
import { waitResultOf } from '../jobs/wait.js';
import { wakeOnChange } from '../jobs/wake.js';
import type { QueueLayout } from '../queue/layout.js';
import type { JobRecord } from '../queue/records.js';
import { outcomeLine } from './describe.js';
import { logError } from './log.js';

const LOOK_EVERY_MS = 1_000;

export class Session {
  readonly #layout: QueueLayout;
  readonly #pluginArgs: PluginArgsLookup;
  readonly #watched = new Set<string>();
  readonly #closed = new AbortController();
  #watching: Promise<void> | undefined;
  // The instance serving the connection (the SDK may build one to probe, then another).
  #server: McpServer | undefined;

  // `pluginArgs`: what is known of plugin jobs' args (core/plugin-args.ts).
  constructor(layout: QueueLayout, pluginArgs: PluginArgsLookup = noPluginArgs) {
    this.#layout = layout;
    this.#pluginArgs = pluginArgs;
  }

  // Aborted when the connection ends: long waits in tool calls stop with it.
  get signal(): AbortSignal {
    return this.#closed.signal;
  }

  serveWith(server: McpServer): void {
    this.#server = server;
  }

  // Tell the client when this job finishes.
  watch(id: string): void {
    if (this.#closed.signal.aborted) return;
    this.#watched.add(id);
    this.#keepWatching();
  }

  close(): void {
    this.#closed.abort();
  }

  #keepWatching(): void {
    if (this.#watching !== undefined || this.#watched.size === 0 || this.#closed.signal.aborted) return;
    this.#watching = this.#watchAll().finally(() => {
      this.#watching = undefined;
      this.#keepWatching(); // a job added while the watcher was stopping
    });
  }

  async #watchAll(): Promise<void> {
    const wake = wakeOnChange([this.#layout.completed, this.#layout.failed]);
    try {
      while (this.#watched.size > 0 && !this.#closed.signal.aborted) {
        for (const id of [...this.#watched]) {
          const record = await readRecordSafely(this.#layout, id);
          if (record === undefined) continue;
          this.#watched.delete(id);
          await this.#tell(id, record);
        }
        if (this.#watched.size > 0) await wake.next(LOOK_EVERY_MS, this.#closed.signal);
      }
    } catch (error) {
      logError('watching submitted jobs', error);
    } finally {
      wake.close();
    }
  }

  async #tell(id: string, record: JobRecord): Promise<void> {
    const { result, ...job } = record;
    const outcome = waitResultOf(id, record);
    try {
      const known = await this.#pluginArgs(pluginsNamed([job]));
      await this.#server?.sendLoggingMessage({
        level: outcome.status === 'completed' ? 'info' : 'warning',
        logger: 'mcpq',
        data: { event: 'job_finished', message: outcomeLine(id, result), ...outcome, ...summaryOf(job, known) },
      });
    } catch (error) {
      logError(`telling the client that job ${id} finished`, error);
    }
  }
}
