// How long to wait before trying a failed write again (a log line, a record): a quarter
// of a second at first, doubling up to 10 s, so that a full disk is neither hammered
// nor left long after it has room again.
export const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

export function nextRetryMs(previousMs: number): number {
  return Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, previousMs * 2));
}
