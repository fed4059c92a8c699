import type { Command } from 'commander';
import type { Factory } from '../../factory';
import { registerResource } from '../shared/resource';
import { viewsApi } from './http';

export function registerViews(parent: Command, f: Factory): void {
  registerResource(parent, f, {
    noun: 'views',
    singular: 'view',
    description: 'saved views: a named query and time range, shared by the organisation',
    api: viewsApi,
    columns: [
      { header: 'id', value: (v) => v.id },
      { header: 'name', value: (v) => v.name },
      { header: 'from', value: (v) => v.from },
      { header: 'to', value: (v) => v.to ?? 'now' },
      { header: 'query', value: (v) => v.query },
    ],
    bodyFlags: (command) => command
      .option('--name <name>', 'the name')
      .option('--query <query>', 'the query')
      .option('--from <time>', 'start of the range (-1h, ISO 8601…)')
      .option('--to <time>', 'end of the range'),
    bodyFromFlags: (o) => ({ name: o.name, query: o.query, from: o.from, to: o.to }),
    examples: {
      create: ['millrace views create --name "api errors" --query "app:api level:error" --from -1h'],
      update: ['millrace views update ID --query "app:api level:>=warn"'],
    },
  });
}
