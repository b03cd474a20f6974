import { afterEach, describe, expect, it, vi } from 'vitest';
import { longTimeout } from '../../src/daemon/timer.js';

describe('longTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [1_000, 'one second'],
    [30 * 86_400_000, 'thirty days (beyond setTimeout’s 24.8 days)'],
  ])('fires after %s ms (%s), not before', (delay) => {
    vi.useFakeTimers();
    const fired = vi.fn();
    longTimeout(fired, delay);
    vi.advanceTimersByTime(delay - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('can be cleared', () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    longTimeout(fired, 10).clear();
    vi.advanceTimersByTime(100);
    expect(fired).not.toHaveBeenCalled();
  });
});
