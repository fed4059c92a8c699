import { Option, type Command } from 'commander';
import type { Factory } from '../../../factory';
import { barChart, bucketLabels } from '../../../output/chart';
import { serialise } from '../../../output/format';
import { action, examples, filterOptions, filtersOf, intOption, rangeOptions } from '../../shared/command';
import { buildQuery, type QueryFilters } from '../../shared/query';
import { histogram } from './http';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function intervalMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2]] : 60_000;
}

export function registerHistogram(parent: Command, f: Factory): void {
  const command = parent
    .command('histogram')
    .argument('[query]', 'count events matching this query')
    .description('event counts over time, drawn as bars in the terminal')
    .option('--interval <interval>', 'bucket size: auto (about 100 buckets), 30s, 5m, 1h, 1d…', 'auto')
    .option('--split <field>', 'split each bar by a field\'s top values, e.g. app or status')
    .addOption(new Option('--top <n>', 'series kept when splitting (1..20)').argParser(intOption('--top', 1, 20)))
    .addOption(new Option('-o, --output <format>', 'chart, or the counts as json or yaml').choices(['chart', 'json', 'yaml']).default('chart'));
  filterOptions(command);
  rangeOptions(command, '-1h');
  examples(command, ['millrace graph histogram -l error --from -6h --interval 10m', 'millrace graph histogram --split app --from -24h --interval 1h']);
  action<QueryFilters & { from: string; to?: string; interval: string; split?: string; top?: number; output: 'chart' | 'json' | 'yaml' }>(command, f, async (f, [text], options) => {
    const h = await histogram(f.connect(options).services.query, {
      q: buildQuery(text, filtersOf(options)), from: options.from, to: options.to, interval: options.interval, split: options.split, top: options.top,
    });
    if (options.output !== 'chart') return void f.io.stdout.write(serialise(options.output, h));
    const labels = bucketLabels(h.buckets, intervalMs(h.interval));
    const series = h.series?.length ? h.series : undefined;
    const bars = h.buckets.map((_, i) => ({ label: labels[i], values: series ? series.map((s) => s.counts[i] ?? 0) : [h.total[i] ?? 0] }));
    f.io.stdout.write(barChart(bars, { width: f.io.stdoutIsTTY ? f.io.stdout.columns ?? 80 : 80, colors: f.io.color, series: series?.map((s) => s.key) }));
    f.io.stdout.write(`${h.total.reduce((a, b) => a + b, 0)} events, ${h.interval} buckets\n`);
  });
}
