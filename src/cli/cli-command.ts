import { INestApplicationContext } from '@nestjs/common';

export interface CliArgs {
  /** Words after the command name. */
  positional: string[];
  /** --name value pairs (a flag without a value is "true"). */
  flags: Record<string, string>;
}

export interface CliCommand {
  name: string;
  usage: string;
  /** Whether the command needs the database (an app context); keygen-style commands do not. */
  needsApp: boolean;
  run(args: CliArgs, app: INestApplicationContext | null, out: (line: string) => void): Promise<void>;
}

/** A usage error: printed as one line, exit code 2. */
export class CliUsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const [name, inline] = word.slice(2).split('=', 2);
    if (inline !== undefined) flags[name] = inline;
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags[name] = argv[++i];
    else flags[name] = 'true';
  }
  return { positional, flags };
}

export function requireFlag(args: CliArgs, name: string): string {
  const value = args.flags[name];
  if (!value || value === 'true') throw new CliUsageError(`--${name} is required`);
  return value;
}
