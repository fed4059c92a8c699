import { LIMITS, TRUNCATION_MARKER, type RawBatch, type RawLine } from '@millrace/log-schema';
import { parseBatch, sanitiseKey } from './index';

const NOW = Date.parse('2024-03-10T12:00:00Z');

function run(lines: Array<string | RawLine>) {
  const batch: RawBatch = {
    v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: NOW, source: { protocol: 'http-json' },
    lines: lines.map((l) => (typeof l === 'string' ? { line: l } : l)),
  };
  return parseBatch(batch);
}

describe('field names', () => {
  it.each([
    ['user.id', 'user_id'],
    ['@timestamp', 'timestamp'],
    ['_id', 'id'],
    ['__proto__', 'proto__'],
    ['___', 'empty'],
    ['', 'empty'],
    ['a@b.c', 'a_b_c'],
    ['CamelCase', 'CamelCase'],
    ['with space', 'with space'],
    ['x'.repeat(200), 'x'.repeat(LIMITS.maxKeyLength)],
  ])('%p -> %p', (key, expected) => {
    expect(sanitiseKey(key)).toBe(expected);
  });

  it('sanitises nested keys and keeps the first of two keys that collide', () => {
    const { events, stats } = run([JSON.stringify({ msg: 'm', a_b: 1, 'a@b': 2, nested: { '@x': { _y: true } } })]);
    expect(events[0].fields).toEqual({ a_b: 1, nested: { x: { y: true } } });
    expect(stats.droppedFields).toBe(1);
    expect(stats.renamedFields).toBe(3);
  });

  it('stores dotted names as paths, merged with the objects already there', () => {
    const line = { line: '{"msg":"m","http.status_code":200,"http":{"method":"GET"},"resource.k8s.pod.name":"p-1"}', meta: { 'service.name': 'api', 'http.route': '/x' } };
    const { events, stats } = run([line]);
    expect(events[0].fields).toEqual({ http: { status_code: 200, method: 'GET', route: '/x' }, resource: { k8s: { pod: { name: 'p-1' } } }, service: { name: 'api' } });
    expect(stats.droppedFields + stats.renamedFields).toBe(0);
  });

  it('falls back to the flat name when a dotted name cannot be a path, and keeps the first value of a path', () => {
    const { events, stats } = run([JSON.stringify({ msg: 'm', a: 1, 'a.b': 2, 'x..y': 3, '.z': 4, 'c.d': 5, c: { d: 6, e: 7 } })]);
    expect(events[0].fields).toEqual({ a: 1, a_b: 2, x__y: 3, z: 4, c: { d: 5, e: 7 } });
    expect(stats.droppedFields).toBe(1);
  });

  it('keeps paths within the depth limit and counts the objects they create', () => {
    const deep = Array.from({ length: 12 }, (_, i) => `p${i}`).join('.');
    const { events } = run([JSON.stringify({ msg: 'm', [deep]: 1 })]);
    let node: unknown = events[0].fields;
    const keys: string[] = [];
    while (typeof node === 'object' && node !== null) {
      const [key] = Object.keys(node);
      keys.push(key);
      node = (node as Record<string, unknown>)[key];
    }
    expect(keys).toHaveLength(LIMITS.maxDepth);
    expect(keys.at(-1)).toBe('p7_p8_p9_p10_p11');
    expect(node).toBe(1);
    const many: Record<string, unknown> = { msg: 'm' };
    for (let i = 0; i < 150; i++) many[`g${i}.v`] = i;
    const counted = run([JSON.stringify(many)]);
    expect(Object.keys(counted.events[0].fields)).toHaveLength(LIMITS.maxFields / 2);
    expect(counted.stats.droppedFields).toBe(50);
  });

  it('a JSON __proto__ key never touches prototypes', () => {
    const { events } = run(['{"msg":"x","__proto__":{"polluted":1},"constructor":{"prototype":{"p":1}}}']);
    expect(events[0].fields).toEqual({ proto__: { polluted: 1 }, constructor: { prototype: { p: 1 } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(events[0].fields)).toBe(Object.prototype);
  });
});

describe('limits', () => {
  it(`keeps at most ${LIMITS.maxFields} fields (all depths) and counts the rest`, () => {
    const obj: Record<string, unknown> = { msg: 'many' };
    for (let i = 0; i < 150; i++) obj[`k${i}`] = i;
    obj.nested = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`n${i}`, i]));
    const { events, stats } = run([JSON.stringify(obj)]);
    const count = (o: Record<string, unknown>): number =>
      Object.values(o).reduce<number>((n, v) => n + 1 + (v && typeof v === 'object' && !Array.isArray(v) ? count(v as Record<string, unknown>) : 0), 0);
    expect(count(events[0].fields)).toBe(LIMITS.maxFields);
    expect(stats.droppedFields).toBe(251 - LIMITS.maxFields);
  });

  it(`stores objects nested deeper than ${LIMITS.maxDepth} as JSON text`, () => {
    let deep: Record<string, unknown> = { leaf: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { [`l${i}`]: deep };
    const { events, stats } = run([JSON.stringify({ msg: 'deep', deep })]);
    let node = events[0].fields as Record<string, unknown>;
    let depth = 1;
    while (typeof node === 'object' && node !== null) {
      const next = Object.values(node)[0];
      if (typeof next !== 'object' || next === null) break;
      node = next as Record<string, unknown>;
      depth++;
    }
    expect(depth).toBe(LIMITS.maxDepth);
    const leaf = Object.values(node)[0] as string;
    expect(typeof leaf).toBe('string');
    expect(JSON.parse(leaf)).toEqual({ l4: { l3: { l2: { l1: { l0: { leaf: 'bottom' } } } } } });
    expect(stats.stringifiedFields).toBe(1);
  });

  it('truncates long values with the marker, on a character boundary', () => {
    const long = 'é'.repeat(LIMITS.maxValueLength);
    const { events, stats } = run([JSON.stringify({ msg: 'long', body: long })]);
    const body = events[0].fields.body as string;
    expect(body.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(LIMITS.maxValueLength);
    expect(body).not.toContain('\uFFFD');
    expect(stats.truncatedFields).toBe(1);
  });

  it(`truncates lines over ${LIMITS.maxLineBytes} bytes and still parses the rest as text`, () => {
    const { events, stats } = run([`ERROR ${'y'.repeat(LIMITS.maxLineBytes)}`]);
    expect(stats.truncatedLines).toBe(1);
    expect(events[0].message.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(events[0].level).toBe('error');
    expect(Buffer.byteLength(events[0].message)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  });

  it('keeps booleans, null and arrays; non-finite numbers become strings', () => {
    const { events } = run([{ line: '{"msg":"x","ok":false,"none":null,"list":[1,"two",{"three":3}]}', meta: { inf: Infinity, big: BigInt(7) as unknown } }]);
    expect(events[0].fields).toEqual({ inf: 'Infinity', big: '7', ok: false, none: null, list: [1, 'two', { three: 3 }] });
  });

  it('does not keep a content field that only repeats the line’s own time, level, app or host (pino-loki sends both)', () => {
    const line = { line: '{"level":40,"time":1710071000000,"msg":"m","pid":1,"hostname":"h1","app":"other"}', level: 'warning', ts: '1710071000000000000', host: 'h1', app: 'api' };
    const { events } = run([line]);
    expect(events[0]).toMatchObject({ message: 'm', level: 'warn', host: 'h1', app: 'api', ts: 1710071000000, fields: { pid: 1, app: 'other' } });
    expect(Object.keys(events[0].fields).sort()).toEqual(['app', 'pid']);
  });

  it('removes the reserved keys it consumed and keeps parsed fields over line meta', () => {
    const { events } = run([{ line: '{"message":"m","level":"info","app":"inner-app","region":"eu"}', meta: { region: 'us', team: 'core' } }]);
    expect(events[0]).toMatchObject({ message: 'm', level: 'info', app: 'inner-app', fields: { region: 'eu', team: 'core' } });
  });
});
