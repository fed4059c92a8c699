#!/usr/bin/env node
// The local stack's command line; the work is done in stack-lib.mjs. See README.md here.
//
//   node tools/stack/stack.mjs up        [--profile dev|test|cluster|cluster-test]
//   node tools/stack/stack.mjs down      [--profile ...]
//   node tools/stack/stack.mjs status    [--profile ...]
//   node tools/stack/stack.mjs env       [--profile ...]
//   node tools/stack/stack.mjs stop-one  nats|postgres|opensearch|<node> [--profile ...] [--hard]
//   node tools/stack/stack.mjs start-one nats|postgres|opensearch|<node> [--profile ...]
//   node tools/stack/stack.mjs leader    <STREAM>|jetstream|opensearch [--profile ...]

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PROFILES, SERVER_NAMES, down, natsMetaLeader, natsStreamLeader, openSearchClusterManager, readEnv, startOne, status, stopOne, up,
} from './stack-lib.mjs';

export const USAGE = `usage: node tools/stack/stack.mjs <command> [--profile ${Object.keys(PROFILES).join('|')}]
commands:
  up                      install what is missing, start all servers, write stack.env
  down                    stop all servers of the profile (data is kept)
  status                  show each server node (exit code 3 if not all are running)
  env                     print the profile's stack.env settings
  stop-one <server>       stop a server; --hard kills it (SIGKILL / immediate) like a crash
  start-one <server>      start a server
  leader <what>           print the node leading a stream (e.g. INGEST), the JetStream meta
                          group (jetstream) or the OpenSearch cluster (opensearch)
servers: ${SERVER_NAMES.join(', ')} (every node of that kind), or one node of a clustered
profile: nats-1, nats-2, nats-3, opensearch-1, opensearch-2; default profile: dev`;

export class UsageError extends Error {
  name = 'UsageError';
}

export function parseArgs(argv) {
  const args = { profile: 'dev', hard: false, help: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') {
      args.profile = argv[++i];
      if (!args.profile) throw new UsageError(`--profile needs a value\n${USAGE}`);
    } else if (arg.startsWith('--profile=')) args.profile = arg.slice('--profile='.length);
    else if (arg === '--hard') args.hard = true;
    else if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
    else args.positional.push(arg);
  }
  if (!(args.profile in PROFILES)) throw new UsageError(`unknown profile "${args.profile}" (use one of: ${Object.keys(PROFILES).join(', ')})`);
  return args;
}

/** One line per node, as `status` prints it. */
export function statusLine(s) {
  return `${s.name.padEnd(13)} ${s.state.padEnd(9)} port ${String(s.port).padEnd(6)} pid ${String(s.pid ?? '-').padEnd(8)} log ${s.log}`;
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

async function leader(profile, what) {
  if (!what) throw new UsageError(`leader needs a stream name, jetstream or opensearch\n${USAGE}`);
  if (what === 'opensearch') return openSearchClusterManager(profile);
  if (what === 'jetstream') return natsMetaLeader(profile);
  return natsStreamLeader(profile, what);
}

export async function main(argv) {
  const args = parseArgs(argv);
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
      for (const s of servers) console.log(statusLine(s));
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
    case 'leader':
      console.log(await leader(profile, server));
      return 0;
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`stack: error: ${err.message}`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
