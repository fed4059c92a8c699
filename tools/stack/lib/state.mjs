// A profile's state folder: the run context handed to every server, and the files `up` writes
// for clients (stack.env, stack.json) and for people (versions.json).
import fs from 'node:fs';
import path from 'node:path';
import { MILLRACE_DIR } from './config.mjs';
import { writeFileAtomic } from './fsutil.mjs';
import { PROFILES, connectionSettings, profileOf, serverNodes, stateDir } from './profiles.mjs';

const DEFAULT_STATE_ROOT = path.join(MILLRACE_DIR, 'stack');

/** opts.log receives progress (default: stderr); opts.stateRoot moves the state folders (tests). */
export function context(profile, opts = {}) {
  const profiles = opts.profiles ?? PROFILES;
  const def = profileOf(profile, profiles);
  const state = stateDir(profile, opts.stateRoot ?? DEFAULT_STATE_ROOT, profiles);
  const log = opts.log ?? ((msg) => process.stderr.write(`[stack] ${msg}\n`));
  return {
    profile,
    def,
    nodes: serverNodes(profile, profiles),
    settings: connectionSettings(profile, profiles),
    state,
    log,
    lockDir: path.join(state, '.lock'),
    pidFile: (name) => path.join(state, 'pids', `${name}.pid`),
    logFile: (name) => path.join(state, 'logs', `${name}.log`),
    versions: {}, // filled by the installers, written to versions.json
  };
}

/** The nodes of one kind of server in this run's profile. */
export function nodesOf(ctx, kind) {
  return ctx.nodes.filter((n) => n.kind === kind);
}

/** Writes stack.env (KEY=value lines) and stack.json with the profile's connection settings. */
export function writeEnv(ctx) {
  const env = ctx.settings;
  fs.mkdirSync(ctx.state, { recursive: true });
  writeFileAtomic(path.join(ctx.state, 'stack.env'), envFileText(env));
  writeFileAtomic(path.join(ctx.state, 'stack.json'), `${JSON.stringify(env, null, 2)}\n`);
  return env;
}

export function envFileText(env) {
  return `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** The connection settings written by the last `up` of the profile. */
export function readEnv(profile = 'dev', opts = {}) {
  const file = path.join(stateDir(profile, opts.stateRoot ?? DEFAULT_STATE_ROOT, opts.profiles ?? PROFILES), 'stack.json');
  if (!fs.existsSync(file)) {
    throw new Error(`no ${file}; start the stack first: node tools/stack/stack.mjs up --profile ${profile}`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function readVersions(ctx) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ctx.state, 'versions.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** Merges what this run learnt into versions.json (servers left running keep their entry). */
export function writeVersions(ctx) {
  const merged = { ...(readVersions(ctx) ?? {}), ...ctx.versions };
  const order = ['nats-server', 'postgresql', 'opensearch', 'jdk'];
  const versions = Object.fromEntries(order.filter((k) => k in merged).map((k) => [k, merged[k]]));
  fs.mkdirSync(ctx.state, { recursive: true });
  writeFileAtomic(path.join(ctx.state, 'versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
  return versions;
}
