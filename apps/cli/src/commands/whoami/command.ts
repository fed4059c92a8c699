import type { Command } from 'commander';
import type { Factory } from '../../factory';
import { outputOption, printRecord, type OutputFormat } from '../../output/format';
import { whoAmI } from '../login/http';
import { action, examples } from '../shared/command';

export function registerWhoami(parent: Command, f: Factory): void {
  const command = parent
    .command('whoami')
    .description('show the credential in use: organisation, kind, role, scopes and the servers')
    .addOption(outputOption());
  examples(command, ['millrace whoami', 'MILLRACE_KEY=mlr_sk_… millrace whoami -o json']);
  action<{ output: OutputFormat }>(command, f, async (f, _args, options) => {
    const connection = f.connect(options);
    const me = await whoAmI(connection.services.auth);
    printRecord(f.io, options.output, {
      profile: connection.profileName, org: me.tenant, kind: me.kind, role: me.role, user: connection.profileName ? connection.profile?.user : undefined, scopes: me.scopes,
      queryUrl: connection.urls.query, authUrl: connection.urls.auth, ingestUrl: connection.urls.ingest,
    });
  });
}
