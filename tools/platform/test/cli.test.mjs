import path from 'node:path';
import { localEnvFile, parseCli } from '../cli.mjs';

describe('the platform CLI', () => {
  it('reads the command and --profile', () => {
    expect(parseCli(['start'])).toEqual({ command: 'start', profile: undefined });
    expect(parseCli(['start', '--profile', 'cluster'])).toEqual({ command: 'start', profile: 'cluster' });
    expect(parseCli(['--profile=cluster', 'stop'])).toEqual({ command: 'stop', profile: 'cluster' });
    expect(() => parseCli(['start', '--profile', 'prod'])).toThrow(/unknown profile "prod"/);
    expect(() => parseCli(['start', '--fast'])).toThrow('unknown option --fast');
    expect(() => parseCli(['start', 'now'])).toThrow('unexpected argument now');
  });

  it('keeps the dev settings in .millrace/local.env and other profiles beside it', () => {
    expect(localEnvFile('dev', '/r')).toBe(path.join('/r', '.millrace', 'local.env'));
    expect(localEnvFile('cluster', '/r')).toBe(path.join('/r', '.millrace', 'local.cluster.env'));
  });
});
