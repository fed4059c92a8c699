#!/usr/bin/env node
// The local stack's command line; the work is done in stack-lib.mjs. See README.md here.
//
//   node tools/stack/stack.mjs up        [--profile dev|test]
//   node tools/stack/stack.mjs down      [--profile dev|test]
//   node tools/stack/stack.mjs status    [--profile dev|test]
//   node tools/stack/stack.mjs env       [--profile dev|test]
//   node tools/stack/stack.mjs stop-one  nats|postgres|opensearch [--profile ...] [--hard]
//   node tools/stack/stack.mjs start-one nats|postgres|opensearch [--profile ...]

import { PROFILES, SERVER_NAMES, down, readEnv, startOne, status, stopOne, up } from './stack-lib.mjs';

const USAGE = `usage: node tools/stack/stack.mjs <command> [--profile ${Object.keys(PROFILES).join('|')}]
commands:
  up                      install what is missing, start all servers, write stack.env
  down                    stop all servers of the profile (data is kept)
  status                  show each server (exit code 3 if not all are running)
  env                     print the profile's stack.env settings
  stop-one <server>       stop one server; --hard kills it (SIGKILL / immediate) like a crash
  start-one <server>      start one server
servers: ${SERVER_NAMES.join(', ')}; default profile: dev`;

function parseArgs(argv) {
  const args = { profile: 'dev', hard: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') args.profile = argv[++i];
    else if (arg.startsWith('--profile=')) args.profile = arg.slice('--profile='.length);
    else if (arg === '--hard') args.hard = true;
    else if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else args.positional.push(arg);
  }
  return args;
}

function printEnv(env) {
  for (const [key, value] of Object.entries(env)) console.log(`${key}=${value}`);
}

function printVersions(versions) {
  const line = Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`# versions: ${line}`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const [command, server] = args.positional;
  if (args.help || !command) {
    console.log(USAGE);
    return args.help ? 0 : 2;
  }
  const { profile } = args;

  switch (command) {
    case 'up': {
      const t0 = Date.now();
      const result = await up(profile);
      console.log(`# millrace stack "${profile}" is up (${((Date.now() - t0) / 1000).toFixed(1)}s); settings in .millrace/stack/${profile}/stack.env`);
      printEnv(result.env);
      printVersions(result.versions);
      return 0;
    }
    case 'down':
      await down(profile);
      console.log(`# millrace stack "${profile}" is down`);
      return 0;
    case 'status': {
      const servers = await status(profile);
      for (const s of servers) {
        console.log(`${s.name.padEnd(11)} ${s.state.padEnd(9)} port ${String(s.port).padEnd(6)} pid ${String(s.pid ?? '-').padEnd(8)} log ${s.log}`);
      }
      return servers.every((s) => s.state === 'running') ? 0 : 3;
    }
    case 'env':
      printEnv(readEnv(profile));
      return 0;
    case 'stop-one':
      await stopOne(profile, server, { hard: args.hard });
      return 0;
    case 'start-one':
      await startOne(profile, server);
      return 0;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`stack: error: ${err.message}`);
    process.exit(1);
  },
);
