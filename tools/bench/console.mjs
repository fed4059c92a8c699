// Console benchmarks, in Debian's Chromium driven by playwright-core, against 1,000,000 events of
// one organisation: the time from opening a search URL to its first results on screen (p50/p99),
// scrolling through 100,000 loaded results (frame times, long frames), and a live tail at 1,000
// lines/s for 10 minutes with the page's memory sampled (after garbage collection) along the way.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, mib, percentile } from './lib.mjs';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-output', 'console');
const shot = async (page, name) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
};
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const QUERIES = ['level:error', 'app:billing', '"connection reset"', 'status:>=500', 'app:web level:warn', 'timeout', 'user:u42', 'host:host-7', 'retry payment', 'app:api -level:debug'];

/** Records, in the page, when the first result row appears (ms since the navigation started). */
const FIRST_ROW_PROBE = `(() => {
  const seen = () => document.querySelector('[role=feed] article');
  const obs = new MutationObserver(() => { if (!window.__firstRow && seen()) { window.__firstRow = performance.now(); obs.disconnect(); } });
  document.addEventListener('DOMContentLoaded', () => obs.observe(document.body, { childList: true, subtree: true }));
})();`;

async function launch() {
  if (!existsSync(CHROMIUM)) execFileSync(process.execPath, [path.join(ROOT, 'tools', 'stack', 'chromium.mjs')], { stdio: 'inherit' });
  const { chromium } = require('playwright-core');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'millrace-bench-chromium-'));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1920, height: 1080 } });
  return { context, async close() { await context.close(); rmSync(dir, { recursive: true, force: true }); } };
}

async function logIn(page, consoleUrl, email, password) {
  await page.goto(`${consoleUrl}/search`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 30_000 });
}

/** Open search URLs in fresh tabs; the time until the first result row is rendered. */
async function timeToFirstResults(context, consoleUrl, samples) {
  const times = [];
  for (let i = 0; i < samples; i++) {
    const page = await context.newPage();
    await page.addInitScript(FIRST_ROW_PROBE);
    const q = QUERIES[i % QUERIES.length];
    await page.goto(`${consoleUrl}/search?q=${encodeURIComponent(q)}&from=-24h`);
    // A function, not a string: the console's Content-Security-Policy forbids eval, even to Playwright's string predicates.
    await page.waitForFunction(() => globalThis.__firstRow, null, { timeout: 60_000, polling: 50 });
    times.push(await page.evaluate('window.__firstRow'));
    await page.close();
  }
  times.sort((a, b) => a - b);
  return { samples, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] };
}

/** Load 100,000 results by scrolling (cursor paging), then scroll through them, timing every frame. */
async function scrollHundredThousand(context, consoleUrl, target) {
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/search?from=-24h`);
  await page.locator('[role=feed] article').first().waitFor({ timeout: 60_000 });
  const started = Date.now();
  const loadedCount = () => page.locator('.results-tools [role=status]').textContent().then((t) => Number((t ?? '').replace(/[^0-9]/g, '')));
  let loaded = await loadedCount();
  while (loaded < target) {
    await page.evaluate(`(() => { const el = document.querySelector('.results'); el.scrollTop = el.scrollHeight; })()`);
    await page.waitForTimeout(40);
    loaded = await loadedCount();
    if (Date.now() - started > 15 * 60_000) throw new Error(`only ${loaded} results loaded in 15 minutes`);
  }
  const loadSeconds = (Date.now() - started) / 1000;
  await shot(page, 'bench-search-100k');
  // Scroll from the top to the bottom at a steady pace, one step per frame, timing each frame.
  const frames = await page.evaluate(`(async () => {
    const el = document.querySelector('.results');
    el.scrollTop = 0;
    await new Promise((r) => setTimeout(r, 300));
    const long = [];
    let observer;
    try {
      observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e.duration); });
      observer.observe({ type: 'long-animation-frame', buffered: false });
    } catch { observer = undefined; }
    const step = Math.ceil(el.scrollHeight / 1200);
    const times = [];
    let last = performance.now();
    while (el.scrollTop + el.clientHeight < el.scrollHeight - 2) {
      el.scrollTop += step;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    observer?.disconnect();
    return { times, long };
  })()`);
  const times = frames.times.slice().sort((a, b) => a - b);
  const rows = await page.locator('[role=feed] article').count();
  await page.close();
  return {
    loaded, loadSeconds, frames: times.length, renderedRows: rows,
    p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1],
    longFrames: frames.long.length, longestFrame: frames.long.length ? Math.max(...frames.long) : 0,
  };
}

/** Tail `app:<app>` while `rate` lines/s are shipped for `seconds`; heap sampled after GC. */
async function tailMemory(context, urls, ingestKey, app, rate, seconds) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${urls.console}/tail?q=${encodeURIComponent(`app:${app}`)}`);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByTestId('tail-status').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  };
  const samples = [{ at: 0, heap: await heap() }];
  const batch = rate / 10;
  const started = Date.now();
  let sent = 0;
  let nextSample = 10_000;
  let shotTaken = false;
  const ship = async () => {
    const lines = Array.from({ length: batch }, (_, k) => ({ line: `tail bench line ${sent + k} ${'x'.repeat(120)}`, app, level: 'info' }));
    sent += batch;
    const res = await fetch(`${urls.ingest}/logs/ingest`, { method: 'POST', headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ lines }) });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
  };
  while (Date.now() - started < seconds * 1000) {
    const tick = Date.now();
    await ship();
    if (!shotTaken && Date.now() - started >= 20_000) {
      shotTaken = true;
      await shot(page, 'bench-tail-1000-per-second');
    }
    if (Date.now() - started >= nextSample) {
      samples.push({ at: Math.round((Date.now() - started) / 1000), heap: await heap() });
      nextSample += seconds >= 300 ? 60_000 : 10_000;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))));
  }
  await page.waitForTimeout(3000);
  samples.push({ at: Math.round((Date.now() - started) / 1000), heap: await heap() });
  const received = Number(((await page.locator('.status-bar').getByText(/lines received/).textContent()) ?? '').replace(/[^0-9]/g, ''));
  const droppedNote = page.locator('.status-bar .warn');
  const dropped = (await droppedNote.count()) ? Number(((await droppedNote.textContent()) ?? '').replace(/[^0-9]/g, '')) : 0;
  await page.close();
  const heaps = samples.map((s) => s.heap);
  const firstMinute = samples.filter((s) => s.at >= 50).map((s) => s.heap)[0] ?? heaps[1];
  return { seconds, rate, sent, received, dropped, samples, heapStart: heaps[0], heapAfterWarmup: firstMinute, heapEnd: heaps[heaps.length - 1], heapMax: Math.max(...heaps) };
}

