import { Option, type Command } from 'commander';
import type { Factory } from '../../../factory';
import { bucketLabels } from '../../../output/chart';
import { serialise, table, type Column } from '../../../output/format';
import { action, examples, filterOptions, filtersOf, rangeOptions } from '../../shared/command';
import { buildQuery, type QueryFilters } from '../../shared/query';
import { intervalMs } from '../histogram/command';
import { numericStats, type StatsRow } from './http';

const round = (v: number | null | undefined) => (v === null || v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(2));

export function registerStats(parent: Command, f: Factory): void {
  const command = parent
    .command('stats')
    .argument('<field>', 'a numeric field, e.g. latency_ms')
    .argument('[query]', 'only events matching this query')
    .description('count, min, max, average and percentiles of a numeric field, overall and per bucket')
    .option('--interval <interval>', 'bucket size (auto, 1m, 1h…)', 'auto')
    .option('--percentiles <list>', 'comma-separated', '50,95,99')
    .addOption(new Option('-o, --output <format>', 'table, json or yaml').choices(['table', 'json', 'yaml']).default('table'));
  filterOptions(command);
  rangeOptions(command, '-1h');
  examples(command, ['millrace graph stats latency_ms -a api --from -6h --interval 30m', 'millrace graph stats duration --percentiles 50,90,99.9']);
  action<QueryFilters & { from: string; to?: string; interval: string; percentiles: string; output: 'table' | 'json' | 'yaml' }>(command, f, async (f, [field, text], options) => {
    const stats = await numericStats(f.connect(options).services.query, {
      field: field!, q: buildQuery(text, filtersOf(options)), from: options.from, to: options.to, interval: options.interval, percentiles: options.percentiles,
    });
    if (options.output !== 'table') return void f.io.stdout.write(serialise(options.output, stats));
    const percentiles = Object.keys(stats.overall.percentiles);
    const labels = bucketLabels(stats.buckets.map((b) => b.ts), intervalMs(stats.interval));
    const rows: Array<StatsRow & { label: string }> = [{ ...stats.overall, label: 'overall' }, ...stats.buckets.map((b, i) => ({ ...b, label: labels[i] }))];
    const columns: Array<Column<StatsRow & { label: string }>> = [
      { header: stats.interval, value: (r) => r.label },
      { header: 'count', value: (r) => r.count },
      { header: 'min', value: (r) => round(r.min) },
      { header: 'avg', value: (r) => round(r.avg) },
      { header: 'max', value: (r) => round(r.max) },
      ...percentiles.map((p) => ({ header: `p${p.replace(/\.0$/, '')}`, value: (r: StatsRow) => round(r.percentiles[p]) })),
    ];
    f.io.stdout.write(table(f.io, rows, columns));
  });
}
