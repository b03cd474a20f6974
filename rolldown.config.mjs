// The build's second half (after `tsc` has type-checked src/): mcpq and the packages it
// uses bundled into dist/, so a command loads a few files instead of hundreds. Command
// bodies stay lazy (`await import()`) and become chunks of their own. Loaded from
// node_modules one by one, execa and zod alone were 262 modules, and the daemon took
// 546 ms from spawn to serving an empty queue; bundled, 291 ms (`list` 271 → 199 ms,
// `mcp` to its first answer 381 → 301 ms). pino and write-file-atomic stay in
// node_modules, loaded as their authors ship them: they find files next to their own
// code (pino's transports start worker threads from them).
import { defineConfig } from 'rolldown';

export default defineConfig({
  // index-reader: the worker that helps index a deep pending/ (daemon/indexer.ts).
  input: { mcpq: 'src/cli/main.ts', 'index-reader': 'src/daemon/index-reader.ts' },
  platform: 'node',
  external: (id) => id.startsWith('node:') || /^(pino|write-file-atomic)(\/|$)/.test(id),
  output: { dir: 'dist', format: 'esm', sourcemap: true, cleanDir: true, chunkFileNames: 'chunks/[name]-[hash].js' },
});
