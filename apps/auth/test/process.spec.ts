// The built service and CLI as operators run them: first-owner set-up by settings and by
// command, the existing create-org contract, and no secret in the logs.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, TEST_ENCRYPTION_KEY, stackEnv, startAuth, testConfig, uid, type AuthApp } from './support';

const DIST = path.join(REPO_ROOT, 'apps', 'auth', 'dist');
const run = promisify(execFile);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function http(port: number, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

describe('the built auth service and CLI', () => {
  let migrated: AuthApp;

  beforeAll(async () => {
    // Tests must never run a stale build.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'apps/auth/tsconfig.app.json'], { cwd: REPO_ROOT, stdio: 'pipe' });
    migrated = await startAuth(testConfig()); // applies migrations
    await migrated.close();
  }, 120_000);

  it('creates the first owner from AUTH_BOOTSTRAP_* on start (once), and never logs passwords', async () => {
    const org = uid('boot');
    const email = `owner@${org}.example`;
    const password = `bootstrap-${uid('pw')}`;
    const wrongPassword = `wrong-${uid('pw')}-do-not-log`;
    const port = await freePort();
    const env = {
      ...process.env, ...stackEnv(), AUTH_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port),
      LOG_LEVEL: 'trace', AUTH_BOOTSTRAP_ORG: org, AUTH_BOOTSTRAP_OWNER_EMAIL: email, AUTH_BOOTSTRAP_OWNER_PASSWORD: password,
    };
    let output = '';
    const start = (): ChildProcess => {
      const child = spawn(process.execPath, [path.join(DIST, 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      return child;
    };
    const ready = async () => {
      for (let i = 0; i < 150; i++) {
        try {
          if ((await http(port, 'GET', '/health/live')).status === 200) return;
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`auth did not start:\n${output}`);
    };
    const stop = async (child: ChildProcess) => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    };

    let child = start();
    try {
      await ready();
      const login = await http(port, 'POST', '/v1/sessions', { email, password });
      expect(login.status).toBe(201);
      const token = login.json().accessToken as string;
      expect(login.json()).toMatchObject({ org, role: 'owner' });
      const failed = await http(port, 'POST', '/v1/sessions', { email, password: wrongPassword });
      expect(failed.status).toBe(401);
      expect(failed.text).not.toContain(wrongPassword);
      await http(port, 'GET', '/v1/org', undefined, { authorization: `Bearer ${token}` });
      const key = await http(port, 'POST', '/v1/keys', { name: 'k', kind: 'ingest' }, { authorization: `Bearer ${token}` });
      expect(key.status).toBe(201);
      const secret = key.json().secret as string;
      await http(port, 'GET', '/v1/me', undefined, { apikey: secret });
      await http(port, 'GET', `/v1/me?token=${secret}`);
      expect((await http(port, 'GET', '/.well-known/jwks.json')).json().keys.length).toBeGreaterThan(0);
      expect((await http(port, 'GET', '/docs/openapi.json')).json().paths).toHaveProperty('/v1/keys/{id}/rotate');
      expect((await http(port, 'GET', '/health/ready')).status).toBe(200);

      // A second start does not touch an organisation that has its owner.
      await stop(child);
      child = start();
      await ready();
      expect((await http(port, 'POST', '/v1/sessions', { email, password })).status).toBe(201);
    } finally {
      await stop(child);
    }
    expect(output).toMatch(/created the first owner/);
    expect(output).toMatch(/already has an owner: AUTH_BOOTSTRAP_\* settings ignored/);
    expect(output).toMatch(/"path":"\/v1\/sessions"/); // requests are logged...
    for (const secret of [password, wrongPassword, 'accessToken', 'mlr_ik_', 'mlr_rt_', TEST_ENCRYPTION_KEY]) {
      expect({ secret, logged: output.includes(secret) }).toEqual({ secret, logged: false }); // ...their secrets never
    }
  }, 60_000);

  it('create-owner makes the first owner from a password file, and refuses a second time', async () => {
    const org = uid('cli');
    const dir = mkdtempSync(path.join(tmpdir(), 'auth-cli-'));
    const file = path.join(dir, 'password');
    writeFileSync(file, 'a password from a file\n', { mode: 0o600 });
    const env = { ...process.env, ...stackEnv() };
    const cli = (...args: string[]) => run(process.execPath, [path.join(DIST, 'cli.js'), ...args], { env });

    const { stdout } = await cli('create-owner', '--org', org, '--email', ` Root@${org}.Example `, '--password-file', file);
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ created: true, org, orgCreated: true, userCreated: true, email: `root@${org}.example` });
    await expect(cli('create-owner', '--org', org, '--email', `other@${org}.example`, '--password-file', file))
      .rejects.toMatchObject({ stderr: expect.stringContaining(`organisation ${org} already has an owner`) });
    await expect(run(process.execPath, [path.join(DIST, 'cli.js'), 'create-owner', '--org', uid('cli'), '--email', 'a@b.example'], {
      env: { ...env, AUTH_BOOTSTRAP_OWNER_PASSWORD: 'short' },
    })).rejects.toMatchObject({ stderr: expect.stringContaining('at least 12 characters') });

    const auth = await startAuth();
    try {
      const login = await auth.call('POST', '/v1/sessions', { body: { email: `root@${org}.example`, password: 'a password from a file' } });
      expect(login.status).toBe(201);
      expect(login.body.role).toBe('owner');
    } finally {
      await auth.close();
    }
  });

  it('keeps create-org as the platform launcher uses it', async () => {
    const org = uid('launch');
    const { stdout } = await run(process.execPath, [path.join(DIST, 'cli.js'), 'create-org', '--org', org, '--ingest-key', `${org}-ingest`, '--read-key', `${org}-read`], {
      env: { ...process.env, ...stackEnv() },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ org, created: true, ingestKey: expect.stringMatching(/^mlr_ik_/), readKey: expect.stringMatching(/^mlr_sk_/) });
    const auth = await startAuth();
    try {
      expect((await auth.call('GET', '/v1/me', { auth: out.readKey })).body).toMatchObject({ tenant: org, kind: 'service', scopes: ['logs:read'] });
      expect((await auth.call('GET', '/v1/me', { auth: out.ingestKey })).body).toMatchObject({ tenant: org, kind: 'ingest', scopes: ['logs:write'] });
    } finally {
      await auth.close();
    }
  });
});
