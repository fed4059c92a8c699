import { Command, InvalidArgumentError, Option } from 'commander';
import type { GlobalOptions } from '../../api/connect';
import type { Factory } from '../../factory';
import type { QueryFilters } from './query';

/** Add "Examples:" to a command's --help. */
export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** -a/-H/-l/-t: compiled into the query (several values: any of them). */
export function filterOptions(command: Command): Command {
  return command
    .option('-a, --app <app>', 'only this app (repeat or comma-separate for several; * wildcards)', collect)
    .option('-H, --host <host>', 'only this host', collect)
    .option('-l, --level <level>', 'only this level (trace, debug, info, warn, error, fatal)', collect)
    .option('-t, --tag <tag>', 'only lines with this tag', collect);
}

export function filtersOf(options: QueryFilters): QueryFilters {
  return { app: options.app, host: options.host, level: options.level, tag: options.tag };
}

/** --from/--to with the forms every query endpoint reads. */
export function rangeOptions(command: Command, defaultFrom = '-24h'): Command {
  return command
    .addOption(new Option('--from <time>', 'start: now, -15m, now-1h, -7d, epoch ms or ISO 8601').default(defaultFrom))
    .option('--to <time>', 'end, in the same forms (default: now)');
}

export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/**
 * The action of a command: the positional arguments, then the command's options merged with
 * the global ones (--profile, --key).
 */
export function action<O extends object>(
  command: Command,
  f: Factory,
  run: (f: Factory, args: Array<string | undefined>, options: O & GlobalOptions) => Promise<void>,
): Command {
  return command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const args = received.slice(0, -2) as Array<string | undefined>;
    await run(f, args, self.optsWithGlobals() as O & GlobalOptions);
  });
}
