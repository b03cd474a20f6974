// What a plugin can do, asked of the plugin itself: its plugin.json when it has one,
// else `<cli> --help` and `<cli> <command> --help` read as argparse output. Each help
// run has a short timeout; any failure is returned as a message for the listing,
// never thrown, so one broken plugin cannot break discovery.
//
// A failure is the plugin's (its help exited non-zero, printed what is not a help, a
// bad plugin.json) or the machine's for a while (`transient`: the help did not finish
// in time, was killed by a signal, or could not be started for want of memory,
// processes or descriptors). The first holds until the plugin changes; the second
// may pass, so the daemon keeps that plugin's jobs waiting rather than failing them.
import { readFile } from 'node:fs/promises';
import { errnoCode, errorMessage } from '../core/errors.js';
import { signalGroup, stopGroup } from '../daemon/process-group.js';
import type { Command } from '../daemon/runner.js';
import { parseArgparseHelp } from './argparse-help.js';
import { specFromManifest } from './manifest.js';
import type { CommandSpec, PluginSpec } from './spec.js';

export const DEFAULT_HELP_TIMEOUT_MS = 5_000;
// Help runs at once in this process, all plugins together. With a cold cache
// `mcpq plugins` (or a starting daemon) asks every plugin: forty plugins' helps
// started at once on a small machine each take longer than the timeout, which is
// counted per run, and working plugins would be listed (and cached) as hanging.
const HELP_RUNS_AT_ONCE = 4;
let helpRuns = 0;
const waitingRuns: (() => void)[] = [];

async function inHelpSlot<T>(task: () => Promise<T>): Promise<T> {
  if (helpRuns < HELP_RUNS_AT_ONCE) helpRuns += 1;
  else await new Promise<void>((resolve) => waitingRuns.push(resolve));
  try {
    return await task();
  } finally {
    const next = waitingRuns.shift();
    if (next === undefined) helpRuns -= 1;
    else next(); // the slot passes on as it is
  }
}
const HELP_MAX_BYTES = 1024 * 1024;

export type Introspection =
  | { readonly ok: true; readonly spec: PluginSpec }
  | { readonly ok: false; readonly error: string; readonly transient?: true };

type HelpFailure = Extract<Introspection, { ok: false }>;

// What a busy machine lacks for a while (processes, memory, descriptors): a help that
// cannot be started, or a plugin.json that cannot be read, for one of these may work
// when asked again.
const FAULTS_THAT_PASS: ReadonlySet<string> = new Set(['EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

export interface Introspectable {
  readonly name: string;
  readonly dir: string;
  readonly program: Command;
  readonly manifest: string | undefined;
}

export async function introspect(plugin: Introspectable, timeoutMs = DEFAULT_HELP_TIMEOUT_MS): Promise<Introspection> {
  if (plugin.manifest !== undefined) return fromManifest(plugin.manifest, plugin.name);
  const top = await inHelpSlot(() => helpText(plugin, [], timeoutMs));
  if (!top.ok) return top;
  const parsed = parseArgparseHelp(top.text);
  if (!parsed.ok) return parsed;
  const { description, subcommands, args } = parsed.help;
  if (subcommands === undefined) {
    return { ok: true, spec: Object.freeze({ description, parallel: false, source: '--help', commands: [], args }) };
  }
  const commands = await Promise.all(subcommands.map(async (sub): Promise<CommandSpec | HelpFailure> => {
    const text = await inHelpSlot(() => helpText(plugin, [sub.name], timeoutMs));
    if (!text.ok) return { ...text, error: `${sub.name}: ${text.error}` };
    const help = parseArgparseHelp(text.text, sub.name);
    if (!help.ok) return { ok: false, error: `${sub.name}: ${help.error}` };
    return Object.freeze({ name: sub.name, description: sub.help ?? help.help.description, args: help.help.args });
  }));
  const failed = commands.filter((c): c is HelpFailure => 'ok' in c);
  if (failed.length > 0) {
    // The plugin's own fault wins: asking again will not mend it.
    const its = failed.filter((f) => f.transient !== true);
    return its.length > 0 ? { ok: false, error: its.map((f) => f.error).join('; ') } : { ok: false, error: failed.map((f) => f.error).join('; '), transient: true };
  }
  return {
    ok: true,
    spec: Object.freeze({ description, parallel: false, source: '--help', commands: commands as CommandSpec[], args: [] }),
  };
}

async function fromManifest(path: string, name: string): Promise<Introspection> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { ok: false, error: `plugin.json: ${errorMessage(error)}`, ...(FAULTS_THAT_PASS.has(errnoCode(error) ?? '') ? { transient: true } : {}) };
  }
  return specFromManifest(value, name);
}

