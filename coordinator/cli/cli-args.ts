// Argument parsing for the operator commands: positionals, `--name value` options and
// boolean flags, each command declaring which it takes. Pure; a mistake is a UsageError
// (exit 2) whose sentence names the option and the command's usage.

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ArgSpec {
  /** Options that take a value. */
  options?: readonly string[];
  /** Options without a value. */
  flags?: readonly string[];
  /** Positional names, in order; a trailing '?' marks an optional one. */
  positionals: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string>;
  flags: Set<string>;
}

/** Taken by every command (cli/operator-commands.ts reads them). */
export const GLOBAL_OPTIONS = ['--coordinator', '--tls-dir', '--tls-name'] as const;
export const GLOBAL_FLAGS = ['--json', '--verbose', '--insecure'] as const;

export function parseArgs(argv: readonly string[], spec: ArgSpec, usage: string): ParsedArgs {
  const options: Record<string, string> = {};
  const flags = new Set<string>();
  const positionals: string[] = [];
  const takesValue = [...GLOBAL_OPTIONS, ...(spec.options ?? [])];
  const isFlag = [...GLOBAL_FLAGS, ...(spec.flags ?? [])];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      if (takesValue.includes(name)) {
        const value = inline ?? argv[i + 1];
        if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`${name} needs a value; usage: ${usage}`);
        if (inline === undefined) i += 1;
        if (name in options) throw new UsageError(`${name} is given twice; usage: ${usage}`);
        options[name] = value;
      } else if (isFlag.includes(name) && inline === undefined) {
        flags.add(name);
      } else {
        throw new UsageError(`unknown option ${name}; usage: ${usage}`);
      }
    } else {
      positionals.push(arg);
    }
  }
  const required = spec.positionals.filter((p) => !p.endsWith('?')).length;
  if (positionals.length < required || positionals.length > spec.positionals.length) {
    const missing = spec.positionals[positionals.length];
    throw new UsageError(
      positionals.length < required ? `missing ${missing}; usage: ${usage}` : `unexpected argument ${positionals[spec.positionals.length]}; usage: ${usage}`,
    );
  }
  return { positionals, options, flags };
}
