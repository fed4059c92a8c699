import type { DataSource } from 'typeorm';
import type { AlerterConfig } from '../src/config';
import { Dispatcher } from '../src/notify/dispatcher.service';
import { AlertStore, type TouchedGroup } from '../src/store/alert-store';
import type { CompiledAlert } from '../src/definitions/compile';
import { alert, fakeFeed, isolatedDatabase, Receiver, until } from './support';

let db: Awaited<ReturnType<typeof isolatedDatabase>>;
let ds: DataSource;
let ds2: DataSource;
let config: AlerterConfig;
let store: AlertStore;
let replica: AlertStore;
let receiver: Receiver;

beforeAll(async () => {
  db = await isolatedDatabase('alerter_it');
  config = db.config;
  ds = await db.open();
  // A second pool: another alerter replica sharing the same database.
  ds2 = await db.open();
  store = new AlertStore(ds, config);
  replica = new AlertStore(ds2, config);
  receiver = await new Receiver().start();
});

afterAll(async () => {
  await receiver?.stop();
  await db?.drop();
});

const lines = (a: CompiledAlert, t: number, n: number, group = ''): TouchedGroup => ({
  alert: a, group, t, lines: n, samples: [{ ts: t, app: 'web', host: 'h1', level: 'error', message: `line at ${t}` }],
});
const rows = (sql: string, params: unknown[] = []) => ds.query(sql, params);
const batchKey = () => `b${Math.random().toString(36).slice(2)}`;

