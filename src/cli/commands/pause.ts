// `mcpq pause` / `mcpq resume`: stop and restart claiming on the whole queue.
import type { Command } from 'commander';
import { examples, queueFlag, queueOption } from '../program.js';

export function registerPause(program: Command): void {
  const pause = queueOption(program.command('pause').description('stop every daemon on the queue from claiming new jobs (running jobs finish); lasts until resume, across restarts'));
  pause.action(async (_flags: unknown, cmd: Command) => {
    const { runPause } = await import('./pause-run.js');
    await runPause(queueFlag(cmd), true);
  });
  examples(pause, ['mcpq pause            let running jobs finish, start nothing new', 'mcpq pause; mcpq status   the status says "paused"']);
  const resume = queueOption(program.command('resume').description('let the daemons claim jobs again after mcpq pause'));
  resume.action(async (_flags: unknown, cmd: Command) => {
    const { runPause } = await import('./pause-run.js');
    await runPause(queueFlag(cmd), false);
  });
  examples(resume, ['mcpq resume']);
}
