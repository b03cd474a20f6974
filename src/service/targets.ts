// Where each service manager wants mcpq's service file, what the service is called
// there, and which template of this package it is made from. Pure: the home folder,
// uid and user name are passed in.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';
import type { TemplateFormat } from './template.js';

export type Platform = 'linux' | 'darwin';

export const LAUNCHD_LABEL = 'com.mcpq.daemon';

export const MCPQ_ENTRY = join(PACKAGE_ROOT, 'bin', 'mcpq.js');

export type Target =
  | { readonly kind: 'launchd-agent'; readonly template: string; readonly format: TemplateFormat; readonly file: string; readonly label: string; readonly domain: string }
  | { readonly kind: 'systemd-user'; readonly template: string; readonly format: TemplateFormat; readonly file: string; readonly unit: string }
  | { readonly kind: 'systemd-system'; readonly template: string; readonly format: TemplateFormat; readonly file: string; readonly unit: string; readonly user: string };

export interface Where {
  readonly platform: Platform;
  readonly system: boolean;
  readonly home: string;
  readonly configHome: string; // $XDG_CONFIG_HOME or ~/.config
  readonly uid: number;
  readonly user: string; // the account a system unit runs as
}

export function targetFor(where: Where): Target {
  if (where.platform === 'darwin') {
    return {
      kind: 'launchd-agent',
      template: join(PACKAGE_ROOT, 'launchd', `${LAUNCHD_LABEL}.plist`),
      format: 'plist',
      file: join(where.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`),
      label: LAUNCHD_LABEL,
      domain: `gui/${where.uid}`,
    };
  }
  if (where.system) {
    return {
      kind: 'systemd-system',
      template: join(PACKAGE_ROOT, 'systemd', 'mcpq@.service'),
      format: 'systemd',
      // The instance's own file, which systemd reads instead of a template
      // mcpq@.service: the queue and concurrency are baked in, and each account has
      // its own (installing or removing bob's must not change or remove alice's).
      file: `/etc/systemd/system/mcpq@${where.user}.service`,
      unit: `mcpq@${where.user}`,
      user: where.user,
    };
  }
  return {
    kind: 'systemd-user',
    template: join(PACKAGE_ROOT, 'systemd', 'mcpq.service'),
    format: 'systemd',
    file: join(where.configHome, 'systemd', 'user', 'mcpq.service'),
    unit: 'mcpq',
  };
}

