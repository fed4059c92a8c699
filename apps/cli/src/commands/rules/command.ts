import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { intOption } from '../shared/command';
import { registerResource } from '../shared/resource';
import { rulesApi } from './http';

export function registerRules(parent: Command, f: Factory): void {
  registerResource(parent, f, {
    noun: 'rules',
    singular: 'rule',
    description: 'what happens to lines as they arrive: exclude (drop, or keep out of the index), sample (keep 1 in N), parse (a regex or grok pattern)',
    api: rulesApi,
    columns: [
      { header: 'id', value: (r) => r.id },
      { header: 'kind', value: (r) => r.kind },
      { header: 'name', value: (r) => r.name },
      { header: 'enabled', value: (r) => r.enabled },
      { header: 'does', value: (r) => (r.kind === 'parse' ? `${r.pattern.kind} ${r.pattern.source}` : r.kind === 'sample' ? `1 in ${r.rate}` : r.action ?? 'drop') },
      { header: 'matches', value: (r) => [r.kind === 'parse' && r.app ? `app:${r.app}` : '', r.query ?? ''].filter(Boolean).join(' ') },
    ],
    bodyFlags: (command) => command
      .addOption(new Option('--kind <kind>', 'exclude, sample or parse').choices(['exclude', 'sample', 'parse']))
      .option('--name <name>', 'the name')
      .option('--query <query>', 'the lines it applies to')
      .addOption(new Option('--action <action>', 'exclude: drop the lines, or keep them out of the index only').choices(['drop', 'noIndex']))
      .addOption(new Option('--rate <n>', 'sample: keep one line in N').argParser(intOption('--rate', 2, 1_000_000)))
      .option('--app <app>', 'parse: only lines of this app')
      .option('--pattern <pattern>', 'parse: a regular expression with named groups (or grok with --grok)')
      .option('--grok', 'parse: the pattern is grok')
      .addOption(new Option('--position <n>', 'parse: where in the order rules are tried').argParser((v) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError('--position must be a whole number');
        return Number(v);
      }))
      .option('--disabled', 'keep the rule but do not apply it')
      .option('--enabled', 'apply the rule'),
    bodyFromFlags: (o) => ({
      kind: o.kind, name: o.name, query: o.query, action: o.action, rate: o.rate, app: o.app, position: o.position,
      pattern: o.pattern !== undefined ? { kind: o.grok ? 'grok' : 'regex', source: o.pattern } : undefined,
      enabled: o.disabled ? false : o.enabled ? true : undefined,
    }),
    examples: {
      list: ['millrace rules list', 'millrace rules list -o yaml'],
      create: [
        'millrace rules create --kind exclude --name "health checks" --query \'app:lb "GET /health"\'',
        'millrace rules create --kind exclude --name "debug out of the index" --query "level:debug" --action noIndex',
        'millrace rules create --kind sample --name "1% of access logs" --query "app:nginx status:<400" --rate 100',
        'millrace rules create --kind parse --name checkout --app checkout --pattern \'^order (?<order_id>\\d+) took (?<ms>\\d+)ms\'',
      ],
      update: ['millrace rules update ID --disabled'],
    },
  });
}
