// Option value parsers for commander: a bad value is a one-line usage error naming
// the flag's expectation (commander prefixes the flag itself).
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../core/duration.js';
import { SAFE_ID_RULE, isSafeId } from '../core/ids.js';
import { MIN_TIMEOUT_SECONDS, isTimeout } from '../core/job-rules.js';

export function integerAtLeast(min: number, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}${max === Infinity ? '' : ` and <= ${max}`}, got "${value}"`);
    }
    return n;
  };
}

export function nonEmpty(value: string): string {
  if (value === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

export function jobId(value: string): string {
  if (!isSafeId(value)) throw new InvalidArgumentError(`expected a job id (${SAFE_ID_RULE}), got "${value}"`);
  return value;
}

export function jobIds(value: string, previous: string[] = []): string[] {
  return [...previous, jobId(value)];
}

export function seconds(value: string): number {
  return secondsAtLeast(0)(value);
}

export function secondsAtLeast(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new InvalidArgumentError(`expected a number of seconds >= ${min}, got "${value}"`);
    return n;
  };
}

// A job's timeout: 0 (none) or at least MIN_TIMEOUT_SECONDS, as the job schema has it.
export function timeoutSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !isTimeout(n)) throw new InvalidArgumentError(`expected a number of seconds, 0 (none) or at least ${MIN_TIMEOUT_SECONDS} (1 ms), got "${value}"`);
  return n;
}

export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected a duration like 90s, 10m, 2h or 7d, got "${value}"`);
  return ms;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