describe('window counts in PostgreSQL', () => {
  it('fires at the Nth line, stores the evaluation and one pending notification per channel in the same transaction', async () => {
    const a = alert({ kind: 'presence', count: 3, channels: [{ id: 'w', type: 'webhook', url: receiver.url('/never'), method: 'POST', headers: {}, contentType: 'application/json' }, { id: 's', type: 'slack', url: receiver.url('/never') }] });
    const t = Date.now();
    expect(await store.applyBatch(batchKey(), [lines(a, t, 2)])).toBe(true);
    expect(await rows('SELECT * FROM evaluations WHERE alert_id = $1', [a.def.id])).toHaveLength(0);
    expect(await store.applyBatch(batchKey(), [lines(a, t + 1000, 1)])).toBe(true);
    const [evaluation] = await rows('SELECT * FROM evaluations WHERE alert_id = $1', [a.def.id]);
    expect(evaluation).toMatchObject({ outcome: 'fired', count: '3' });
    const queued = await rows('SELECT channel_id, status, context FROM notifications WHERE alert_id = $1 ORDER BY channel_id', [a.def.id]);
    expect(queued.map((n: { channel_id: string; status: string }) => `${n.channel_id}:${n.status}`)).toEqual(['s:pending', 'w:pending']);
    expect(queued[0].context).toMatchObject({ event: 'firing', count: 3, alert: { name: a.def.name }, samples: [{ message: `line at ${t}` }, { message: `line at ${t + 1000}` }] });
    expect(queued[0].context.link).toMatch(/^https:\/\/logs\.example\/v1\/search\?q=level%3Aerror&from=\d+&to=\d+$/);
    await rows(`UPDATE notifications SET status = 'cancelled' WHERE alert_id = $1`, [a.def.id]);
  });

  it('counts a redelivered batch once', async () => {
    const a = alert({ kind: 'presence', count: 100 });
    const key = batchKey();
    expect(await store.applyBatch(key, [lines(a, Date.now(), 7)])).toBe(true);
    expect(await replica.applyBatch(key, [lines(a, Date.now(), 7)])).toBe(false);
    const [state] = await rows('SELECT count FROM window_state WHERE alert_id = $1', [a.def.id]);
    expect(state.count).toBe('7');
  });

  it('keeps exact counts when two replicas count the same alert at the same time, and fires once', async () => {
    const a = alert({ kind: 'presence', count: 50, windowSeconds: 600 });
    const t = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? store : replica).applyBatch(batchKey(), [lines(a, t + i, 2)])));
    const [state] = await rows('SELECT count, firing FROM window_state WHERE alert_id = $1', [a.def.id]);
    expect(state).toEqual({ count: '80', firing: true });
    const fired = await rows(`SELECT count FROM evaluations WHERE alert_id = $1 AND outcome = 'fired'`, [a.def.id]);
    expect(fired).toHaveLength(1);
    expect(Number(fired[0].count)).toBeGreaterThanOrEqual(50);
  });

  it('closes windows: window_end fires with the final count, a later empty window resolves', async () => {
    const a = alert({ kind: 'presence', count: 2, trigger: 'window_end', windowSeconds: 5 });
    const t = Date.now() - 60_000;
    await store.applyBatch(batchKey(), [lines(a, t, 3)]);
    expect(await store.alertsWithDueWindows(t + 4000)).not.toContainEqual({ alertId: a.def.id, tenant: 'acme' });
    expect(await store.alertsWithDueWindows(t + 5000)).toContainEqual({ alertId: a.def.id, tenant: 'acme' });
    expect(await store.closeAlertWindows(a.def.id, a, t + 5000)).toBe(true);
    expect(await store.closeAlertWindows(a.def.id, a, t + 10_000)).toBe(true);
    const outcomes = await rows('SELECT outcome, count, window_end - window_start AS length FROM evaluations WHERE alert_id = $1 ORDER BY id', [a.def.id]);
    expect(outcomes).toEqual([{ outcome: 'fired', count: '3', length: '5000' }, { outcome: 'resolved', count: '0', length: '5000' }]);
    // Idle and never firing again: no row is kept.
    expect(await rows('SELECT * FROM window_state WHERE alert_id = $1', [a.def.id])).toHaveLength(0);
  });

  it('keeps one state per group up to the bound, the rest in "(other)"', async () => {
    const a = alert({ kind: 'presence', count: 100, groupBy: 'host', maxGroups: 2 });
    const t = Date.now();
    await store.applyBatch(batchKey(), [lines(a, t, 1, 'h1'), lines(a, t, 1, 'h2'), lines(a, t, 1, 'h3')]);
    await store.applyBatch(batchKey(), [lines(a, t, 2, 'h4'), lines(a, t, 1, 'h1')]);
    const groups = await rows('SELECT group_key, count FROM window_state WHERE alert_id = $1 ORDER BY group_key', [a.def.id]);
    expect(groups).toEqual([{ group_key: '(other)', count: '3' }, { group_key: 'h1', count: '2' }, { group_key: 'h2', count: '1' }]);
  });

  it('throttles: one notification per alert per period, and no resolve for what was not announced', async () => {
    const a = alert({ kind: 'presence', count: 1, groupBy: 'host', windowSeconds: 5, throttleSeconds: 60, channels: [{ id: 'w', type: 'webhook', url: receiver.url('/never'), method: 'POST', headers: {}, contentType: 'application/json' }] });
    const t = Date.now() - 30_000;
    await store.applyBatch(batchKey(), [lines(a, t, 1, 'a')]);
    await store.applyBatch(batchKey(), [lines(a, t + 1000, 1, 'b')]);
    await store.closeAlertWindows(a.def.id, a, t + 20_000);
    const sent = await rows('SELECT group_key, event, status, reason FROM notifications WHERE alert_id = $1 ORDER BY created_at, group_key', [a.def.id]);
    expect(sent).toEqual([
      { group_key: 'a', event: 'firing', status: 'pending', reason: null },
      { group_key: 'b', event: 'firing', status: 'suppressed', reason: 'throttled' },
      { group_key: 'a', event: 'resolved', status: 'pending', reason: null },
      { group_key: 'b', event: 'resolved', status: 'suppressed', reason: 'firing was not notified' },
    ]);
    await rows(`UPDATE notifications SET status = 'cancelled' WHERE alert_id = $1`, [a.def.id]);
  });

  it('mutes and holds notifications in quiet hours, still recording the evaluation', async () => {
    const muted = alert({ kind: 'presence', count: 1, mutedUntil: Date.now() + 60_000, channels: [{ id: 's', type: 'slack', url: receiver.url('/never') }] });
    const quiet = alert({ kind: 'presence', count: 1, schedule: { timezone: 'UTC', quiet: [{ from: '00:00', to: '00:00' }] }, channels: [{ id: 's', type: 'slack', url: receiver.url('/never') }] });
    await store.applyBatch(batchKey(), [lines(muted, Date.now(), 1), lines(quiet, Date.now(), 1)]);
    const reasons = await rows('SELECT reason FROM notifications WHERE alert_id = ANY($1::uuid[]) ORDER BY reason', [[muted.def.id, quiet.def.id]]);
    expect(reasons.map((r: { reason: string }) => r.reason)).toEqual(['muted', 'quiet hours']);
    expect(await rows('SELECT * FROM evaluations WHERE alert_id = ANY($1::uuid[])', [[muted.def.id, quiet.def.id]])).toHaveLength(2);
  });

  it('absence: an activated alert fires when its window closes empty, and resolves at the next line', async () => {
    const a = alert({ kind: 'absence', count: 1, windowSeconds: 5 });
    const t = Date.now() - 60_000;
    await store.ensureAbsenceStates([a], t);
    await store.closeAlertWindows(a.def.id, a, t + 5000);
    await store.applyBatch(batchKey(), [lines(a, t + 6000, 1)]);
    const outcomes = await rows('SELECT outcome, count FROM evaluations WHERE alert_id = $1 ORDER BY id', [a.def.id]);
    expect(outcomes).toEqual([{ outcome: 'fired', count: '0' }, { outcome: 'resolved', count: '1' }]);
  });

  it('threshold: fires per breaching group and resolves when the group is back or gone', async () => {
    const a = alert({ kind: 'threshold', aggregation: 'p95', field: 'latency_ms', comparator: '>', value: 500, groupBy: 'app', everySeconds: 5 });
    const now = Date.now();
    await store.applyThreshold(a, new Map([['api', 900], ['web', 100]]), now - 10_000, now);
    // The closer never mistakes a threshold state for a window to close.
    expect(await store.alertsWithDueWindows(now + 3_600_000)).not.toContainEqual({ alertId: a.def.id, tenant: 'acme' });
    await store.closeAlertWindows(a.def.id, a, now + 3_600_000);
    await store.applyThreshold(a, new Map([['api', 950]]), now - 5000, now + 5000);
    await store.applyThreshold(a, new Map([['web', 600]]), now, now + 10_000);
    const outcomes = await rows('SELECT group_key, outcome, value FROM evaluations WHERE alert_id = $1 ORDER BY id', [a.def.id]);
    expect(outcomes).toEqual([
      { group_key: 'api', outcome: 'fired', value: 900 },
      { group_key: 'web', outcome: 'fired', value: 600 },
      { group_key: 'api', outcome: 'resolved', value: null },
    ]);
  });
});

