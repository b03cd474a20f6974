// plugin.json: a plugin describing itself exactly, in any language. When present it
// wins over --help introspection. Validated once with zod, then turned into the same
// PluginSpec that help parsing gives. Pure.
//
//   {"description": "…", "parallel": true,
//    "commands": {"disk": {"description": "…", "args": {"path": {"type": "string", "repeatable": true}}}}}
//
// "repeatable": a job's array repeats the flag (--path a --path b); "list": it
// follows one flag (--paths a b, argparse's nargs='+' or '*').
//
// A plugin without subcommands gives "args" at the top instead of "commands".
import { z } from 'zod';
import { describeIssues } from '../core/job-schema.js';
import type { ArgSpec, CommandSpec, PluginSpec } from './spec.js';

export const MANIFEST_FILE = 'plugin.json';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const nameRule = { error: 'must be letters, digits, "_", "." or "-", not starting with "-"' };

// `name`: what a command, argument or alias may be called. A plugin.json must use
// plain names; the help cache (help-cache.ts) stores whatever argparse printed
// ("{fast,slow}", "näme"), which must read back as it was written.
function schemasWith(name: z.ZodString) {
  const argSchema = z.strictObject({
    type: z.enum(['string', 'integer', 'number', 'boolean']).default('string'),
    required: z.boolean().default(false),
    repeatable: z.boolean().default(false),
    list: z.boolean().default(false),
    positional: z.boolean().default(false),
    choices: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    description: z.string().optional(),
    metavar: z.string().min(1).optional(),
    aliases: z.array(name).optional(),
    flag: z.string().regex(/^--?[^-\s=][^\s=]*$/, { error: 'must be a flag, e.g. "--x"' }).optional(),
  }).refine((a) => !(a.positional && a.type === 'boolean'), {
    // a job's true would be passed as nothing at all
    path: ['positional'],
    message: 'a boolean is a flag (--name), it cannot be positional',
  }).refine((a) => !(a.list && a.type === 'boolean'), {
    path: ['list'],
    message: 'a boolean is a flag (--name), it takes no values',
  }).refine((a) => !(a.list && a.repeatable), {
    // a job's array would have two meanings
    path: ['list'],
    message: 'an argument takes its values either after one flag (list: --name a b) or one per flag (repeatable: --name a --name b), not both',
  });

  // Each key names one argument: an alias that is another's name (or alias) would
  // leave one of them unreachable from a job.
  const argsSchema = z.record(name, argSchema).superRefine((args, ctx) => {
    const owner = new Map(Object.keys(args).map((key) => [key, key]));
    for (const [arg, a] of Object.entries(args)) {
      for (const alias of a.aliases ?? []) {
        const other = owner.get(alias);
        if (other === undefined) owner.set(alias, arg);
        else ctx.addIssue({ code: 'custom', path: [arg, 'aliases'], message: `"${alias}" already names ${other === arg ? 'this argument' : `the argument "${other}"`}` });
      }
    }
  });

  const commandSchema = z.strictObject({
    description: z.string().optional(),
    args: argsSchema.default({}),
  });

  const manifestSchema = z
    .strictObject({
      $schema: z.string().optional(),
      name: z.string().min(1).optional(),
      version: z.string().optional(),
      description: z.string().optional(),
      parallel: z.boolean({ error: 'must be true or false' }).default(false),
      commands: z.record(name, commandSchema).optional(),
      args: argsSchema.optional(),
    })
    .superRefine((m, ctx) => {
      if (m.commands !== undefined && m.args !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['args'], message: 'belongs inside a command when the plugin has "commands"' });
      }
    });
  return { argsSchema, manifestSchema };
}

export const { manifestSchema } = schemasWith(z.string().regex(NAME, nameRule));
const introspected = schemasWith(z.string().min(1));
type ArgsSchema = typeof introspected.argsSchema;

export type Manifest = z.infer<typeof manifestSchema>;

// `folder`: the plugin's folder name, which is its name; a manifest may not rename it.
// `names`: "any" for a description mcpq wrote itself from a plugin's --help.
export function specFromManifest(value: unknown, folder: string, names: 'plain' | 'any' = 'plain'): { ok: true; spec: PluginSpec } | { ok: false; error: string } {
  // Said here: the schema's own message for the whole file is worded for a job.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { ok: false, error: `${MANIFEST_FILE}: must be a JSON object ({"commands": {…}} or {"args": {…}}), got ${got}` };
  }
  const parsed = (names === 'plain' ? manifestSchema : introspected.manifestSchema).safeParse(value);
  if (!parsed.success) return { ok: false, error: `${MANIFEST_FILE}: ${describeIssues(parsed.error.issues)}` };
  const m = parsed.data;
  if (m.name !== undefined && m.name !== folder) {
    return { ok: false, error: `${MANIFEST_FILE}: name "${m.name}" does not match its folder "${folder}" (a plugin is named by its folder)` };
  }
  const commands: CommandSpec[] = Object.entries(m.commands ?? {}).map(([name, c]) =>
    Object.freeze({ name, description: c.description, args: argList(c.args) }),
  );
  return {
    ok: true,
    spec: Object.freeze({
      description: m.description,
      parallel: m.parallel,
      source: 'plugin.json',
      commands,
      args: argList(m.args ?? {}),
    }),
  };
}

function argList(args: z.infer<ArgsSchema>): ArgSpec[] {
  return Object.entries(args).map(([name, a]) =>
    Object.freeze({
      name,
      aliases: a.aliases ?? [],
      type: a.type,
      required: a.required,
      repeatable: a.repeatable,
      list: a.list,
      positional: a.positional,
      choices: a.choices?.map(String),
      metavar: a.metavar,
      help: a.description,
      ...(a.flag === undefined ? {} : { flag: a.flag }),
    }),
  );
}

// The manifest that describes `spec` exactly: how an introspected plugin is cached.
export function manifestOf(spec: PluginSpec): Manifest {
  const args = (list: readonly ArgSpec[]): z.infer<ArgsSchema> =>
    Object.fromEntries(
      list.map((a) => [
        a.name,
        {
          type: a.type,
          required: a.required,
          repeatable: a.repeatable,
          list: a.list,
          positional: a.positional,
          ...(a.choices === undefined ? {} : { choices: [...a.choices] }),
          ...(a.help === undefined ? {} : { description: a.help }),
          ...(a.metavar === undefined ? {} : { metavar: a.metavar }),
          ...(a.aliases.length === 0 ? {} : { aliases: [...a.aliases] }),
          ...(a.flag === undefined ? {} : { flag: a.flag }),
        },
      ]),
    );
  return {
    ...(spec.description === undefined ? {} : { description: spec.description }),
    parallel: spec.parallel,
    ...(spec.commands.length === 0
      ? { args: args(spec.args) }
      : { commands: Object.fromEntries(spec.commands.map((c) => [c.name, { ...(c.description === undefined ? {} : { description: c.description }), args: args(c.args) }])) }),
  };
}
