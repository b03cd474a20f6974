// Filling a service template: every {{NAME}} is replaced by its value, escaped for
// the spot it lands in. An unknown or missing name is an error, so no placeholder
// ever reaches launchd or systemd.
import { checkPrintable, systemdSpot, systemdValue, xmlText } from './escape.js';

export type TemplateFormat = 'plist' | 'systemd';

const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

export function renderTemplate(text: string, format: TemplateFormat, values: Readonly<Record<string, string>>): string {
  if (text.replace(PLACEHOLDER, '').includes('{{')) throw new Error('template holds a malformed placeholder ("{{" not followed by NAME}})');
  for (const [name, value] of Object.entries(values)) checkPrintable(`{{${name}}}`, value);
  return text
    .split('\n')
    .map((line) =>
      line.replace(PLACEHOLDER, (_match, name: string, offset: number) => {
        const value = values[name];
        if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
        return format === 'plist' ? xmlText(value) : systemdValue(value, systemdSpot(line.slice(0, offset)));
      }),
    )
    .join('\n');
}
