// Text for people: aligned tables cut to the terminal's width, and color only when
// stdout is a terminal and NO_COLOR (https://no-color.org) is not set. Machines use
// --json, never this. Pure apart from `styleFor`, which reads the stream and env.
import { formatDuration } from '../core/duration.js';

export interface Style {
  readonly color: boolean;
  readonly width: number | undefined; // columns, or undefined: do not cut
}

// FORCE_COLOR turns color on where no terminal is (tests, `less -R`).
export function styleFor(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): Style {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0';
  const columns = stream.isTTY ? stream.columns : Number(env.COLUMNS);
  return { color: !noColor && (force || stream.isTTY === true), width: columns !== undefined && columns > 0 ? columns : undefined };
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, dim: 2, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(style: Style, color: Color | undefined, text: string): string {
  return style.color && color !== undefined && text !== '' ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export interface Cell {
  readonly text: string;
  readonly color?: Color | undefined;
}

export type Row = readonly (Cell | string)[];

// One line per row, columns padded to their widest cell; the last column (free text)
// is cut with "…" so that lines fit the width. Newlines and tabs become spaces.
export function table(header: readonly string[], rows: readonly Row[], style: Style, indent = '  '): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'string' ? { text: c } : c)).map((c) => ({ ...c, text: oneLine(c.text) })));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.text.length ?? 0)));
  const last = header.length - 1;
  if (style.width !== undefined) {
    const fixed = indent.length + widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
    widths[last] = Math.max(8, Math.min(widths[last]!, style.width - fixed));
  }
  const line = (row: readonly Cell[], head: boolean): string =>
    indent +
    row
      .map((cell, i) => {
        const text = i === last ? cut(cell.text, widths[i]!) : cell.text.padEnd(widths[i]!);
        return paint(style, head ? 'dim' : cell.color, text);
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((text) => ({ text })), true), ...cells.map((row) => line(row, false))].join('\n');
}

export function oneLine(text: string): string {
  return printable(text.replace(/\s+/g, ' ').trim());
}

// Control characters a job's fields may carry (an escape sequence in a description
// could clear the screen or retitle the terminal of whoever lists the queue) are shown
// as \xNN; newlines and tabs stay.
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

// "12s", "5m", "3h", "4d": how long ago, coarse.
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1_000));
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function duration(ms: number | null): string {
  return ms === null ? '-' : formatDuration(ms);
}

export function statusColor(status: string): Color {
  if (status === 'completed') return 'green';
  if (status === 'cancelled' || status === 'interrupted') return 'yellow';
  if (status === 'running') return 'cyan';
  return 'red';
}
