// setTimeout for any delay. Node's timers hold at most 2^31-1 ms (24.8 days); a longer
// delay would fire at once. Past that, the timer sleeps the maximum and looks again.
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface LongTimer {
  clear(): void;
}

export function longTimeout(callback: () => void, delayMs: number): LongTimer {
  const due = Date.now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = due - Date.now();
    timer = setTimeout(left > MAX_DELAY_MS ? arm : callback, Math.max(0, Math.min(left, MAX_DELAY_MS)));
  };
  arm();
  return { clear: () => clearTimeout(timer) };
}
