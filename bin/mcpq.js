#!/usr/bin/env node
import { main } from '../dist/mcpq.js';

await main(process.argv);
