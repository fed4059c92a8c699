import type { Command } from 'commander';
import { createServices } from '../../api/clients';
import { CliError, UsageError } from '../../errors';
import type { Factory } from '../../factory';
import { action, examples } from '../shared/command';
import { endSession } from './http';

export function registerLogout(parent: Command, f: Factory): void {
  const command = parent
    .command('logout')
    .argument('[profile]', 'the profile to log out of (default: the current one)')
    .description('end the session on the server and remove the profile from this machine')
    .option('--all', 'every profile');
  examples(command, ['millrace logout', 'millrace logout globex', 'millrace logout --all']);
  action<{ all?: boolean }>(command, f, async (f, [name], options) => {
    const config = f.store.read();
    const names = options.all ? Object.keys(config.profiles) : [name ?? options.profile ?? config.current].filter((n): n is string => n !== undefined);
    if (names.length === 0) throw new UsageError('not logged in: there is no profile to log out of');
    for (const n of names) {
      const profile = config.profiles[n];
      if (!profile) throw new UsageError(`no profile named "${n}" (profiles: ${Object.keys(config.profiles).join(', ') || 'none'})`);
      if (profile.session) {
        const token = profile.session.accessToken;
        const auth = createServices({ urls: { auth: profile.authUrl }, fetch: f.fetch, token: async () => token }).auth;
        // The server side is best effort: an expired access token or an unreachable server must not keep the credential here.
        await endSession(auth).catch((error: unknown) => {
          f.io.stderr.write(`${f.io.errColor.yellow('warning')}: could not end the session on the server (${error instanceof CliError ? error.message : String(error)}); it ends by itself within 15 minutes for access tokens, 30 days for refresh tokens\n`);
        });
      }
    }
    await f.store.update((c) => {
      for (const n of names) delete c.profiles[n];
      if (c.current !== undefined && names.includes(c.current)) c.current = Object.keys(c.profiles)[0];
    });
    f.io.stderr.write(`Logged out of ${names.join(', ')}.\n`);
  });
}
