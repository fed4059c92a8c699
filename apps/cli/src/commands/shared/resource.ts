import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Services } from '../../api/clients';
import { UsageError } from '../../errors';
import type { Factory } from '../../factory';
import { readAll } from '../../io/prompt';
import { outputOption, printList, printRecord, type Column, type OutputFormat } from '../../output/format';
import { action, examples } from './command';

/** The HTTP calls of one kind of configuration object (each noun's http.ts provides them). */
export interface ResourceApi<T> {
  list(services: Services): Promise<T[]>;
  get(services: Services, id: string): Promise<T>;
  create?(services: Services, body: Record<string, unknown>): Promise<T>;
  update?(services: Services, id: string, body: Record<string, unknown>): Promise<T>;
  remove(services: Services, id: string): Promise<void>;
}

export interface ResourceSpec<T> {
  /** The command name, plural: `views`. */
  noun: string;
  /** One of them, for messages: `view`. */
  singular: string;
  description: string;
  idName?: string;
  columns: Column<T>[];
  api: ResourceApi<T>;
  /** Flags that fill the body of create and update (besides --data and --file). */
  bodyFlags?(command: Command, verb: 'create' | 'update'): void;
  bodyFromFlags?(options: Record<string, unknown>, verb: 'create' | 'update'): Record<string, unknown>;
  examples: Partial<Record<'list' | 'get' | 'create' | 'update' | 'delete', string[]>>;
}

interface BodyOptions {
  data?: string;
  file?: string;
}

/** The body: --data JSON or --file (a path, or - for standard input), then the flags on top. */
export async function bodyOf(f: Factory, options: BodyOptions, fromFlags: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  if (options.data !== undefined && options.file !== undefined) throw new UsageError('give --data or --file, not both');
  let text: string | undefined = options.data;
  if (options.file !== undefined) text = options.file === '-' ? await readAll(f.io.stdin) : readFileSync(options.file, 'utf8');
  let base: unknown = {};
  if (text !== undefined) {
    try {
      base = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${options.file ?? '--data'} is not JSON: ${(error as Error).message}`);
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UsageError('the body must be a JSON object');
  }
  const flags = Object.fromEntries(Object.entries(fromFlags).filter(([, v]) => v !== undefined));
  return { ...(base as Record<string, unknown>), ...flags };
}

export function bodyOptions(command: Command): Command {
  return command
    .option('-d, --data <json>', 'the body as JSON (flags are applied on top of it)')
    .option('-f, --file <file>', 'read the JSON body from a file (- for standard input)');
}

/** `<noun> list|get|create|update|delete`, the same way for every kind of object. */
export function registerResource<T extends object>(parent: Command, f: Factory, spec: ResourceSpec<T>): Command {
  const group = parent.command(spec.noun).description(spec.description);
  const id = spec.idName ?? 'id';
  const list = group.command('list').alias('ls').description(`list the organisation's ${spec.noun}`).addOption(outputOption());
  examples(list, spec.examples.list ?? [`millrace ${spec.noun} list`, `millrace ${spec.noun} list -o json`]);
  action<{ output: OutputFormat }>(list, f, async (f, _args, options) => {
    printList(f.io, options.output, await spec.api.list(f.connect(options).services), spec.columns, `no ${spec.noun}`);
  });

  const get = group.command('get').argument(`<${id}>`).description(`show one ${spec.singular}`).addOption(outputOption());
  examples(get, spec.examples.get ?? [`millrace ${spec.noun} get ID`, `millrace ${spec.noun} get ID -o yaml`]);
  action<{ output: OutputFormat }>(get, f, async (f, [key], options) => {
    printRecord(f.io, options.output, await spec.api.get(f.connect(options).services, key!));
  });

  for (const verb of ['create', 'update'] as const) {
    const run = verb === 'create' ? spec.api.create : spec.api.update;
    if (!run) continue;
    const command = group.command(verb).description(verb === 'create' ? `add a ${spec.singular}` : `change fields of a ${spec.singular}`);
    if (verb === 'update') command.argument(`<${id}>`);
    bodyOptions(command);
    spec.bodyFlags?.(command, verb);
    command.addOption(outputOption());
    examples(command, spec.examples[verb] ?? []);
    action<BodyOptions & { output: OutputFormat }>(command, f, async (f, args, options) => {
      const body = await bodyOf(f, options, spec.bodyFromFlags?.(options as unknown as Record<string, unknown>, verb));
      if (verb === 'update' && Object.keys(body).length === 0) throw new UsageError('nothing to change: give flags, --data or --file');
      const services = f.connect(options).services;
      const result = verb === 'create' ? await spec.api.create!(services, body) : await spec.api.update!(services, args[0]!, body);
      printRecord(f.io, options.output, result);
    });
  }

  const remove = group.command('delete').alias('rm').argument(`<${id}>`).description(`delete a ${spec.singular}`);
  examples(remove, spec.examples.delete ?? [`millrace ${spec.noun} delete ID`]);
  action(remove, f, async (f, [key], options) => {
    await spec.api.remove(f.connect(options).services, key!);
    f.io.stderr.write(`deleted ${spec.singular} ${key}\n`);
  });
  return group;
}
