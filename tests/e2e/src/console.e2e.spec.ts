// The web console in a real Chromium (Debian's package, driven by playwright-core) against the
// whole platform: log in, ship lines through the gateway, find, narrow, inspect and tail them,
// and the failures a person meets (wrong password, a stopped query-api, an expired token).
import type { Page } from 'playwright-core';
import { eventually, request } from './support/http';
import { openBrowser, logIn, screenshot, type Browser } from './support/browser';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';

jest.setTimeout(180_000);

/** Access tokens live 20 s in this run, so the console has to refresh them while the tests click. */
const ACCESS_TTL_SECONDS = 20;

let platform: Platform;
let org: OrgKeys;
let browser: Browser;
let page: Page;
const owner = { email: '', password: 'owner password 0123456789' };
const token = `tok${Date.now().toString(36)}`;

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

async function runQuery(q: string): Promise<void> {
  const box = page.getByRole('combobox', { name: 'Query' });
  await box.fill(q);
  await box.press('Enter');
}

const rows = () => page.getByRole('feed', { name: 'Results' }).getByRole('article');

beforeAll(async () => {
  platform = await startPlatform((service): Record<string, string> => (service === 'auth' ? { SESSION_ACCESS_TTL_SECONDS: String(ACCESS_TTL_SECONDS) } : {}));
  org = platform.createOrg(uniqueOrg('console'));
  owner.email = `owner@${org.org}.example`;
  platform.createOwner(org.org, owner.email, owner.password);
  // 30 lines of one app and host, 10 of them errors, each with a parsed status field.
  await ship(org.ingestKey, Array.from({ length: 30 }, (_, i) => ({
    line: JSON.stringify({ message: `${token} request ${i} done`, status: i % 3 === 0 ? 500 : 200 }),
    app: 'checkout', level: i % 3 === 0 ? 'error' : 'info', timestamp: Date.now() - (30 - i) * 1000,
  })));
  await searchable(org.readKey, token, 30);
  browser = await openBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await platform?.shutdown();
});

