// A plan's steps written as the shell commands they amount to: what a real run
// prints as it goes, and the whole script that --dry-run prints.
import { shellQuote } from '../core/job-schema.js';
import type { Plan, Step } from './plan.js';

export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

const HEREDOC_END = 'MCPQ_EOF';

// One step as one line (a write names its file; the script form holds the content).
export function stepLine(step: Step): string {
  switch (step.kind) {
    case 'mkdir':
      return commandLine(['mkdir', '-p', '-m', step.mode.toString(8), step.path]);
    case 'write':
      return `${commandLine(['cat'])} > ${shellQuote(step.path)}`;
    case 'remove':
      return commandLine(['rm', '-f', step.path]);
    case 'run':
      return step.tolerate === undefined ? commandLine(step.argv) : `${commandLine(step.argv)} || true   # fine if ${step.tolerate}`;
  }
}

// The plan as a shell script that does the same thing, file contents included.
export function planScript(plan: Plan): string {
  const lines: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'write') {
      const content = step.content.endsWith('\n') ? step.content : `${step.content}\n`;
      lines.push(`${stepLine(step)} <<'${HEREDOC_END}'`, content + HEREDOC_END);
    } else {
      lines.push(stepLine(step));
    }
  }
  return `${lines.join('\n')}\n`;
}
