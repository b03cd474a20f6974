// The plugins command's body: compute the views, then print them (text or --json).
import { formatDuration } from '../../core/duration.js';
import { ExitCode, McpqError } from '../../core/errors.js';
import { layoutOf } from '../../queue/layout.js';
import { suggestion } from '../../plugins/did-you-mean.js';
import { PluginRegistry } from '../../plugins/registry.js';
import { pluginStats, readPluginRecords, type Counts, type PluginStats } from '../../plugins/stats.js';
import { pluginView, type ArgView, type PluginView } from '../../plugins/view.js';
import { registryOptions } from '../plugin-roots.js';
import { resolveQueueRoot } from '../queue-root.js';
import type { PluginsFlags } from './plugins.js';

export async function runPlugins(queue: string | undefined, name: string | undefined, flags: PluginsFlags): Promise<number> {
  const layout = layoutOf(resolveQueueRoot(queue, process.env));
  const options = registryOptions(layout, flags.plugins, process.env);
  if (flags.stats) {
    const stats = pluginStats(await readPluginRecords(layout)).filter((s) => name === undefined || s.plugin === name);
    process.stdout.write(flags.json ? `${JSON.stringify({ queue: layout.root, stats }, null, 2)}\n` : renderStats(stats));
    return ExitCode.ok;
  }
  const registry = new PluginRegistry(options);
  const all = await registry.scan();
  const shown = name === undefined ? all : all.filter((p) => p.name === name);
  if (name !== undefined && shown.length === 0) {
    const known = all.map((p) => p.name);
    throw new McpqError(`no plugin named "${name}"${suggestion(name, known)}; ${known.length === 0 ? 'there are none' : `plugins: ${known.join(', ')}`}`, ExitCode.notFound);
  }
  const views = shown.map(pluginView);
  process.stdout.write(flags.json ? `${JSON.stringify({ queue: layout.root, roots: options.roots, plugins: views }, null, 2)}\n` : renderPlugins(views, options.roots, name !== undefined));
  // Only the first plugin of that name is used; a shadowed copy elsewhere is shown, but
  // does not make a working plugin fail this command.
  return name !== undefined && views[0]?.status === 'error' ? ExitCode.failure : ExitCode.ok;
}

export function renderPlugins(views: readonly PluginView[], roots: readonly string[], detailed: boolean): string {
  if (views.length === 0) {
    return `no plugins in ${roots.join(', ')}\n  add one: a folder <name>/ holding cli.py (argparse), cli.js, cli.mjs, cli.sh or an executable cli\n`;
  }
  const out: string[] = [];
  for (const view of views) {
    if (view.status === 'error') {
      const why = view.transient === undefined ? 'cannot be used' : `cannot be used now; this may pass: ${view.transient.tries} ${view.transient.tries === 1 ? 'try' : 'tries'} since ${view.transient.since}, its jobs wait`;
      out.push(`${view.name}  (${why})`, `  ${view.error}`, `  ${view.entry ?? view.dir}`, '');
      continue;
    }
    out.push(`${view.name}${view.description ? ` — ${view.description}` : ''}`);
    out.push(`  ${view.entry}  (described by ${view.source}; ${view.parallel ? 'jobs may run in parallel' : 'one job at a time'})`);
    const commands = view.commands.length > 0 ? view.commands : [{ name: '', description: null, args: view.args ?? [], example: view.example! }];
    const width = Math.max(...commands.map((c) => c.name.length));
    for (const c of commands) {
      out.push(`  ${c.name.padEnd(width)}  ${c.description ?? ''}`.trimEnd());
      out.push(...renderArgs(c.args, ' '.repeat(width + 4)));
      out.push(`${' '.repeat(width + 4)}e.g. ${c.example.submit}`);
      if (detailed) out.push(`${' '.repeat(width + 4)}job: ${JSON.stringify(c.example.job)}`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

function renderArgs(args: readonly ArgView[], indent: string): string[] {
  const width = Math.min(40, Math.max(0, ...args.map((a) => a.usage.length)));
  return args.map((a) => {
    const notes = [a.required ? 'required' : '', a.type === 'integer' || a.type === 'number' ? a.type : '', a.help ?? ''].filter((n) => n !== '').join('; ');
    return `${indent}${a.usage.padEnd(width)}  ${notes}`.trimEnd();
  });
}

export function renderStats(stats: readonly PluginStats[]): string {
  if (stats.length === 0) return 'no plugin jobs have finished yet\n';
  const rows: string[][] = [['plugin / command', 'jobs', 'ok', 'failed', 'mean', 'p50', 'max']];
  const row = (label: string, c: Counts): string[] => [
    label,
    String(c.count),
    String(c.completed),
    String(c.failed),
    ...(c.duration === null ? ['-', '-', '-'] : [c.duration.mean_ms, c.duration.p50_ms, c.duration.max_ms].map(formatDuration)),
  ];
  for (const s of stats) {
    rows.push(row(s.plugin, s));
    for (const [command, counts] of Object.entries(s.commands)) rows.push(row(`  ${command || '(no command)'}`, counts));
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n')}\n`;
}
