#!/usr/bin/env node
// The bundle is CommonJS, loaded faster than ES modules (rolldown.config.mjs says why).
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)('../dist/mcpq.cjs');
await main(process.argv);
