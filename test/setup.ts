// Run before every test file, also when vitest reuses a worker for the next file:
// what a test made is undone after it, whichever file it is in.
import { afterEach } from 'vitest';
import { cleanUp } from './helpers/mcpq.js';

afterEach(cleanUp);
