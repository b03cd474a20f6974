// Carries out a plan's steps in order, printing each as the command it amounts to
// before it runs, with the command's own output indented below it. The first step
// that fails stops the run with one line saying what failed and what was done.
import { chmod, rm, stat, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ExitCode, McpqError, errnoCode, errorMessage } from '../core/errors.js';
import type { Plan, Step } from './plan.js';
import { commandLine, stepLine } from './shell.js';
import { makeDirs } from '../queue/make-dirs.js';

export interface Captured {
  readonly exitCode: number | undefined; // undefined: could not be started at all
  readonly output: string; // stdout and stderr, interleaved
  readonly missing: boolean; // the program does not exist here
}

// Runs a command to completion and keeps what it printed; never throws.
export async function capture(argv: readonly string[]): Promise<Captured> {
  const [file, ...args] = argv;
  const result = await execa(file!, args, { reject: false, all: true, stdin: 'ignore', timeout: 60_000, env: { SYSTEMD_PAGER: '', PAGER: 'cat' } });
  const missing = result.exitCode === undefined && (result as { code?: string }).code === 'ENOENT';
  return { exitCode: result.exitCode, output: String(result.all ?? '').trimEnd(), missing };
}

export function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

function indent(text: string): string {
  return text === '' ? '' : `${text.replace(/^/gm, '    ')}\n`;
}

export async function runPlan(plan: Plan, write: (text: string) => void): Promise<void> {
  for (const [i, step] of plan.steps.entries()) {
    write(`+ ${stepLine(step)}\n`);
    try {
      await runStep(step, write);
    } catch (error) {
      const done = i === 0 ? 'nothing was changed' : 'the steps printed above it were done';
      throw new McpqError(`${errorMessage(error)} (${done})`, error instanceof McpqError ? error.exitCode : ExitCode.failure);
    }
  }
  for (const note of plan.notes) write(`${note}\n`);
}

async function runStep(step: Step, write: (text: string) => void): Promise<void> {
  switch (step.kind) {
    case 'mkdir':
      return fsStep('create', step.path, async () => {
        await makeDirs(step.path, step.mode);
        // makeDirs lets a file there fail its first use: here that would be the
        // daemon's, under the service manager, once the service is installed.
        if (!(await stat(step.path)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      });
    case 'write':
      return fsStep('write', step.path, async () => {
        await writeFile(step.path, step.content, { mode: step.mode });
        await chmod(step.path, step.mode); // an older file keeps its mode otherwise
      });
    case 'remove':
      return fsStep('remove', step.path, () => rm(step.path, { force: true }));
    case 'run': {
      const result = await capture(step.argv);
      write(indent(result.output));
      if (result.exitCode === 0) return;
      if (step.tolerate !== undefined && !result.missing) {
        write(`    (ignored: ${step.tolerate})\n`);
        return;
      }
      const what = commandLine(step.argv);
      if (result.missing) throw new McpqError(`\`${what}\` could not run: ${step.argv[0]} is not installed here`);
      throw new McpqError(`\`${what}\` failed (exit ${result.exitCode ?? 'none'})${result.output ? `: ${firstLine(result.output)}` : ''}`);
    }
  }
}

async function fsStep(verb: string, path: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const code = errnoCode(error);
    const hint = code === 'EACCES' || code === 'EPERM' ? ' (a system unit needs root: run it with sudo)' : code === 'ENOTDIR' ? ' (a file is in the way of a folder)' : '';
    throw new McpqError(`cannot ${verb} ${path}: ${code ?? errorMessage(error)}${hint}`);
  }
}
