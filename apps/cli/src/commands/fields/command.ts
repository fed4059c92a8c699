import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, printList, type OutputFormat } from '../../output/format';
import { action, examples, filterOptions, filtersOf, intOption, rangeOptions } from '../shared/command';
import { buildQuery, type QueryFilters } from '../shared/query';
import { discoverFields } from './http';

export function registerFields(parent: Command, f: Factory): void {
  const command = parent
    .command('fields')
    .argument('[query]', 'only events matching this query')
    .description('the fields present in recent events, with their types and example values')
    .addOption(new Option('--sample <n>', 'events to look at (1..5000)').argParser(intOption('--sample', 1, 5000)))
    .addOption(outputOption());
  filterOptions(command);
  rangeOptions(command);
  examples(command, ['millrace fields', 'millrace fields -a checkout --from -1h -o json']);
  action<QueryFilters & { from: string; to?: string; sample?: number; output: OutputFormat }>(command, f, async (f, [text], options) => {
    const { fields } = await discoverFields(f.connect(options).services.query, { q: buildQuery(text, filtersOf(options)), from: options.from, to: options.to, sample: options.sample });
    printList(f.io, options.output, fields, [
      { header: 'field', value: (x) => x.name },
      { header: 'types', value: (x) => x.types },
      { header: 'seen', value: (x) => x.count },
      { header: 'examples', value: (x) => x.examples.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(', ') },
    ], 'no fields in the sample');
  });
}