// The process groups of the help runs under way. Each is detached, which execa's
// `cleanup` does not reach: when mcpq exits first (an MCP client leaves in the middle
// of list_plugins, and `mcpq mcp` exits at once), they are killed here, or a plugin
// whose --help hangs would be left running for good.
const helpGroups = new Set<number>();
let killedOnExit = false;

function killOnExit(group: number): void {
  helpGroups.add(group);
  if (killedOnExit) return;
  killedOnExit = true;
  process.on('exit', () => {
    for (const each of helpGroups) {
      try {
        signalGroup(each, 'SIGKILL');
      } catch {
        // not ours to signal: nothing more to do while exiting
      }
    }
  });
}

// Runs one help command in its own process group, so that a timeout (or a plugin
// that leaves a child holding its stdout) stops everything it started.
async function helpText(plugin: Introspectable, words: readonly string[], timeoutMs: number): Promise<{ ok: true; text: string } | HelpFailure> {
  const shown = ['cli', ...words, '--help'].join(' ');
  // Imported here: most lookups are answered by plugin.json or the help cache, and
  // `mcpq list` asks about plugins without ever running one.
  const { execa } = await import('execa');
  const subprocess = execa(plugin.program.file, [...plugin.program.args, ...words, '--help'], {
    cwd: plugin.dir,
    detached: true,
    cleanup: true,
    reject: false,
    stdin: 'ignore',
    maxBuffer: HELP_MAX_BYTES,
    // A wide terminal keeps argparse from wrapping lines it need not wrap.
    env: { COLUMNS: '120', MCPQ_INTROSPECT: '1' },
  });
  let timedOut = false;
  const stop = (): void => {
    if (subprocess.pid !== undefined) void stopGroup(subprocess.pid, 500);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
    // A child that left the group (setsid, daemonizing) may hold the pipes open for
    // good: without closing our ends, the run would last as long as that child.
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
  }, timeoutMs);
  subprocess.once('exit', stop);
  const group = subprocess.pid;
  if (group !== undefined) killOnExit(group);
  const result = await subprocess.finally(() => {
    if (group !== undefined) helpGroups.delete(group);
  });
  clearTimeout(timer);
  if (timedOut) return { ok: false, error: `"${shown}" did not finish within ${timeoutMs / 1_000}s`, transient: true };
  // Checked before the exit code: cut off, the plugin fails writing and says only that.
  if (result.isMaxBuffer) return { ok: false, error: `"${shown}" printed more than ${HELP_MAX_BYTES / 1024 / 1024} MiB (a help text is shorter)` };
  if (result.failed && result.exitCode === undefined && result.signal === undefined) {
    return { ok: false, error: `"${shown}" could not start: ${result.shortMessage}`, ...(FAULTS_THAT_PASS.has(result.code ?? '') ? { transient: true } : {}) };
  }
  // Killed from outside (the OOM killer, an operator): not the plugin's answer.
  if (result.signal !== undefined) return { ok: false, error: `"${shown}" was killed by ${result.signal}: ${failureReason(String(result.stderr), String(result.stdout))}`, transient: true };
  if (result.exitCode !== 0) return { ok: false, error: `"${shown}" exited with code ${result.exitCode}: ${failureReason(String(result.stderr), String(result.stdout))}` };
  return { ok: true, text: String(result.stdout) };
}

// The line of a failed help run that says what went wrong: the last one printed, as a
// Python traceback, argparse ("cli: error: …") and most programs end with the cause
// (the first line of a traceback is only "File …, line 1"). Stderr first; stdout when
// stderr is empty.
export function failureReason(stderr: string, stdout: string): string {
  const last = (text: string): string | undefined => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '').at(-1);
  return (last(stderr) ?? last(stdout) ?? 'no output').slice(0, 200);
}
