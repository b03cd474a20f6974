// What every part of a running daemon shares: its settings, identity and log.
import type { Logger } from 'pino';
import type { QueueLayout } from '../queue/layout.js';
import type { PluginResolver } from './command.js';

export interface DaemonSettings {
  readonly concurrency: number;
  readonly defaultTimeoutSeconds: number;
  readonly killGraceMs: number; // SIGTERM → SIGKILL for a job being stopped
  readonly shutdownGraceMs: number; // how long running jobs may finish on SIGTERM
  readonly rescanMs: number;
  readonly settleMs: number; // how long an unreadable file must be unchanged before it fails
  readonly pollMs: number | undefined;
  readonly heartbeatMs: number;
  readonly leaseMs: number;
  readonly tailBytes: number;
  readonly maxLogBytes: number;
  readonly maxDaemonLogBytes: number;
  readonly fsync: boolean;
}

export const DEFAULT_SETTINGS: DaemonSettings = Object.freeze({
  concurrency: 1,
  defaultTimeoutSeconds: 300,
  killGraceMs: 5_000,
  shutdownGraceMs: 10_000,
  rescanMs: 5_000,
  settleMs: 3_000,
  pollMs: undefined,
  heartbeatMs: 2_000,
  leaseMs: 15_000,
  tailBytes: 1024 * 1024,
  maxLogBytes: 256 * 1024 * 1024,
  maxDaemonLogBytes: 10 * 1024 * 1024,
  fsync: true,
});

export interface DaemonContext {
  readonly layout: QueueLayout;
  readonly settings: DaemonSettings;
  readonly tag: string;
  readonly host: string;
  readonly log: Logger;
  readonly resolvePlugin: PluginResolver;
  readonly version: string;
}
