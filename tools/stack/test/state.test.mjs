import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { context, envFileText, readEnv, readVersions, writeEnv, writeVersions } from '../lib/state.mjs';

let root;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'millrace-stack-state-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the state folder', () => {
  it('writes stack.env and stack.json with the connection settings, and reads them back', () => {
    const ctx = context('cluster-test', { stateRoot: root, log: () => {} });
    const env = writeEnv(ctx);
    const text = fs.readFileSync(path.join(root, 'cluster-test', 'stack.env'), 'utf8');
    expect(text).toBe(
      [
        'NATS_URL=nats://127.0.0.1:31421,nats://127.0.0.1:31422,nats://127.0.0.1:31423',
        'DATABASE_URL=postgres://millrace:millrace@127.0.0.1:31432/millrace',
        'OPENSEARCH_URL=http://127.0.0.1:31920,http://127.0.0.1:31921',
        'JETSTREAM_REPLICAS=3',
        'INDEX_REPLICAS=1',
        '',
      ].join('\n'),
    );
    expect(readEnv('cluster-test', { stateRoot: root })).toEqual(env);
    // nothing half-written is left beside them
    expect(fs.readdirSync(path.join(root, 'cluster-test')).sort()).toEqual(['stack.env', 'stack.json']);
  });

  it('says how to start the stack when it has never been up', () => {
    expect(() => readEnv('test', { stateRoot: root })).toThrow(/start the stack first: node tools\/stack\/stack.mjs up --profile test/);
  });

  it('formats KEY=value lines a shell can source', () => {
    expect(envFileText({ A: '1', B: 'x,y' })).toBe('A=1\nB=x,y\n');
  });

  it('merges versions learnt by this run into versions.json, in a fixed order', () => {
    const first = context('test', { stateRoot: root, log: () => {} });
    first.versions = { jdk: '17.0.13', 'nats-server': 'v2.12.15' };
    writeVersions(first);
    const second = context('test', { stateRoot: root, log: () => {} });
    second.versions = { postgresql: '15.14', 'nats-server': 'v2.12.16' };
    expect(writeVersions(second)).toEqual({ 'nats-server': 'v2.12.16', postgresql: '15.14', jdk: '17.0.13' });
    expect(Object.keys(readVersions(second))).toEqual(['nats-server', 'postgresql', 'jdk']);
  });

  it('names pid and log files after the node', () => {
    const ctx = context('cluster', { stateRoot: root });
    expect(ctx.pidFile('nats-2')).toBe(path.join(root, 'cluster', 'pids', 'nats-2.pid'));
    expect(ctx.logFile('opensearch-1')).toBe(path.join(root, 'cluster', 'logs', 'opensearch-1.log'));
  });
});
