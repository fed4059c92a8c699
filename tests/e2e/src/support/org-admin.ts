import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from './http';
import { REPO_ROOT, PROFILE, stackEnv } from './stack';

/** Which local profile's servers an operator command talks to (the test profile unless said). */
export interface ProfileTarget {
  profile: string;
  env: object;
}

/** A first owner for an organisation, made through the auth CLI (as an operator would); idempotent. */
export function createOwner(org: string, target: ProfileTarget = { profile: PROFILE, env: stackEnv() }): { email: string; password: string } {
  const email = `owner@${org}.example`;
  const password = `pw-${org}-0123456789`;
  const secretsFile = path.join(REPO_ROOT, '.millrace', 'services', target.profile, 'secrets.json');
  const secrets = existsSync(secretsFile) ? (JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>) : {};
  try {
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'apps', 'auth', 'dist', 'cli.js'), 'create-owner', '--org', org, '--email', email], {
      env: { ...process.env, ...target.env, ...secrets, AUTH_BOOTSTRAP_OWNER_PASSWORD: password },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    if (!/already has an owner/.test(String((error as { stderr?: Buffer }).stderr ?? ''))) throw error;
  }
  return { email, password };
}

/**
 * Change an organisation's settings the way its owner would: a first owner through the auth
 * CLI, a session through `POST /v1/sessions`, then `PATCH /v1/org/settings`.
 */
export async function setOrgSettings(
  authUrl: string, org: string, settings: { ingestRateLimit?: number; dailyQuotaBytes?: number }, target?: ProfileTarget,
): Promise<void> {
  const { email, password } = createOwner(org, target);
  const session = await request<{ accessToken: string }>('POST', `${authUrl}/v1/sessions`, { body: { email, password, org } });
  if (session.status >= 300) throw new Error(`log-in answered ${session.status}: ${JSON.stringify(session.body)}`);
  const changed = await request('PATCH', `${authUrl}/v1/org/settings`, { body: settings, headers: { authorization: `Bearer ${session.body.accessToken}` } });
  if (changed.status >= 300) throw new Error(`settings answered ${changed.status}: ${JSON.stringify(changed.body)}`);
}

/** A session access token of the organisation's owner (made through the auth CLI on first use). */
export async function ownerSession(authUrl: string, org: string): Promise<string> {
  const { email, password } = createOwner(org);
  const session = await request<{ accessToken: string }>('POST', `${authUrl}/v1/sessions`, { body: { email, password, org } });
  if (session.status >= 300) throw new Error(`log-in answered ${session.status}: ${JSON.stringify(session.body)}`);
  return session.body.accessToken;
}

/** One counter of the gateway's /metrics (0 when absent). */
export async function gatewayMetric(ingestUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${ingestUrl}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (want.length === 0 && line.startsWith(`${name} `)) return Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (want.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
