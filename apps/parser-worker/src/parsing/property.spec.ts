/** Property tests: whatever arrives, parseBatch returns valid events and never throws. */
import fc from 'fast-check';
import { LIMITS, logEventSchema, type LogEvent, type RawBatch, type RawLine } from '@millrace/log-schema';
import { CANONICAL_FIELDS, ROLE_NAMES } from '@millrace/field-aliases';
import { CORPUS } from './corpus';
import { compileRule, parseBatch, type ParseOptions } from './index';

const BATCH_ID = '01HRZ8X7Q6V3M2K1J0H9G8F7E6';
/** Names the field-alias table gives a meaning (message, level, app, trace context…): not plain fields. */
const ALIAS_NAMES = new Set([...Object.values(ROLE_NAMES).flat(), ...CANONICAL_FIELDS.flatMap((f) => f.from)].map((n) => (typeof n === 'string' ? n : n.name).toLowerCase()));
const NOW = Date.parse('2024-03-10T12:00:00Z');

const corpusLines = CORPUS.map((c) => (typeof c.line === 'string' ? c.line : c.line.line));
const PREFIXES = ['{', '{"', '<', '<34>', '<165>1 ', '[', '[2024-03-10T11:00:00Z] ', '[Sun Mar 10 11:00:00 2024] [', '2024-03-10 11:00:00,000 ', '2024/03/10 11:00:00 ',
  '1.2.3.4 - - [', 'E0310 11:00:00.000000 1 a.go:1] ', 'I, [2024-03-10T11:00:00.000000 #1]  INFO -- ', 'at=error ', 'level=info msg=', 'Mar 10 11:00:00 ', 'Traceback (most recent call last):', '\tat ', 'panic: ', '    at '];

/** Lines near every format's edge: random text, random bytes, random JSON, mutated corpus lines. */
const lineText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.fullUnicodeString({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.object({ maxDepth: 12 }).map((v) => JSON.stringify(v)),
  fc.tuple(fc.constantFrom(...PREFIXES), fc.string({ maxLength: 120 })).map(([p, s]) => p + s),
  fc.tuple(fc.constantFrom(...corpusLines), fc.nat(), fc.nat(), fc.string({ maxLength: 8 })).map(([line, a, b, ins]) => {
    const i = a % (line.length + 1);
    const j = Math.min(line.length, i + (b % 12));
    return line.slice(0, i) + ins + line.slice(j); // cut and splice near random positions
  }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean())).map((d) =>
    Object.entries(d).map(([k, v]) => `${k}=${typeof v === 'string' && v.includes(' ') ? JSON.stringify(v) : v}`).join(' ')),
);

const rawLine: fc.Arbitrary<RawLine> = fc.record(
  {
    line: lineText,
    ts: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.double({ noNaN: true }), fc.constant('2024-03-10T11:00:00Z'), fc.constant(1710068400)),
    app: fc.string({ maxLength: 40 }),
    host: fc.string({ maxLength: 40 }),
    level: fc.string({ maxLength: 64 }),
    tags: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
    meta: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 10 }), { maxKeys: 30 }),
    noIndex: fc.boolean(),
  },
  { requiredKeys: ['line'] },
);

function batchOf(lines: RawLine[]): RawBatch {
  return { v: 1, tenant: 'acme', batchId: BATCH_ID, receivedAt: NOW, source: { protocol: 'http-ndjson' }, lines };
}

/** Walk the fields: names, count, depth and value sizes within LIMITS; JSON-safe values. */
function checkFields(fields: Record<string, unknown>): void {
  // plain checks that throw: an expect() per leaf would dominate the run time
  const fail = (what: string, v: unknown) => {
    throw new Error(`${what}: ${JSON.stringify(v)?.slice(0, 200)} in ${JSON.stringify(fields).slice(0, 500)}`);
  };
  let count = 0;
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === 'string') {
      if (Buffer.byteLength(v) > LIMITS.maxValueLength) fail('value too long', v.length);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail('non-finite number', String(v));
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      if (depth > LIMITS.maxDepth) fail('too deep', depth);
      if (Object.getPrototypeOf(v) !== Object.prototype) fail('odd prototype', v);
      for (const [k, child] of Object.entries(v)) {
        count++;
        if (k.length === 0 || k.length > LIMITS.maxKeyLength || k.startsWith('_') || k.includes('.') || k.includes('@')) fail('bad key', k);
        walk(child, depth + 1);
      }
    } else if (!(v === null || typeof v === 'boolean')) {
      fail('odd value', typeof v);
    }
  };
  walk(fields, 1);
  if (count > LIMITS.maxFields) fail('too many fields', count);
  expect(JSON.parse(JSON.stringify(fields))).toEqual(fields);
}

