import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, printRecord, serialise, type OutputFormat } from '../../output/format';
import { action, examples, intOption } from '../shared/command';
import { registerResource } from '../shared/resource';
import { alertsApi } from './http';

export function registerAlerts(parent: Command, f: Factory): void {
  const group = registerResource(parent, f, {
    noun: 'alerts',
    singular: 'alert',
    description: 'presence, absence and threshold alerts with their notification channels',
    api: alertsApi,
    columns: [
      { header: 'id', value: (a) => a.id },
      { header: 'name', value: (a) => a.name },
      { header: 'kind', value: (a) => a.kind },
      { header: 'enabled', value: (a) => a.enabled },
      { header: 'muted until', value: (a) => a.mutedUntil },
      { header: 'channels', value: (a) => a.channels?.map((c) => c.type) },
      { header: 'query', value: (a) => a.query },
    ],
    bodyFlags: (command) => command
      .option('--name <name>', 'the name')
      .addOption(new Option('--kind <kind>', 'what fires it').choices(['presence', 'absence', 'threshold']))
      .option('--query <query>', 'the lines it watches'),
    bodyFromFlags: (o) => ({ name: o.name, kind: o.kind, query: o.query }),
    examples: {
      create: [
        'millrace alerts create --file alert.json',
        'millrace alerts create --name "checkout errors" --kind presence --query "app:checkout level:error" \\\n      --data \'{"count":5,"windowSeconds":60,"channels":[{"type":"webhook","url":"https://hooks.example.com/x"}]}\'',
      ],
      update: ['millrace alerts update ID --query "app:checkout level:fatal"'],
    },
  });
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    const command = group.command(verb).argument('<id>').description(`${verb} an alert`).addOption(outputOption());
    examples(command, [`millrace alerts ${verb} ID`]);
    action<{ output: OutputFormat }>(command, f, async (f, [id], options) => {
      printRecord(f.io, options.output, await alertsApi.setEnabled(f.connect(options).services, id!, enabled));
    });
  }
  const test = group.command('test').argument('<id>').description('would the alert have fired over a past range (default the last hour)?')
    .option('--from <time>', 'start of the range').option('--to <time>', 'end of the range');
  examples(test, ['millrace alerts test ID --from -24h']);
  action<{ from?: string; to?: string }>(test, f, async (f, [id], options) => {
    f.io.stdout.write(serialise('yaml', await alertsApi.test(f.connect(options).services, id!, { from: options.from, to: options.to })));
  });
  const history = group.command('history').argument('<id>').description('state, firings and notifications of an alert')
    .addOption(new Option('-n, --limit <n>', 'entries').argParser(intOption('--limit', 1, 1000)).default(100))
    .addOption(new Option('-o, --output <format>').choices(['json', 'yaml']).default('yaml'));
  examples(history, ['millrace alerts history ID -n 20', 'millrace alerts history ID -o json | jq .notifications']);
  action<{ limit: number; output: 'json' | 'yaml' }>(history, f, async (f, [id], options) => {
    f.io.stdout.write(serialise(options.output, await alertsApi.history(f.connect(options).services, id!, options.limit)));
  });
}
