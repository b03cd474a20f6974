// mcpq's entry point, and the one place where errors become stderr text and exit
// codes: an McpqError, a usage mistake or a fault of the machine (a full disk, a
// folder that cannot be written) is one line; anything else is a bug and keeps its
// stack.
import { CommanderError } from 'commander';
import { ExitCode, McpqError, errnoCode, isMachineFault } from '../core/errors.js';
import { buildProgram } from './program.js';

export async function main(argv: readonly string[]): Promise<void> {
  // A reader that stops early (mcpq ls | head) is no error: end quietly, as ls does.
  process.stdout.on('error', (error) => {
    if (errnoCode(error) !== 'EPIPE') throw error;
    process.exit(ExitCode.ok);
  });
  const program = buildProgram(argv);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    // `mcpq help` asked for the help; `mcpq` or `mcpq service` alone (or `mcpq help
    // nope`) left out the command: the help, already on stderr, says which there are.
    if (error.code === 'commander.help') return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // commander has already printed the one-line message; add the hint once.
    process.stderr.write('mcpq: run "mcpq --help" (or "mcpq <command> --help") for usage\n');
    return ExitCode.usage;
  }
  if (error instanceof McpqError) {
    process.stderr.write(`mcpq: ${error.message}\n`);
    return error.exitCode;
  }
  if (isMachineFault(error)) {
    process.stderr.write(`mcpq: ${error.message}\n`); // "ENOSPC: no space left on device, write"
    return ExitCode.failure;
  }
  process.stderr.write(`mcpq: unexpected error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.failure;
}
