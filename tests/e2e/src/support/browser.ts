import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './stack';

export const CHROMIUM = '/usr/bin/chromium';

/** Flags for Debian's Chromium on a machine with no network but loopback. */
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Screenshots of every screen, kept as test output (git-ignored). */
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-output', 'console');

/** Debian's chromium package, installed by the project's own script when missing. */
export function ensureChromium(): string {
  if (!existsSync(CHROMIUM)) execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'stack', 'chromium.mjs')], { stdio: 'inherit' });
  return CHROMIUM;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console messages of the page that report a Content-Security-Policy violation or an uncaught error. */
  problems: string[];
  close(): Promise<void>;
}

/** A real Chromium with a fresh profile (its own --user-data-dir), driven by playwright-core. */
export async function openBrowser(options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'millrace-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    timezoneId: 'Europe/Paris',
    locale: 'en-GB',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return {
    context, page, problems,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Log in through the console's own form, as a person would. */
export async function logIn(page: Page, consoleUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl}/search`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
