import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, printRecord, type OutputFormat } from '../../output/format';
import { action, examples, intOption } from '../shared/command';
import { registerResource } from '../shared/resource';
import { keysApi } from './http';

export function registerKeys(parent: Command, f: Factory): void {
  const group = registerResource(parent, f, {
    noun: 'keys',
    singular: 'key',
    description: 'ingestion keys (mlr_ik_…, write only) and service keys (mlr_sk_…, with scopes); secrets are shown once',
    api: keysApi,
    columns: [
      { header: 'id', value: (k) => k.id },
      { header: 'name', value: (k) => k.name },
      { header: 'kind', value: (k) => k.kind },
      { header: 'prefix', value: (k) => k.prefix },
      { header: 'scopes', value: (k) => k.scopes },
      { header: 'last used', value: (k) => k.lastUsedAt ?? 'never' },
    ],
    bodyFlags: (command) => command
      .option('--name <name>', 'what the key is for')
      .addOption(new Option('--kind <kind>', 'ingest (send logs) or service (read, configure)').choices(['ingest', 'service']))
      .option('--scope <scope>', 'a scope of a service key: logs:read, config:manage, keys:manage (repeatable)', (v: string, p: string[] = []) => [...p, v]),
    bodyFromFlags: (o) => ({ name: o.name, kind: o.kind, scopes: o.scope }),
    examples: {
      create: [
        'millrace keys create --name web-servers --kind ingest',
        'millrace keys create --name grafana --kind service --scope logs:read',
      ],
    },
  });
  group.description(`${group.description()}; \`keys rotate\` gives a key a new secret (keys have no other update)`);
  const rotate = group
    .command('rotate')
    .argument('<id>')
    .description('give a key a new secret (shown once); the old one keeps working for the grace period')
    .addOption(new Option('--grace-seconds <n>', 'how long the old secret still works (0..604800, default 24 h)').argParser(intOption('--grace-seconds', 0, 604_800)))
    .addOption(outputOption());
  examples(rotate, ['millrace keys rotate ID --grace-seconds 3600']);
  action<{ graceSeconds?: number; output: OutputFormat }>(rotate, f, async (f, [id], options) => {
    printRecord(f.io, options.output, await keysApi.rotate(f.connect(options).services, id!, options.graceSeconds));
  });
}
