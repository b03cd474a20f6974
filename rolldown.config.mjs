// The build's second half (after `tsc` has type-checked src/): mcpq's own modules
// bundled into dist/, so a command loads a few files instead of dozens. Command bodies
// stay lazy (`await import()`) and become chunks of their own. Packages stay in
// node_modules, loaded as their authors ship them (pino and write-file-atomic find
// files next to their own code), except commander: every command needs it, and
// bundled it spares each start Node's CommonJS loader.
import { defineConfig } from 'rolldown';

export default defineConfig({
  // index-reader: the worker that helps index a deep pending/ (daemon/indexer.ts).
  input: { mcpq: 'src/cli/main.ts', 'index-reader': 'src/daemon/index-reader.ts' },
  platform: 'node',
  external: (id) => /^[^./]/.test(id) && id !== 'commander', // node: built-ins and packages
  output: { dir: 'dist', format: 'esm', sourcemap: true, cleanDir: true, chunkFileNames: 'chunks/[name]-[hash].js' },
});
