import { Option, type Command } from 'commander';
import type { Factory } from '../../../factory';
import { barChart } from '../../../output/chart';
import { serialise } from '../../../output/format';
import { action, examples, filterOptions, filtersOf, intOption, rangeOptions } from '../../shared/command';
import { buildQuery, type QueryFilters } from '../../shared/query';
import { topValues } from './http';

export function registerTop(parent: Command, f: Factory): void {
  const command = parent
    .command('top')
    .argument('<field>', 'the field, e.g. app, host, status or http.path')
    .argument('[query]', 'only events matching this query')
    .description('the most frequent values of a field')
    .addOption(new Option('-n, --size <n>', 'values to show (1..1000)').argParser(intOption('--size', 1, 1000)).default(10))
    .addOption(new Option('-o, --output <format>', 'chart, or json or yaml').choices(['chart', 'json', 'yaml']).default('chart'));
  filterOptions(command);
  rangeOptions(command);
  examples(command, ['millrace graph top status -a api --from -1h', 'millrace graph top host "level:error" -n 5']);
  action<QueryFilters & { from: string; to?: string; size: number; output: 'chart' | 'json' | 'yaml' }>(command, f, async (f, [field, text], options) => {
    const top = await topValues(f.connect(options).services.query, { field: field!, q: buildQuery(text, filtersOf(options)), from: options.from, to: options.to, size: options.size });
    if (options.output !== 'chart') return void f.io.stdout.write(serialise(options.output, top));
    const bars = top.values.map((v) => ({ label: String(v.value), values: [v.count] }));
    if (top.other > 0) bars.push({ label: '(other)', values: [top.other] });
    f.io.stdout.write(bars.length ? barChart(bars, { width: f.io.stdoutIsTTY ? f.io.stdout.columns ?? 80 : 80, colors: f.io.color }) : `no values of ${field}\n`);
  });
}
