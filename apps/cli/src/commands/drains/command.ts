import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { registerResource } from '../shared/resource';
import { drainsApi } from './http';

export function registerDrains(parent: Command, f: Factory): void {
  registerResource(parent, f, {
    noun: 'drains',
    singular: 'drain',
    description: 'drains: push the organisation\'s lines to an HTTP(S) or syslog endpoint',
    api: drainsApi,
    columns: [
      { header: 'id', value: (d) => d.id },
      { header: 'name', value: (d) => d.name },
      { header: 'enabled', value: (d) => d.enabled },
      { header: 'url', value: (d) => d.url },
      { header: 'query', value: (d) => d.query },
    ],
    bodyFlags: (command) => command
      .option('--name <name>', 'the name')
      .option('--url <url>', 'http(s)://…, syslog+tcp://host:port or syslog+tls://host:port')
      .addOption(new Option('--format <format>', 'for HTTP drains').choices(['logplex', 'json']))
      .option('--query <query>', 'only lines matching this query')
      .option('--enabled', 'deliver (default)')
      .option('--disabled', 'keep it but deliver nothing'),
    bodyFromFlags: (o) => ({ name: o.name, url: o.url, format: o.format, query: o.query, enabled: o.disabled ? false : o.enabled ? true : undefined }),
    examples: {
      create: ['millrace drains create --name papertrail --url syslog+tls://logs.example.com:6514 --query "level:error"'],
      update: ['millrace drains update ID --disabled'],
    },
  });
}
