import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { registerResource } from '../shared/resource';
import { membersApi } from './http';

const ROLES = ['owner', 'admin', 'member', 'viewer'];

export function registerMembers(parent: Command, f: Factory): void {
  registerResource(parent, f, {
    noun: 'members',
    singular: 'member',
    idName: 'user-id',
    description: 'members of the organisation and their roles (owner, admin, member, viewer)',
    api: membersApi,
    columns: [
      { header: 'user id', value: (m) => m.userId },
      { header: 'email', value: (m) => m.email },
      { header: 'name', value: (m) => m.name },
      { header: 'role', value: (m) => m.role },
      { header: 'joined', value: (m) => m.joinedAt },
    ],
    bodyFlags: (command, verb) => {
      command.addOption(new Option('--role <role>', 'the role').choices(ROLES));
      if (verb === 'create') {
        command
          .option('--email <email>', 'their e-mail address')
          .option('--name <name>', 'their name')
          .option('--password <password>', 'an initial password for a new user (at least 12 characters; prefer --file)');
      }
    },
    bodyFromFlags: (o) => ({ email: o.email, name: o.name, role: o.role, password: o.password }),
    examples: {
      create: ['millrace members create --email ada@example.com --role member --name Ada --password "an initial password"'],
      update: ['millrace members update USER_ID --role admin'],
    },
  });
}
