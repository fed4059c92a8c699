import type { Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, serialise, table, type Column, type OutputFormat } from '../../output/format';
import { formatBytes } from '../export/command';
import { action, examples } from '../shared/command';
import { getUsage, type Tally } from './http';

export function registerUsage(parent: Command, f: Factory): void {
  const command = parent
    .command('usage')
    .description('the volume of a UTC day by app (received, kept, excluded, sampled, over quota) and the daily quota')
    .option('--day <YYYY-MM-DD>', 'the UTC day (default: today)')
    .addOption(outputOption());
  examples(command, ['millrace usage', 'millrace usage --day 2025-01-05 -o json']);
  action<{ day?: string; output: OutputFormat }>(command, f, async (f, _args, options) => {
    const usage = await getUsage(f.connect(options).services.query, options.day);
    if (options.output !== 'table') return void f.io.stdout.write(serialise(options.output, usage));
    const columns: Array<Column<Tally & { app: string }>> = [
      { header: 'app', value: (r) => r.app },
      { header: 'received', value: (r) => r.received },
      { header: 'kept', value: (r) => r.kept },
      { header: 'kept bytes', value: (r) => formatBytes(r.keptBytes) },
      { header: 'excluded', value: (r) => r.excluded },
      { header: 'sampled out', value: (r) => r.sampled },
      { header: 'not indexed', value: (r) => r.noIndex },
      { header: 'over quota', value: (r) => r.overQuota },
    ];
    f.io.stdout.write(`${usage.tenant}, ${usage.day} (UTC)\n`);
    f.io.stdout.write(table(f.io, [...usage.apps, { ...usage.totals, app: 'all apps' }], columns));
    const limit = usage.quota?.limitBytes;
    f.io.stdout.write(`daily quota: ${limit ? `${formatBytes(limit)}${usage.quota.exceeded ? ' — exceeded, new lines are dropped until midnight UTC' : ''}` : 'none'}\n`);
  });
}
