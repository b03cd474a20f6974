// A job file named on the command line (`mcpq submit job.json`) is read only when it is
// a regular file. A FIFO would hold the read until some writer came, a device such as
// /dev/zero never ends, a folder holds no job: each is refused by its kind, in one line.
import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { ExitCode, McpqError, describeIoError, errnoCode } from '../core/errors.js';

// Looked at before it is opened (opening a device may itself do something), then again
// through the open descriptor, in case the name was given to a FIFO in between: opened
// without blocking, a FIFO is seen for what it is and never read.
const OPEN_NOW = constants.O_RDONLY | constants.O_NONBLOCK;

export async function readJobFile(path: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    refuseOtherKinds(path, await stat(path));
    handle = await open(path, OPEN_NOW);
  } catch (error) {
    if (error instanceof McpqError) throw error;
    const why = errnoCode(error) === 'ENOENT' ? 'no such file' : describeIoError(error);
    throw new McpqError(`${path}: ${why} (to run a command of that name: mcpq submit -- ${path})`, ExitCode.usage);
  }
  try {
    refuseOtherKinds(path, await handle.stat());
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function refuseOtherKinds(path: string, st: Stats): void {
  if (st.isFile()) return;
  throw new McpqError(`${path} is ${kindOf(st)}; a job file must be a regular file`, ExitCode.usage);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'of another kind';
}
