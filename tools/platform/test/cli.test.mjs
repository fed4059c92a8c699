import path from 'node:path';
import { CLUSTER_STAGE_MINUTES, clusterStageDecision, localEnvFile, parseCli } from '../cli.mjs';

const MIN = 60_000;

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

  it('runs the clustered tests after the others only when they passed and the budget allows', () => {
    expect(clusterStageDecision({ env: {}, elapsedMs: 20 * MIN, passed: true }).run).toBe(true);
    expect(clusterStageDecision({ env: {}, elapsedMs: 20 * MIN, passed: false })).toEqual({ run: false, why: 'the other tests failed' });
    const late = clusterStageDecision({ env: {}, elapsedMs: (60 - CLUSTER_STAGE_MINUTES + 1) * MIN, passed: true });
    expect(late.run).toBe(false);
    expect(late.why).toMatch(/exceed the 60-minute budget/);
    expect(clusterStageDecision({ env: { MILLRACE_TEST_BUDGET_MINUTES: '120' }, elapsedMs: 70 * MIN, passed: true }).run).toBe(true);
  });

  it('lets MILLRACE_TEST_CLUSTER force the clustered tests on or off', () => {
    expect(clusterStageDecision({ env: { MILLRACE_TEST_CLUSTER: '1' }, elapsedMs: 500 * MIN, passed: false }).run).toBe(true);
    expect(clusterStageDecision({ env: { MILLRACE_TEST_CLUSTER: '0' }, elapsedMs: 0, passed: true }).run).toBe(false);
  });
});
