// `mcpq submit` is the command tools run in loops: its start loads only what it needs
// (README, Performance). Node's own modules it must not load, each a few ms of every
// submit: child_process (commander's, for subcommands mcpq has none of) and crypto
// (core/random.ts).
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempQueue } from '../helpers/mcpq.js';

// Prints, as the process exits, the Node modules it loaded.
const REPORT_LOADED = `data:text/javascript,process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)))`;

describe('mcpq submit', () => {
  it('starts without child_process or crypto', async () => {
    const q = tempQueue();
    const result = await execa('node', ['--import', REPORT_LOADED, BIN, 'submit', '--queue', q.root, '--', 'true'], { cwd: ROOT, reject: false });
    expect(result.exitCode).toBe(0);
    expect(q.files('pending')).toEqual([`${result.stdout}.json`]);
    const loaded = JSON.parse(result.stderr) as string[];
    expect(loaded).toContain('NativeModule fs'); // the report is the real list
    expect(loaded.filter((name) => /^NativeModule (child_process|crypto)$/.test(name))).toEqual([]);
  });
});