describe('console', () => {
  it('serves the page with a Content-Security-Policy that allows no inline script', async () => {
    const res = await fetch(`${platform.urls.console}/search`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('<div id="root">');
  });

  it('says so when the password is wrong', async () => {
    await page.goto(`${platform.urls.console}/`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Wrong e-mail or password');
    await screenshot(page, '01-login-wrong-password');
  });

  it('logs in and keeps the session in an httpOnly, SameSite=Strict cookie', async () => {
    await logIn(page, platform.urls.console, owner.email, owner.password);
    const cookies = await browser.context.cookies();
    const session = cookies.find((c) => c.name === 'mlr_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(session!.value).not.toContain('eyJ'); // sealed: no token readable in it
    expect(cookies.find((c) => c.name === 'mlr_csrf')).toMatchObject({ httpOnly: false, sameSite: 'Strict' });
    await screenshot(page, '02-search-empty-query');
  });

  it('finds the shipped lines by a query, and the histogram counts them', async () => {
    await runQuery(token);
    await rows().first().waitFor();
    await expect(page.getByTestId('histogram-total').textContent()).resolves.toBe('30 lines');
    // The bars are drawn, the newest bucket included: pixels of the info and error colours on the canvas.
    const colours = await page.evaluate<string[]>(`(() => {
      const c = document.querySelector('.histogram-plot canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const found = new Set();
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 0x25 && d[i + 1] === 0x63 && d[i + 2] === 0xeb) found.add('info');
        if (d[i] === 0xdc && d[i + 1] === 0x26 && d[i + 2] === 0x26) found.add('error');
      }
      return [...found].sort();
    })()`);
    expect(colours).toEqual(['error', 'info']);
    await eventually(async () => ((await rows().count()) >= 20 ? true : undefined));
    await expect(page.getByText('30 lines loaded').count()).resolves.toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe(token);
    await screenshot(page, '03-search-results');
  });

  it('moves through the results with the arrow keys and opens a line with Enter', async () => {
    await rows().first().focus();
    await page.keyboard.press('ArrowDown');
    const second = rows().nth(1);
    await expect(second.evaluate((e) => e === e.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /^Filter for level:/ }).first().waitFor();
    expect(new URL(page.url()).searchParams.get('line')).toBeTruthy();
    await screenshot(page, '04-line-expanded');
  });

  it('narrows the results when a field value is clicked', async () => {
    await rows().filter({ hasText: `${token} request 27 done` }).click();
    await page.getByRole('button', { name: 'Filter for status:500' }).click();
    await eventually(async () => ((await page.getByTestId('histogram-total').textContent()) === '10 lines' ? true : undefined));
    expect(new URL(page.url()).searchParams.get('q')).toBe(`${token} status:500`);
    await eventually(async () => ((await rows().count()) === 10 ? true : undefined));
  });

  it('shows a line in context with its neighbours from the same app and host', async () => {
    await runQuery(token);
    await eventually(async () => ((await page.getByTestId('histogram-total').textContent()) === '30 lines' ? true : undefined));
    await rows().nth(10).click();
    await page.getByRole('button', { name: 'Show in context' }).click();
    const panel = page.getByRole('dialog', { name: 'Lines in context' });
    await panel.getByRole('list', { name: 'lines before' }).waitFor();
    const before = await panel.getByRole('list', { name: 'lines before' }).getByRole('listitem').count();
    const after = await panel.getByRole('list', { name: 'lines after' }).getByRole('listitem').count();
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
    expect(before + after).toBeGreaterThanOrEqual(20);
    await screenshot(page, '05-context');
  });

  it('keeps the whole view in the URL: a copied link reproduces it', async () => {
    const url = page.url();
    const params = new URL(url).searchParams;
    expect(params.get('ctx')).toBeTruthy();
    const second = await openBrowser();
    try {
      await logIn(second.page, platform.urls.console, owner.email, owner.password);
      await second.page.goto(url);
      await second.page.getByRole('dialog', { name: 'Lines in context' }).waitFor();
      await expect(second.page.getByRole('combobox', { name: 'Query' }).inputValue()).resolves.toBe(token);
      await expect(second.page.getByTestId('histogram-total').textContent()).resolves.toBe('30 lines');
    } finally {
      await second.close();
    }
  });

  it('shows a syntax error at its position', async () => {
    await page.goto(`${platform.urls.console}/search`);
    await runQuery('status:>');
    const problem = page.getByRole('alert').filter({ hasText: 'character' });
    await problem.waitFor();
    await expect(problem.textContent()).resolves.toMatch(/at character 9/);
    await screenshot(page, '06-syntax-error');
  });

  it('completes field names from the organisation’s fields', async () => {
    const box = page.getByRole('combobox', { name: 'Query' });
    await box.fill('');
    await box.pressSequentially('stat');
    const option = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option', { name: /status/ });
    await option.waitFor();
    await box.press('Tab');
    await expect(box.inputValue()).resolves.toBe('status:');
  });

  it('refreshes an expired access token without the person noticing', async () => {
    await runQuery(token);
    await rows().first().waitFor();
    await new Promise((r) => setTimeout(r, (ACCESS_TTL_SECONDS + 6) * 1000)); // past the token's life and the verifiers' tolerance
    await runQuery(`${token} level:error`);
    await eventually(async () => ((await page.getByTestId('histogram-total').textContent()) === '10 lines' ? true : undefined));
    const metrics = await (await fetch(`${platform.urls.console}/metrics`)).text();
    expect(Number(/millrace_console_refreshes_total\{outcome="ok"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
  });

  it('shows what happened when the query-api is stopped, and recovers with Retry', async () => {
    await platform.stop('query-api');
    try {
      await runQuery(`${token} app:checkout`);
      const alert = page.getByRole('alert').filter({ hasText: 'query-api' }).first();
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toMatch(/Service unavailable.*query-api is not answering/);
      await screenshot(page, '07-query-api-stopped');
    } finally {
      await platform.start('query-api');
    }
    await page.getByRole('button', { name: 'Retry' }).first().click();
    await eventually(async () => ((await page.getByTestId('histogram-total').textContent()) === '30 lines' ? true : undefined), 30_000);
  });

  it('holds its layout at 1280×800 and 1920×1080, in light and dark', async () => {
    for (const [width, height] of [[1280, 800], [1920, 1080]]) {
      await page.setViewportSize({ width, height });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, `08-search-${width}x${height}`);
    }
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, '09-search-dark-1920x1080');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('logs out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Email').waitFor();
    expect((await browser.context.cookies()).find((c) => c.name === 'mlr_session')).toBeUndefined();
  });

  it('met no Content-Security-Policy violation and no page error', () => {
    expect(browser.problems).toEqual([]);
  });
});
