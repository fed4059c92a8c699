import type { EventBatch, LogEvent } from '@millrace/log-schema';
import { alertDefinitionSchema } from '../definitions/alert-definition';
import { compileAlert } from '../definitions/compile';
import { backoffMs } from '../notify/dispatcher.service';
import { matchBatch } from './stream-evaluator.service';

const now = 1_800_000_000_000;
const def = (id: string, query: string, groupBy?: string) =>
  compileAlert(alertDefinitionSchema.parse({ tenant: 'acme', id, name: id, kind: 'presence', query, enabled: true, version: 1, windowSeconds: 60, groupBy }));
const event = (i: number, overrides: Partial<LogEvent> = {}): LogEvent => ({
  id: `b-${i}`, tenant: 'acme', ts: now - 5000, receivedAt: now - 1000, app: i % 2 ? 'web' : 'api', host: `h${i % 3}`, level: i % 4 === 0 ? 'error' : 'info',
  message: `request ${i} done`, tags: [], fields: { status: i % 5 === 0 ? 500 : 200 }, source: 'http-json', ...overrides,
});
const batch = (events: LogEvent[]): EventBatch => ({ v: 1, tenant: 'acme', batchId: '01JBATCH000000000000000000', events });

describe('matching a batch in memory', () => {
  const errors = def('00000000-0000-4000-8000-000000000001', 'level:error');
  const byHost = def('00000000-0000-4000-8000-000000000002', 'status:500', 'host');

  it('counts each (alert, group) once per batch, with its latest receive time and up to 5 samples', () => {
    const events = Array.from({ length: 100 }, (_, i) => event(i, { receivedAt: now - 1000 + i }));
    const { touched, late } = matchBatch(batch(events), [errors, byHost], now, 60_000);
    expect(late).toBe(0);
    const errorGroup = touched.find((t) => t.alert === errors)!;
    expect(errorGroup).toMatchObject({ group: '', lines: 25, t: now - 1000 + 96 });
    expect(errorGroup.samples.map((s) => s.message)).toEqual(['request 0 done', 'request 4 done', 'request 8 done', 'request 12 done', 'request 16 done']);
    const hosts = touched.filter((t) => t.alert === byHost).map((t) => `${t.group}:${t.lines}`).sort();
    expect(hosts).toEqual(['h0:7', 'h1:6', 'h2:7']);
  });

  it('leaves out rehydrated lines and lines received longer ago than the lateness bound', () => {
    const { touched, late } = matchBatch(batch([event(0, { source: 'rehydrate' }), event(4, { receivedAt: now - 120_000 }), event(8)]), [errors], now, 60_000);
    expect(late).toBe(2);
    expect(touched.map((t) => t.lines)).toEqual([1]);
  });

  it('bounds sample messages', () => {
    const { touched } = matchBatch(batch([event(0, { message: 'x'.repeat(5000) })]), [errors], now, 60_000);
    expect(touched[0].samples[0].message).toHaveLength(1001);
  });
});

describe('retry back-off', () => {
  it('follows the list and repeats its last value', () => {
    expect([1, 2, 3, 4, 9].map((attempts) => backoffMs([1000, 5000, 30000], attempts))).toEqual([1000, 5000, 30000, 30000, 30000]);
  });
});