describe('the outbox dispatcher', () => {
  it('two dispatchers share the outbox without sending anything twice', async () => {
    const a = alert({ kind: 'presence', count: 1, groupBy: 'host', channels: [{ id: 'w', type: 'webhook', url: receiver.url('/shared'), method: 'POST', headers: {}, contentType: 'application/json' }] });
    const feed = fakeFeed([a]);
    await store.applyBatch(batchKey(), Array.from({ length: 30 }, (_, i) => lines(a, Date.now(), 1, `h${i}`)));
    const one = new Dispatcher(ds, feed, config);
    const two = new Dispatcher(ds2, feed, config);
    await Promise.all([one.round(), two.round(), one.round(), two.round()]);
    await until(async () => (await rows(`SELECT count(*)::int AS n FROM notifications WHERE alert_id = $1 AND status = 'sent'`, [a.def.id]))[0].n === 30);
    const delivered = receiver.on('/shared');
    expect(delivered).toHaveLength(30);
    expect(new Set(delivered.map((d) => d.headers['idempotency-key'])).size).toBe(30);
    expect(new Set(delivered.map((d) => JSON.parse(d.body).group)).size).toBe(30);
  });

  it('retries a receiver that is down with back-off, and delivers once it is back', async () => {
    const down = await new Receiver().start();
    const port = down.port;
    await down.stop();
    const a = alert({ kind: 'presence', count: 1, channels: [{ id: 'w', type: 'webhook', url: `http://127.0.0.1:${port}/late`, method: 'POST', headers: {}, contentType: 'application/json' }] });
    const dispatcher = new Dispatcher(ds, fakeFeed([a]), { ...config, NOTIFY_MAX_ATTEMPTS: 10 });
    await store.applyBatch(batchKey(), [lines(a, Date.now(), 1)]);
    await dispatcher.round();
    const [pending] = await rows('SELECT status, attempts, last_error FROM notifications WHERE alert_id = $1', [a.def.id]);
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) });
    const back = new Receiver();
    back.port = port;
    await back.start();
    try {
      await until(async () => {
        await dispatcher.round();
        return back.on('/late').length > 0 ? true : undefined;
      });
      const [sent] = await rows('SELECT status, attempts FROM notifications WHERE alert_id = $1', [a.def.id]);
      expect(sent.status).toBe('sent');
      expect(sent.attempts).toBeGreaterThanOrEqual(2);
      expect(back.on('/late')).toHaveLength(1);
      expect(back.on('/late')[0].headers['x-millrace-attempt']).toBe(String(sent.attempts));
    } finally {
      await back.stop();
    }
  });

  it('gives up after the last attempt and keeps the reason; a 4xx is final at once', async () => {
    const gone = await new Receiver().start();
    gone.status = 404;
    const refused = alert({ kind: 'presence', count: 1, channels: [{ id: 'w', type: 'webhook', url: 'http://127.0.0.1:1/nothing', method: 'POST', headers: {}, contentType: 'application/json' }] });
    const notFound = alert({ kind: 'presence', count: 1, channels: [{ id: 'w', type: 'webhook', url: gone.url('/gone'), method: 'POST', headers: {}, contentType: 'application/json' }] });
    const dispatcher = new Dispatcher(ds, fakeFeed([refused, notFound]), config);
    await store.applyBatch(batchKey(), [lines(refused, Date.now(), 1), lines(notFound, Date.now(), 1)]);
    await until(async () => {
      await dispatcher.round();
      const [r] = await rows('SELECT status FROM notifications WHERE alert_id = $1', [refused.def.id]);
      return r.status === 'failed' ? true : undefined;
    });
    const [r] = await rows('SELECT status, attempts, last_error FROM notifications WHERE alert_id = $1', [refused.def.id]);
    expect(r).toMatchObject({ status: 'failed', attempts: 3, last_error: expect.stringMatching(/ECONNREFUSED/) });
    const [n] = await rows('SELECT status, attempts, last_error FROM notifications WHERE alert_id = $1', [notFound.def.id]);
    expect(n).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringMatching(/HTTP 404/) });
    await gone.stop();
  });

  it('cancels what belongs to a deleted alert', async () => {
    const a = alert({ kind: 'presence', count: 1, channels: [{ id: 'w', type: 'webhook', url: receiver.url('/deleted'), method: 'POST', headers: {}, contentType: 'application/json' }] });
    await store.applyBatch(batchKey(), [lines(a, Date.now(), 1)]);
    await new Dispatcher(ds, fakeFeed([]), config).round();
    const [n] = await rows('SELECT status, reason FROM notifications WHERE alert_id = $1', [a.def.id]);
    expect(n).toEqual({ status: 'cancelled', reason: 'the alert was deleted' });
    expect(receiver.on('/deleted')).toHaveLength(0);
  });
});
