import { Command } from 'commander';
import { USER_AGENT } from './api/clients';
import { registerAlerts } from './commands/alerts/command';
import { registerArchives } from './commands/archives/command';
import { registerCompletion } from './commands/completion/command';
import { registerDrains } from './commands/drains/command';
import { registerExport } from './commands/export/command';
import { registerFields } from './commands/fields/command';
import { registerGraph } from './commands/graph/command';
import { registerIngest } from './commands/ingest/command';
import { registerKeys } from './commands/keys/command';
import { registerLogin } from './commands/login/command';
import { registerLogout } from './commands/logout/command';
import { registerMembers } from './commands/members/command';
import { registerRules } from './commands/rules/command';
import { registerSearch } from './commands/search/command';
import { registerSwitch } from './commands/switch/command';
import { registerTail } from './commands/tail/command';
import { registerUsage } from './commands/usage/command';
import { registerViews } from './commands/views/command';
import { registerWhoami } from './commands/whoami/command';
import type { Factory } from './factory';

const FOOTER = `
Credentials: a profile saved by \`millrace login\` (in $XDG_CONFIG_HOME/millrace or ~/.config/millrace,
mode 0600), or --key / MILLRACE_KEY with MILLRACE_QUERY_URL, MILLRACE_INGEST_URL and MILLRACE_AUTH_URL.

Exit status: 0 ok, 1 failure (including 429 and unreachable servers), 2 usage error, 3 authentication
(no credential, or one refused with 401/403).

Colours only on a terminal and without NO_COLOR; progress bars only when stderr is a terminal.
`;

/** The whole command tree; every command gets the factory (its streams, config and clients). */
export function buildProgram(f: Factory): Command {
  const program = new Command('millrace')
    .description('Millrace from the terminal: search, tail, export and ship logs, and configure the organisation')
    .version(USER_AGENT.split('/')[1], '-V, --version')
    .option('--profile <name>', 'use this saved profile instead of the current one')
    .option('--key <key>', 'use this key (mlr_sk_… or, for ingest, mlr_ik_…) instead of the profile; also MILLRACE_KEY')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => f.io.stdout.write(text),
      writeErr: (text) => f.io.stderr.write(text),
      getOutHelpWidth: () => (f.io.stdoutIsTTY ? f.io.stdout.columns ?? 80 : 100),
      getErrHelpWidth: () => 100,
      outputError: (text, write) => write(f.io.errColor.red(text)),
    })
    .addHelpText('after', FOOTER);
  registerLogin(program, f);
  registerLogout(program, f);
  registerSwitch(program, f);
  registerWhoami(program, f);
  registerTail(program, f);
  registerSearch(program, f);
  registerExport(program, f);
  registerIngest(program, f);
  registerKeys(program, f);
  registerMembers(program, f);
  registerViews(program, f);
  registerAlerts(program, f);
  registerDrains(program, f);
  registerRules(program, f);
  registerArchives(program, f);
  registerUsage(program, f);
  registerFields(program, f);
  registerGraph(program, f);
  registerCompletion(program, f, program);
  return program;
}
