#!/usr/bin/env node
// CommonJS (bin/package.json says so), as is the bundle it loads: Node 20 starts a
// command 16-52 ms sooner without its ES module loader (rolldown.config.mjs says why).
'use strict';

require('../dist/mcpq.cjs').main(process.argv);
