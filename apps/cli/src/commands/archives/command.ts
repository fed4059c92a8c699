import type { Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, printList, printRecord, type OutputFormat } from '../../output/format';
import { action, examples } from '../shared/command';
import { bodyOf, bodyOptions } from '../shared/resource';
import { archivesApi, type Archive, type Rehydration } from './http';

type Out = { output: OutputFormat };

/**
 * An organisation has one archive, so `list` shows it as a one-row table with its status and
 * `get`/`update`/`delete` need no id; rehydrations (archived lines made searchable again) are
 * the archive's own list.
 */
export function registerArchives(parent: Command, f: Factory): void {
  const group = parent.command('archives').description('the archive (S3-compatible store or folder) and rehydrations of archived ranges back into search');
  const columns = [
    { header: 'type', value: (a: Archive & { status?: string }) => a.destination?.type },
    { header: 'where', value: (a: Archive) => (a.destination.type === 's3' ? `s3://${a.destination.bucket}/${a.destination.prefix}` : `${a.destination.path}/${a.destination.prefix}`) },
    { header: 'enabled', value: (a: Archive) => a.enabled },
    { header: 'status', value: (a: Archive & { status?: string }) => a.status },
  ];
  const list = group.command('list').alias('ls').description('the archive and how it is doing').addOption(outputOption());
  examples(list, ['millrace archives list']);
  action<Out>(list, f, async (f, _args, options) => {
    const services = f.connect(options).services;
    const archive = await archivesApi.get(services);
    const status = await archivesApi.status(services).catch(() => undefined);
    printList<Archive & { status?: string }>(f.io, options.output, [{ ...archive, status: status ? `${status.state}${status.lastError ? `: ${status.lastError}` : ''}` : 'unknown' }], columns);
  });
  const get = group.command('get').description('the archive\'s settings (secrets are never shown)').addOption(outputOption());
  examples(get, ['millrace archives get', 'millrace archives get -o json']);
  action<Out>(get, f, async (f, _args, options) => printRecord(f.io, options.output, await archivesApi.get(f.connect(options).services)));

  for (const verb of ['create', 'update'] as const) {
    const command = bodyOptions(group.command(verb).description(verb === 'create' ? 'configure the archive' : 'replace the archive\'s settings (omit secretAccessKey to keep the stored one)')).addOption(outputOption());
    examples(command, [`millrace archives ${verb} --file archive.json`, `millrace archives ${verb} --data '{"enabled":true,"destination":{"type":"filesystem","path":"acme"}}'`]);
    action<Out & { data?: string; file?: string }>(command, f, async (f, _args, options) => {
      const body = await bodyOf(f, options);
      const services = f.connect(options).services;
      printRecord(f.io, options.output, verb === 'create' ? await archivesApi.create(services, body) : await archivesApi.replace(services, body));
    });
  }
  const remove = group.command('delete').alias('rm').description('stop archiving (archived objects stay where they are)');
  examples(remove, ['millrace archives delete']);
  action(remove, f, async (f, _args, options) => {
    await archivesApi.remove(f.connect(options).services);
    f.io.stderr.write('archiving stopped\n');
  });
  const status = group.command('status').description('how the archiver sees the destination').addOption(outputOption());
  examples(status, ['millrace archives status']);
  action<Out>(status, f, async (f, _args, options) => printRecord(f.io, options.output, await archivesApi.status(f.connect(options).services)));

  const rehydrate = group.command('rehydrate').argument('[query]', 'only archived lines matching this query')
    .description('make archived lines of a range searchable again (search them with `millrace search --rehydrated ID`)')
    .requiredOption('--from <time>', 'start').requiredOption('--to <time>', 'end').addOption(outputOption());
  examples(rehydrate, ['millrace archives rehydrate "app:checkout level:error" --from 2025-01-05T00:00 --to 2025-01-05T06:00']);
  action<Out & { from: string; to: string }>(rehydrate, f, async (f, [query], options) => {
    printRecord(f.io, options.output, await archivesApi.rehydrate(f.connect(options).services, { from: options.from, to: options.to, query: query ?? '' }));
  });
  const jobs = group.command('rehydrations').argument('[id]', 'one job').description('rehydration jobs, newest first').addOption(outputOption());
  examples(jobs, ['millrace archives rehydrations', 'millrace archives rehydrations JOB_ID -o yaml']);
  action<Out>(jobs, f, async (f, [id], options) => {
    const services = f.connect(options).services;
    if (id) return printRecord(f.io, options.output, await archivesApi.rehydration(services, id));
    printList<Rehydration>(f.io, options.output, await archivesApi.rehydrations(services), [
      { header: 'id', value: (j) => j.id },
      { header: 'state', value: (j) => j.state },
      { header: 'from', value: (j) => j.from },
      { header: 'to', value: (j) => j.to },
      { header: 'query', value: (j) => j.query },
    ], 'no rehydrations');
  });
}
