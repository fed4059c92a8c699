import type { LogEvent } from '@millrace/log-schema';
import { OutboundQueue } from './outbound-queue';
import { formatTailId, parseTailId } from './tail-id';
import { sseFrame } from './sinks';

const ev = (message: string): LogEvent => ({ id: message, tenant: 't', ts: 0, receivedAt: 0, app: 'a', host: 'h', message, tags: [], fields: {}, source: 'http-json' });

describe('OutboundQueue', () => {
  it('keeps lines in order until its line bound, then counts what it drops in one marker at the gap', () => {
    const q = new OutboundQueue(3, 1e9);
    for (let i = 0; i < 5; i++) q.pushLine(`1-${i}`, ev(`m${i}`));
    expect(q.droppedTotal).toBe(2);
    expect(q.shift()).toMatchObject({ type: 'line', id: '1-0' });
    q.pushLine('1-5', ev('m5')); // room again: kept, after the marker
    const rest = [q.shift(), q.shift(), q.shift(), q.shift(), q.shift()];
    expect(rest.map((m) => (m?.type === 'line' ? m.id : m?.type === 'dropped' ? `dropped ${m.count}` : m))).toEqual(['1-1', '1-2', 'dropped 2', '1-5', undefined]);
  });

  it('is bounded in bytes too', () => {
    const q = new OutboundQueue(1000, 64 * 1024);
    let kept = 0;
    for (let i = 0; i < 100; i++) if (q.pushLine(`1-${i}`, ev('x'.repeat(4000)))) kept++;
    expect(kept).toBeLessThan(10);
    expect(q.droppedTotal).toBe(100 - kept);
  });

  it('never drops control messages', () => {
    const q = new OutboundQueue(1, 1e9);
    q.pushLine('1-0', ev('a'));
    q.pushControl({ type: 'ready', backlog: 1, resumed: false });
    expect([q.shift()?.type, q.shift()?.type]).toEqual(['line', 'ready']);
  });
});

describe('tail ids and SSE frames', () => {
  it('round-trips ids and refuses anything else', () => {
    expect(parseTailId(formatTailId(123456, 7))).toEqual({ seq: 123456, index: 7 });
    for (const bad of ['', 'x', '1', '0-1', '1-2-3', '-1-0', '1e3-0']) expect(parseTailId(bad)).toBeUndefined();
  });

  it('frames lines with their id and notices as named events', () => {
    expect(sseFrame({ type: 'line', id: '5-1', event: ev('multi\nline') })).toBe(`id: 5-1\ndata: ${JSON.stringify(ev('multi\nline'))}\n\n`);
    expect(sseFrame({ type: 'dropped', count: 3 })).toBe('event: dropped\ndata: {"count":3}\n\n');
    expect(sseFrame({ type: 'ready', backlog: 2, resumed: false })).toBe('event: ready\ndata: {"backlog":2,"resumed":false}\n\n');
  });
});
