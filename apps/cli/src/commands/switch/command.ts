import type { Command } from 'commander';
import { UsageError } from '../../errors';
import type { Factory } from '../../factory';
import { outputOption, printList, type OutputFormat } from '../../output/format';
import { action, examples } from '../shared/command';

export function registerSwitch(parent: Command, f: Factory): void {
  const command = parent
    .command('switch')
    .argument('[profile-or-org]', 'a profile name, or an organisation you have a profile for')
    .description('choose the profile (server and organisation) later commands use; without an argument, list them')
    .addOption(outputOption());
  examples(command, ['millrace switch', 'millrace switch globex']);
  action<{ output: OutputFormat }>(command, f, async (f, [target], options) => {
    const config = f.store.read();
    const entries = Object.entries(config.profiles);
    if (target === undefined) {
      printList(f.io, options.output, entries.map(([name, p]) => ({ current: name === config.current, name, org: p.org, user: p.user, role: p.role, server: p.authUrl })), [
        { header: ' ', value: (r) => (r.current ? '*' : '') },
        { header: 'profile', value: (r) => r.name },
        { header: 'org', value: (r) => r.org },
        { header: 'user', value: (r) => r.user },
        { header: 'role', value: (r) => r.role },
        { header: 'server', value: (r) => r.server },
      ], 'no profiles: log in with `millrace login`');
      return;
    }
    const currentServer = config.current !== undefined ? config.profiles[config.current]?.authUrl : undefined;
    const byOrg = entries.filter(([, p]) => p.org === target).sort(([, a]) => (a.authUrl === currentServer ? -1 : 1));
    const name = config.profiles[target] ? target : byOrg[0]?.[0];
    if (name === undefined) {
      throw new UsageError(`no profile named "${target}" and none for an organisation of that name: log in to it with \`millrace login --org ${target}\``);
    }
    await f.store.update((c) => {
      c.current = name;
    });
    const p = config.profiles[name];
    f.io.stderr.write(`Now using profile "${name}" (${p.org ?? '?'} at ${p.authUrl ?? p.queryUrl ?? '?'}).\n`);
  });
}
