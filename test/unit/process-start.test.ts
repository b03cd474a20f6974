import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../src/queue/process-start.js';

describe('processStartTime', () => {
  it.runIf(process.platform === 'linux')('reads when this process started from /proc', () => {
    const started = processStartTime(process.pid)!;
    const expected = Date.now() - process.uptime() * 1000;
    expect(Math.abs(started - expected)).toBeLessThan(2_000);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processStartTime(2 ** 22 + 12345)).toBeUndefined();
  });
});
