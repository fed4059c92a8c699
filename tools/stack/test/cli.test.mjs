import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, parseArgs, statusLine } from '../stack.mjs';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'stack.mjs');

describe('stack.mjs arguments', () => {
  it('defaults to the dev profile', () => {
    expect(parseArgs(['up'])).toEqual({ profile: 'dev', hard: false, help: false, positional: ['up'] });
  });

  it('takes --profile in both spellings, --hard and the server', () => {
    expect(parseArgs(['stop-one', 'nats-2', '--profile', 'cluster', '--hard'])).toMatchObject({ profile: 'cluster', hard: true, positional: ['stop-one', 'nats-2'] });
    expect(parseArgs(['--profile=cluster-test', 'status'])).toMatchObject({ profile: 'cluster-test', positional: ['status'] });
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it('refuses unknown options and profiles with a usage error', () => {
    expect(() => parseArgs(['up', '--force'])).toThrow(UsageError);
    expect(() => parseArgs(['up', '--force'])).toThrow(/unknown option --force\nusage:/);
    expect(() => parseArgs(['up', '--profile', 'prod'])).toThrow('unknown profile "prod" (use one of: dev, test, cluster, cluster-test)');
    expect(() => parseArgs(['up', '--profile'])).toThrow(/--profile needs a value/);
  });

  it('prints one aligned line per node', () => {
    expect(statusLine({ name: 'nats-2', state: 'running', port: 30422, pid: 123, log: '/l' })).toBe('nats-2        running   port 30422  pid 123      log /l');
  });

  it('exits 2 with the usage on a bad command line, without touching any server', () => {
    const bad = spawnSync(process.execPath, [CLI, 'up', '--profile', 'prod'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown profile "prod"');
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(help).toContain('leader <what>');
  });
});
