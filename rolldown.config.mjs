// The build's second half (after `tsc` has type-checked src/): mcpq and the packages it
// uses bundled into dist/, so a command loads a few files instead of hundreds. Command
// bodies stay lazy (`await import()`) and become chunks of their own. Loaded from
// node_modules one by one, execa and zod alone were 262 modules, and the daemon took
// 546 ms from spawn to serving an empty queue; bundled, 291 ms (`list` 271 → 199 ms,
// `mcp` to its first answer 381 → 301 ms). pino and write-file-atomic stay in
// node_modules, loaded as their authors ship them: they find files next to their own
// code (pino's transports start worker threads from them).
//
// The sources are ES modules; the bundle is CommonJS (.cjs, whatever package.json's
// "type"), and so is bin/mcpq.js (bin/package.json): an ES module entry would start
// the loader anyway. Node 20 loads a CommonJS file synchronously, while each ES module
// goes through its loader's asynchronous resolve, load, link and evaluate steps. Back
// to back, ES modules → CommonJS: `mcpq submit -- true` 102 → 86 ms, `mcpq list`
// 179 → 146, `mcpq --help` 102 → 78, the daemon serving an empty queue 298 → 246 ms.
import { defineConfig } from 'rolldown';

// commander requires node:child_process as it loads, for subcommands that are programs
// of their own ("git-foo"), which mcpq has none of: about 6 ms of every command's
// start. commander gets a stand-in instead, whose spawn loads the real module.
const LAZY_CHILD_PROCESS = '\0lazy-child-process';
const isCommanderChildProcess = (id, importer) => id === 'node:child_process' && importer !== undefined && /[\\/]node_modules[\\/]commander[\\/]/.test(importer);
const commanderLazyChildProcess = {
  name: 'commander-lazy-child-process',
  resolveId: (id, importer) => (isCommanderChildProcess(id, importer) ? LAZY_CHILD_PROCESS : null),
  load: (id) =>
    id === LAZY_CHILD_PROCESS
      ? `import { createRequire } from 'node:module';
export function spawn(...args) { return createRequire(import.meta.url)('node:child_process').spawn(...args); }`
      : null,
};

export default defineConfig({
  // index-reader: the worker that helps index a deep pending/ (daemon/indexer.ts).
  input: { mcpq: 'src/cli/main.ts', 'index-reader': 'src/daemon/index-reader.ts' },
  platform: 'node',
  plugins: [commanderLazyChildProcess],
  external: (id, importer) => (id.startsWith('node:') && !isCommanderChildProcess(id, importer)) || /^(pino|write-file-atomic)(\/|$)/.test(id),
  output: { dir: 'dist', format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, cleanDir: true },
});