/**
 * All three, on an organisation seeded with `count` events (seedEvents of search.mjs), with an
 * owner who logs in through the console.
 */
export async function consoleBenchmarks({ services, stack, urls, seedEvents, quick, tailSeconds }) {
  const org = services.createOrg(stack, `benchconsole${Date.now().toString(36)}`);
  const email = `owner@${org.org}.example`;
  const password = `bench password ${org.org}`;
  services.createOwner(stack, org.org, email, password);
  const seeded = await seedEvents({ stack, tenant: org.org, count: quick ? 200_000 : 1_000_000 });
  const browser = await launch();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await logIn(page, urls.console, email, password);
    const first = await timeToFirstResults(browser.context, urls.console, quick ? 10 : 40);
    const scroll = await scrollHundredThousand(browser.context, urls.console, quick ? 20_000 : 100_000);
    const tail = await tailMemory(browser.context, urls, org.ingestKey, 'tailbench', 1000, tailSeconds ?? (quick ? 60 : 600));
    return { seeded, first, scroll, tail };
  } finally {
    await browser.close();
  }
}

export function reportConsole(r, print) {
  print('');
  print(`## Console (Chromium, ${fmt(r.seeded.count)} events of one organisation)`);
  print(`search URL → first results rendered: p50 ${fmt(r.first.p50)} ms, p99 ${fmt(r.first.p99)} ms (${r.first.samples} fresh tabs, 10 queries over the last day)`);
  print(`scroll: ${fmt(r.scroll.loaded)} results loaded by scrolling in ${fmt(r.scroll.loadSeconds, 1)} s (${fmt(r.scroll.renderedRows)} rows in the page); scrolled through them in ${fmt(r.scroll.frames)} frames: p50 ${fmt(r.scroll.p50, 1)} ms, p99 ${fmt(r.scroll.p99, 1)} ms, max ${fmt(r.scroll.max, 1)} ms; long animation frames (> 50 ms): ${r.scroll.longFrames}${r.scroll.longFrames ? `, longest ${fmt(r.scroll.longestFrame)} ms` : ''}`);
  const t = r.tail;
  print(`tail at ${fmt(t.rate)} lines/s for ${fmt(t.seconds)} s: ${fmt(t.received)} of ${fmt(t.sent)} lines received (${fmt(t.dropped)} dropped by the server); JS heap after GC ${fmt(mib(t.heapStart), 1)} MiB at start, ${fmt(mib(t.heapAfterWarmup), 1)} MiB after the first minute, ${fmt(mib(t.heapEnd), 1)} MiB at the end (max ${fmt(mib(t.heapMax), 1)} MiB)`);
  print(`  heap samples (s: MiB): ${t.samples.map((s) => `${s.at}: ${fmt(mib(s.heap), 1)}`).join(', ')}`);
}