function checkResult(lines: RawLine[], events: LogEvent[], stats: ReturnType<typeof parseBatch>['stats']): void {
  expect(events.length).toBeGreaterThan(0);
  expect(events.length).toBeLessThanOrEqual(lines.length);
  expect(stats.events + stats.multilineJoins).toBe(lines.length);
  let lastIndex = -1;
  for (const e of events) {
    const parsed = logEventSchema.safeParse(e);
    if (!parsed.success) throw new Error(`invalid event ${JSON.stringify(e)}: ${parsed.error.message}`);
    const index = Number(e.id.slice(BATCH_ID.length + 1));
    expect(e.id.startsWith(`${BATCH_ID}-`)).toBe(true);
    expect(index).toBeGreaterThan(lastIndex);
    expect(index).toBeLessThan(lines.length);
    lastIndex = index;
    expect(Number.isFinite(e.ts)).toBe(true);
    expect(e.ts).toBeGreaterThanOrEqual(NOW - 400 * 24 * 3600 * 1000);
    expect(e.ts).toBeLessThanOrEqual(NOW + 24 * 3600 * 1000);
    checkFields(e.fields);
  }
}

describe('parseBatch properties', () => {
  it('never throws and always yields valid events (random lines and metadata)', () => {
    fc.assert(
      fc.property(fc.array(rawLine, { minLength: 1, maxLength: 40 }), (lines) => {
        const { events, stats } = parseBatch(batchOf(lines));
        checkResult(lines, events, stats);
      }),
      { numRuns: 300 },
    );
  });

  it('holds with redaction and rules switched on', () => {
    const options: ParseOptions = {
      redaction: { ipv4: true, ipv6: true, custom: [{ name: 'secret', pattern: 'sk_[a-z0-9]+' }] },
      rules: [
        compileRule({ id: 'g', name: 'grok', pattern: { kind: 'grok', source: '%{WORD:verb} %{NUMBER:n:float}' }, fieldTypes: { n: 'number' } }),
        compileRule({ id: 'r', name: 'regex', pattern: { kind: 'regex', source: '(?<ip>\\d+\\.\\d+\\.\\d+\\.\\d+)' }, fieldTypes: { ip: 'ip' } }),
      ],
    };
    fc.assert(
      fc.property(fc.array(rawLine, { minLength: 1, maxLength: 20 }), (lines) => {
        const { events, stats } = parseBatch(batchOf(lines), options);
        checkResult(lines, events, stats);
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic (a redelivered batch gives identical events)', () => {
    fc.assert(
      fc.property(fc.array(rawLine, { minLength: 1, maxLength: 20 }), (lines) => {
        expect(parseBatch(batchOf(lines))).toEqual(parseBatch(batchOf(lines)));
      }),
      { numRuns: 100 },
    );
  });

  it('random JSON objects keep their scalar leaves (message key aside)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/).filter((k) => !ALIAS_NAMES.has(k));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean()), { minKeys: 1, maxKeys: 20 }), (obj) => {
        const [e] = parseBatch(batchOf([{ line: JSON.stringify({ msg: 'x', ...obj }) }])).events;
        expect(e.message).toBe('x');
        expect(e.fields).toEqual(obj);
      }),
      { numRuns: 200 },
    );
  });

  it('generated logfmt lines round-trip their pairs', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/).filter((k) => !ALIAS_NAMES.has(k) && k !== 'at' && k !== 'dyno');
    const value = fc.oneof(
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.boolean(),
      fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9 ._:\/-]{0,20}$/).filter((s) => s !== 'true' && s !== 'false'),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 2, maxKeys: 12 }), (pairs) => {
        const line = Object.entries(pairs).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : String(v)}`).join(' ');
        const { events, stats } = parseBatch(batchOf([{ line }]));
        expect(stats.formats).toEqual({ logfmt: 1 });
        expect(events[0].fields).toEqual(pairs);
      }),
      { numRuns: 200 },
    );
  });
});

describe('names of object internals in log data', () => {
  it.each(['__proto__', 'constructor', 'hasOwnProperty'])('%s as a level or heroku `at` stays plain data', (word) => {
    const { events } = parseBatch({
      v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: 1710072000000, source: { protocol: 'http-json' },
      lines: [{ line: 'x', level: word }, { line: `${word} something happened` }, { line: `at=${word} method=GET path="/" status=200` }],
    });
    for (const event of events) {
      expect(logEventSchema.safeParse(event).success).toBe(true);
      expect(event.level === undefined || typeof event.level === 'string').toBe(true);
    }
  });
});
