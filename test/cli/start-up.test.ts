// `mcpq submit` is the command tools run in loops: its start loads only what it needs
// (README, Performance). Node's own modules it must not load, each a few ms of every
// submit: child_process (commander's, for subcommands mcpq has none of) and crypto
// (core/random.ts). Nor any ES module: the entry and the bundle are CommonJS, which
// Node 20 loads 16-52 ms sooner (rolldown.config.mjs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, tempQueue } from '../helpers/mcpq.js';

// Prints, as the process exits, the Node modules it loaded. CommonJS itself (-r), so
// that the report does not start Node's ES module loader.
const REPORT_LOADED = `process.on('exit', () => process.stderr.write(JSON.stringify(process.moduleLoadList)));\n`;

describe('mcpq submit', () => {
  it('starts without child_process, crypto or an ES module', async () => {
    const q = tempQueue();
    const report = join(q.dir, 'report-loaded.cjs');
    writeFileSync(report, REPORT_LOADED);
    const result = await execa('node', ['-r', report, BIN, 'submit', '--queue', q.root, '--', 'true'], { cwd: ROOT, reject: false });
    expect(result.exitCode).toBe(0);
    expect(q.files('pending')).toEqual([`${result.stdout}.json`]);
    const loaded = JSON.parse(result.stderr) as string[];
    expect(loaded).toContain('NativeModule fs'); // the report is the real list
    expect(loaded.filter((name) => /^NativeModule (child_process|crypto)$/.test(name))).toEqual([]);
    // Node loads these for the first ES module only.
    expect(loaded.filter((name) => /^NativeModule internal\/modules\/esm\/(module_job|translators)$/.test(name))).toEqual([]);
  });
});
