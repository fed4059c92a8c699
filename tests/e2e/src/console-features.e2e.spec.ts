// The web console in a real Chromium against the whole platform, part two: live tail, saved
// views, export, keys and members, what a viewer may do, the organisation switcher and what a
// user of another organisation can see.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually, request } from './support/http';
import { logIn, openBrowser, screenshot, type Browser } from './support/browser';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';

jest.setTimeout(180_000);

let platform: Platform;
let org: OrgKeys;
let other: OrgKeys;
let browser: Browser;
let page: Page;
const password = 'a long password 0123456789';
const owner = { email: '' };
const viewer = { email: '' };
const stranger = { email: '' };
const token = `feat${Date.now().toString(36)}`;

async function ship(key: string, lines: Array<Record<string, unknown>>): Promise<void> {
  const res = await request('POST', `${platform.urls.ingest}/logs/ingest`, { key, body: { lines } });
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function searchable(key: string, q: string, count: number): Promise<void> {
  await eventually(async () => {
    const res = await request<{ events: unknown[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=1000&from=-1h`, { key });
    return res.status === 200 && res.body.events.length >= count ? true : undefined;
  }, 30_000);
}

/** A user added to an organisation by its owner, through auth's API (as the console's Members screen does). */
async function addMember(orgId: string, ownerEmail: string, email: string, role: string): Promise<void> {
  const session = await request<{ accessToken: string }>('POST', `${platform.urls.auth}/v1/sessions`, { body: { email: ownerEmail, password, org: orgId } });
  const added = await request('POST', `${platform.urls.auth}/v1/members`, { key: session.body.accessToken, body: { email, role, password } });
  if (added.status >= 300) throw new Error(`adding ${email} answered ${added.status}: ${JSON.stringify(added.body)}`);
}

const rows = (p: Page) => p.getByRole('feed', { name: 'Results' }).getByRole('article');
const tailLines = (p: Page) => p.getByRole('log', { name: 'Tail' }).locator('.line-message');

beforeAll(async () => {
  platform = await startPlatform();
  org = platform.createOrg(uniqueOrg('consolef'));
  other = platform.createOrg(uniqueOrg('consoleo'));
  owner.email = `owner@${org.org}.example`;
  viewer.email = `viewer@${org.org}.example`;
  stranger.email = `owner@${other.org}.example`;
  platform.createOwner(org.org, owner.email, password);
  platform.createOwner(other.org, stranger.email, password);
  await addMember(org.org, owner.email, viewer.email, 'viewer');
  // The owner of the first organisation also belongs to the second one (the organisation switcher).
  await addMember(other.org, stranger.email, owner.email, 'member');
  await ship(org.ingestKey, Array.from({ length: 120 }, (_, i) => ({ line: `${token} export line ${i}`, app: 'billing', level: 'info', timestamp: Date.now() - (120 - i) * 500 })));
  await ship(other.ingestKey, [{ line: `${token} secret of the other organisation`, app: 'other', level: 'info' }]);
  await searchable(org.readKey, token, 120);
  await searchable(other.readKey, token, 1);
  browser = await openBrowser({ viewport: { width: 1920, height: 1080 } });
  page = browser.page;
  await logIn(page, platform.urls.console, owner.email, password);
});

afterAll(async () => {
  await browser?.close();
  await platform?.shutdown();
});

describe('console features', () => {
  it('tails a query: a line shipped while tailing appears within 2 s', async () => {
    await page.goto(`${platform.urls.console}/tail?q=${encodeURIComponent(`${token} live`)}`);
    await page.getByRole('button', { name: 'Start' }).click();
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Live' ? true : undefined));
    const shippedAt = Date.now();
    await ship(org.ingestKey, [{ line: `${token} live one`, app: 'billing', level: 'warn' }]);
    await tailLines(page).filter({ hasText: `${token} live one` }).waitFor({ timeout: 2000 });
    expect(Date.now() - shippedAt).toBeLessThan(2000);
    await screenshot(page, '10-tail-live');
  });

  it('pauses and resumes the tail without losing the lines in between', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Paused' ? true : undefined));
    await ship(org.ingestKey, [{ line: `${token} live two`, app: 'billing', level: 'info' }]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await tailLines(page).filter({ hasText: `${token} live two` }).count()).toBe(0);
    await screenshot(page, '11-tail-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await tailLines(page).filter({ hasText: `${token} live two` }).waitFor({ timeout: 5000 });
    expect(await tailLines(page).filter({ hasText: `${token} live one` }).count()).toBe(1); // no repeat
    await page.getByRole('button', { name: 'Stop' }).click();
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Stopped' ? true : undefined));
  });

  it('reconnects after the query-api went away and resumes with the lines shipped meanwhile', async () => {
    await page.goto(`${platform.urls.console}/tail?q=${encodeURIComponent(`${token} break`)}`);
    await page.getByRole('button', { name: 'Start' }).click();
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Live' ? true : undefined));
    await ship(org.ingestKey, [{ line: `${token} break before`, app: 'billing' }]);
    await tailLines(page).filter({ hasText: `${token} break before` }).waitFor({ timeout: 5000 });
    await platform.stop('query-api');
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Reconnecting…' ? true : undefined));
    await screenshot(page, '11b-tail-reconnecting');
    await ship(org.ingestKey, [{ line: `${token} break during`, app: 'billing' }]);
    await platform.start('query-api');
    await tailLines(page).filter({ hasText: `${token} break during` }).waitFor({ timeout: 20_000 });
    await eventually(async () => ((await page.getByTestId('tail-status').textContent()) === 'Live' ? true : undefined));
    expect(await tailLines(page).filter({ hasText: `${token} break before` }).count()).toBe(1);
    await page.getByRole('button', { name: 'Stop' }).click();
  });

  it('saves a view, reopens it, renames it and deletes it', async () => {
    await page.goto(`${platform.urls.console}/search?q=${encodeURIComponent(`${token} export`)}&from=-1h`);
    await rows(page).first().waitFor();
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByLabel('View name').fill('billing export lines');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('link', { name: 'Saved views' }).click();
    await page.getByRole('link', { name: 'Open view billing export lines' }).waitFor();
    await screenshot(page, '12-views');
    await page.getByRole('link', { name: 'Open view billing export lines' }).click();
    await expect(page.getByRole('combobox', { name: 'Query' }).inputValue()).resolves.toBe(`${token} export`);
    await page.getByRole('link', { name: 'Saved views' }).click();
    await page.getByRole('button', { name: 'Rename view billing export lines' }).click();
    await page.getByLabel('New name of billing export lines').fill('billing lines');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('link', { name: 'Open view billing lines' }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete view billing lines' }).click();
    await page.getByText('No saved views yet.').waitFor();
  });

  it('exports every matching line as a streamed download', async () => {
    await page.goto(`${platform.urls.console}/search?q=${encodeURIComponent(`${token} export`)}&from=-1h`);
    await rows(page).first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'NDJSON' }).click()]);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { message: string });
    expect(lines).toHaveLength(120);
    expect(new Set(lines.map((l) => l.message)).size).toBe(120);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    expect(readFileSync(await csv.path(), 'utf8').trim().split('\n')).toHaveLength(121); // header + lines
  });

  it('shows a new key’s secret once, with a copy button', async () => {
    await page.goto(`${platform.urls.console}/settings/keys`);
    await page.getByLabel('Name').fill('shippers');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByTestId('key-secret').textContent();
    expect(secret).toMatch(/^mlr_ik_/);
    await page.getByRole('button', { name: 'Copy secret' }).waitFor();
    await screenshot(page, '13-key-secret-once');
    // The key works: it ships a line.
    await ship(secret!, [{ line: `${token} via the new key`, app: 'billing' }]);
    await page.reload();
    await page.getByRole('cell', { name: 'shippers', exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret!);
  });

  it('shows the other settings screens', async () => {
    for (const tab of ['usage', 'members', 'parsing', 'redaction', 'routing', 'drains', 'alerts', 'archives']) {
      await page.goto(`${platform.urls.console}/settings/${tab}`);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, `14-settings-${tab}`);
    }
    await page.goto(`${platform.urls.console}/graphs?q=${encodeURIComponent(token)}&field=app`);
    await page.getByRole('figure', { name: 'Top values of app' }).waitFor();
    await expect(page.getByRole('figure', { name: 'Top values of app' }).textContent()).resolves.toContain('billing');
    await screenshot(page, '15-graphs-top');
    await page.goto(`${platform.urls.console}/start`);
    await page.getByRole('heading', { name: 'rsyslog' }).waitFor();
    await screenshot(page, '16-getting-started');
  });

  it('switches organisation, and a user of another organisation never sees the first one’s lines', async () => {
    await page.goto(`${platform.urls.console}/search?q=${encodeURIComponent(token)}&from=-1h`);
    await rows(page).first().waitFor();
    await page.getByLabel('Organisation', { exact: true }).selectOption(other.org);
    await eventually(async () => ((await page.getByLabel('Organisation', { exact: true }).inputValue()) === other.org ? true : undefined));
    await page.goto(`${platform.urls.console}/search?q=${encodeURIComponent(token)}&from=-1h`);
    await rows(page).first().waitFor();
    await expect(rows(page).count()).resolves.toBe(1);
    await expect(rows(page).first().textContent()).resolves.toContain('secret of the other organisation');

    const strangerBrowser = await openBrowser();
    try {
      await logIn(strangerBrowser.page, platform.urls.console, stranger.email, password);
      await strangerBrowser.page.goto(`${platform.urls.console}/search?q=${encodeURIComponent(`${token} export`)}&from=-1h`);
      await strangerBrowser.page.getByText('No lines match').waitFor();
      // Not through the API either, whatever the page asks for.
      const answer = await strangerBrowser.page.evaluate(async (q) => (await fetch(`/api/query/v1/search?q=${encodeURIComponent(q)}&from=-1h`)).json(), `${token} export`);
      expect((answer as { events: unknown[] }).events).toEqual([]);
    } finally {
      await strangerBrowser.close();
    }
  });

  it('shows a viewer no settings actions, and the API refuses them anyway', async () => {
    const viewerBrowser = await openBrowser();
    try {
      const p = viewerBrowser.page;
      await logIn(p, platform.urls.console, viewer.email, password);
      await p.goto(`${platform.urls.console}/settings/keys`);
      await p.getByText('Keys are managed by the organisation’s owners and admins.').waitFor();
      await p.goto(`${platform.urls.console}/settings/routing`);
      await p.getByText('Your role can see these but not change them.').waitFor();
      expect(await p.getByRole('button', { name: /^New / }).count()).toBe(0);
      await p.goto(`${platform.urls.console}/settings/members`);
      await p.getByRole('cell', { name: owner.email }).waitFor();
      expect(await p.getByRole('button', { name: /^Remove / }).count()).toBe(0);
      await screenshot(p, '17-viewer-settings');
      // Straight to the API, with a valid CSRF token: refused by the services themselves.
      const refused = await p.evaluate<Record<string, number>>(`(async () => {
        const csrf = document.cookie.split('; ').find((c) => c.startsWith('mlr_csrf=')).slice('mlr_csrf='.length);
        const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(body) }).then((r) => r.status);
        return {
          key: await post('/api/auth/v1/keys', { name: 'sneaky', kind: 'ingest' }),
          rule: await post('/api/query/v1/routing-rules', { kind: 'exclude', name: 'x', query: 'app:x', action: 'drop' }),
          noCsrf: await fetch('/api/query/v1/views', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x","query":""}' }).then((r) => r.status),
          sessionsHidden: await fetch('/api/auth/v1/sessions/organisations').then((r) => r.status),
        };
      })()`);
      expect(refused).toEqual({ key: 403, rule: 403, noCsrf: 403, sessionsHidden: 404 });
    } finally {
      await viewerBrowser.close();
    }
  });

  it('met no Content-Security-Policy violation and no page error', () => {
    expect(browser.problems).toEqual([]);
  });
});
