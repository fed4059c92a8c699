import { eventIndexName, indicesForRange, parseEventIndexName } from './names';
import { fromDocument, toDocument, withoutIndexedFields } from './document';

describe('index names', () => {
  const ts = Date.UTC(2026, 10, 21, 23, 59, 59);

  it('names an index by retention class and UTC day, and parses it back', () => {
    expect(eventIndexName('r30', ts)).toBe('millrace-events-r30-2026.11.21');
    expect(parseEventIndexName('millrace-events-r30-2026.11.21')).toEqual({ retention: 'r30', dayStart: Date.UTC(2026, 10, 21) });
    expect(parseEventIndexName('millrace-events-r31-2026.11.21')).toBeUndefined();
    expect(parseEventIndexName('other-2026.11.21')).toBeUndefined();
  });

  it('lists the days of a range across classes, and falls back to all for long ranges', () => {
    expect(indicesForRange(ts - 86_400_000, ts)).toEqual(['millrace-events-*-2026.11.20', 'millrace-events-*-2026.11.21']);
    expect(indicesForRange(ts, ts + 1000)).toEqual(['millrace-events-*-2026.11.21', 'millrace-events-*-2026.11.22']);
    expect(indicesForRange(ts - 100 * 86_400_000, ts)).toEqual(['millrace-events-*']);
  });
});

describe('documents', () => {
  const event = {
    id: '01ABC-0001', tenant: 'acme', ts: 1, receivedAt: 2, app: 'a', host: 'h', level: 'info', message: 'm',
    tags: ['t'], fields: { status: 500, user: { id: 'u' } }, source: 'http-json' as const,
  };

  it('round-trips an event', () => {
    expect(fromDocument(toDocument(event))).toEqual(event);
  });

  it('keeps the fields of a degraded document in _source', () => {
    const degraded = withoutIndexedFields(toDocument(event));
    expect(degraded.fields).toEqual({});
    expect(fromDocument(degraded).fields).toEqual(event.fields);
  });
});
