import type { LogEvent, RawBatch } from '@millrace/log-schema';
import { compileRule, parseBatch, regexEngineInfo, RuleCompileError, type ParsingRule } from './index';
import { MAX_RULE_INPUT } from './rules/rules';

const NOW = Date.parse('2024-03-10T12:00:00Z');

function batch(lines: Array<{ line: string; app?: string }>): RawBatch {
  return { v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: NOW, source: { protocol: 'http-text' }, lines };
}

function rule(partial: Partial<ParsingRule> & Pick<ParsingRule, 'pattern'>): ParsingRule {
  return { id: 'r1', name: 'test rule', ...partial };
}

describe('engine', () => {
  it('runs tenant patterns on RE2 in this build', () => {
    expect(regexEngineInfo()).toEqual({ engine: 're2' });
  });
});

describe('compileRule', () => {
  it.each([
    ['invalid regex', { kind: 'regex', source: '(?<a>[a-z' }, /unterminated character class/],
    ['unbalanced paren', { kind: 'regex', source: '(?<a>x))' }, /unbalanced/],
    ['no named group', { kind: 'regex', source: '^(\\d+) items$' }, /no named group/],
    ['look-ahead', { kind: 'regex', source: '(?<a>foo)(?=bar)' }, /look-around/],
    ['backreference', { kind: 'regex', source: '(?<a>\\w)\\1' }, /backreferences/],
    ['bad group name', { kind: 'regex', source: '(?<1a>x)' }, /invalid group name/],
    ['unknown grok pattern', { kind: 'grok', source: '%{NOPE:x}' }, /unknown grok pattern %\{NOPE\}/],
    ['grok without a field', { kind: 'grok', source: '%{INT} %{WORD}' }, /no named field/],
    ['unknown grok type', { kind: 'grok', source: '%{INT:n:long}' }, /unknown grok type/],
  ] as const)('refuses %s with RuleCompileError', (_name, pattern, message) => {
    const attempt = () => compileRule(rule({ pattern: pattern as ParsingRule['pattern'] }));
    expect(attempt).toThrow(RuleCompileError);
    expect(attempt).toThrow(message);
  });

  it('refuses an unknown field type', () => {
    expect(() => compileRule(rule({ pattern: { kind: 'regex', source: '(?<a>x)' }, fieldTypes: { a: 'long' as never } }))).toThrow(/unknown type "long"/);
  });

  it('accepts RE2-style (?P<name>) groups', () => {
    const r = compileRule(rule({ pattern: { kind: 'regex', source: 'user (?P<user>\\w+)' } }));
    expect(r.fields).toEqual(['user']);
  });
});

describe('applying rules', () => {
  it('extracts regex named groups into fields, typed by fieldTypes', () => {
    const r = compileRule(rule({
      pattern: { kind: 'regex', source: '^payment (?<payment_id>\\S+) amount=(?<amount>[\\d.]+) ok=(?<ok>\\w+) from (?<src>\\S+) at (?<when>\\S+)$' },
      fieldTypes: { amount: 'number', ok: 'boolean', src: 'ip', when: 'date' },
    }));
    const { events, stats } = parseBatch(batch([{ line: 'payment p-17 amount=19.99 ok=yes from 10.0.0.7 at 2024-03-10T10:00:00+01:00' }]), { rules: [r] });
    expect(events[0].fields).toMatchObject({ payment_id: 'p-17', amount: 19.99, ok: true, src: '10.0.0.7', when: '2024-03-10T09:00:00.000Z' });
    expect(stats.ruleMatches).toEqual({ r1: 1 });
  });

  it('drops values that do not convert, and counts them', () => {
    const r = compileRule(rule({
      pattern: { kind: 'regex', source: 'from (?<src>\\S+) n=(?<n>\\S+)' },
      fieldTypes: { src: 'ip', n: 'number' },
    }));
    const { events, stats } = parseBatch(batch([{ line: 'from 999.1.1.1 n=abc' }]), { rules: [r] });
    expect(events[0].fields).toEqual({});
    expect(stats.ruleTypeErrors).toBe(2);
  });

  it('grok with :int and :float and library patterns', () => {
    const r = compileRule(rule({
      pattern: { kind: 'grok', source: '%{IP:client} %{WORD:method} %{URIPATHPARAM:request} %{INT:bytes:int} %{NUMBER:duration:float}' },
    }));
    const { events } = parseBatch(batch([{ line: '55.3.244.1 GET /index.html?x=1 15824 0.043' }]), { rules: [r] });
    expect(events[0].fields).toEqual({ client: '55.3.244.1', method: 'GET', request: '/index.html?x=1', bytes: 15824, duration: 0.043 });
  });

  it('grok library composites (COMMONAPACHELOG) capture their own fields', () => {
    const r = compileRule(rule({ pattern: { kind: 'grok', source: '^%{COMMONAPACHELOG}$' } }));
    const out = r.extract('127.0.0.1 - frank [10/Mar/2024:04:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326', NOW, () => undefined);
    expect(out).toEqual({
      clientip: '127.0.0.1', ident: '-', auth: 'frank', timestamp: '10/Mar/2024:04:55:36 -0700', verb: 'GET', request: '/a.gif',
      httpversion: '1.0', response: 200, bytes: 2326,
    });
  });

  it('grok: UUID, EMAILADDRESS, LOGLEVEL, TIMESTAMP_ISO8601, QUOTEDSTRING, HOSTNAME', () => {
    const r = compileRule(rule({
      pattern: { kind: 'grok', source: '%{TIMESTAMP_ISO8601:at} %{LOGLEVEL:lvl} %{UUID:req} %{EMAILADDRESS:who} %{HOSTNAME:server} %{QUOTEDSTRING:note}' },
    }));
    const out = r.extract('2024-03-10T11:00:00Z WARN 8601b555-6a76-4c1c-9f00-2d8e2a9e1a1c ann@example.org db-1.internal "said \\"hi\\""', NOW, () => undefined);
    expect(out).toEqual({
      at: '2024-03-10T11:00:00Z', lvl: 'WARN', req: '8601b555-6a76-4c1c-9f00-2d8e2a9e1a1c', who: 'ann@example.org', server: 'db-1.internal', note: '"said \\"hi\\""',
    });
  });

  it('level / ts / message captures set the event instead of fields', () => {
    const r = compileRule(rule({ pattern: { kind: 'regex', source: '^(?<node>\\S+) \\| (?<ts>\\S+) \\| (?<level>\\w+) \\| (?<message>.*)$' } }));
    const { events } = parseBatch(batch([{ line: 'n7 | 2024-03-10T11:30:00Z | Warning | low disk' }]), { rules: [r] });
    expect(events[0]).toMatchObject({ ts: Date.parse('2024-03-10T11:30:00Z'), level: 'warn', message: 'low disk', fields: { node: 'n7' } });
  });

  it('runs after automatic parsing, on the message, and its fields win', () => {
    const r = compileRule(rule({ pattern: { kind: 'regex', source: '^order (?<order>\\d+) (?<status>\\w+)$' }, fieldTypes: { order: 'number' } }));
    const { events } = parseBatch(batch([{ line: '{"msg":"order 42 shipped","status":"old"}' }]), { rules: [r] });
    expect(events[0].fields).toEqual({ order: 42, status: 'shipped' });
  });

  it('first matching rule wins; app globs and predicates select rules', () => {
    const rules = [
      compileRule({ id: 'api-only', name: 'api', app: 'api', pattern: { kind: 'regex', source: '(?<who>\\w+) logged in' } }),
      compileRule({ id: 'web-glob', name: 'web', app: 'web-*', pattern: { kind: 'regex', source: '(?<user>\\w+) logged in' } }),
      compileRule({ id: 'never', name: 'pred', matches: () => false, pattern: { kind: 'regex', source: '(?<x>.+)' } }),
      compileRule({ id: 'fallback', name: 'any', matches: (e: LogEvent) => e.message.includes('logged'), pattern: { kind: 'regex', source: '(?<any>\\w+) logged' } }),
      compileRule({ id: 'unreached', name: 'second', pattern: { kind: 'regex', source: '(?<second>\\w+) logged' } }),
    ];
    const { events, stats } = parseBatch(batch([
      { line: 'ann logged in', app: 'web-eu' },
      { line: 'bob logged in', app: 'api' },
      { line: 'cid logged in', app: 'worker' },
    ]), { rules });
    expect(events.map((e) => e.fields)).toEqual([{ user: 'ann' }, { who: 'bob' }, { any: 'cid' }]);
    expect(stats.ruleMatches).toEqual({ 'web-glob': 1, 'api-only': 1, fallback: 1 });
  });

  it(`sees at most ${MAX_RULE_INPUT} characters of the message`, () => {
    const r = compileRule(rule({ pattern: { kind: 'regex', source: '(?<tail>TAIL)$' } }));
    expect(r.extract(`${'x'.repeat(MAX_RULE_INPUT)}TAIL`, NOW, () => undefined)).toBeUndefined();
    expect(r.extract(`${'x'.repeat(100)}TAIL`, NOW, () => undefined)).toEqual({ tail: 'TAIL' });
  });
});

describe('catastrophic patterns', () => {
  const evil = `${'a'.repeat(MAX_RULE_INPUT - 1)}!`;

  it('RE2 runs (a+)+$ in linear time', () => {
    const r = compileRule(rule({ pattern: { kind: 'regex', source: '^(?<a>(a+)+)$' } }));
    expect(r.engine).toBe('re2');
    const started = Date.now();
    for (let i = 0; i < 100; i++) expect(r.extract(evil, NOW, () => undefined)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each([
    ['^(?<a>(a+)+)$', /nested quantifiers/],
    ['^(?<w>(\\w*\\s?)*)$', /nested quantifiers/],
    ['(?<x>(a|ab)*)c', /repeated alternation/],
    ['(?<x>(?:\\d+,?){2,})', /nested quantifiers/],
  ])('the JavaScript fallback refuses %s', (source, message) => {
    expect(() => compileRule(rule({ pattern: { kind: 'regex', source } }), { engine: 'js' })).toThrow(message);
  });

  it('the fallback refuses grok that repeats a library pattern: (%{INT} )+', () => {
    expect(() => compileRule(rule({ pattern: { kind: 'grok', source: '(?:%{INT:n} )+' } }), { engine: 'js' })).toThrow(/nested quantifiers/);
  });

  it('the fallback accepts the grok library itself', () => {
    const r = compileRule(rule({ pattern: { kind: 'grok', source: '^%{COMBINEDAPACHELOG}$' } }), { engine: 'js' });
    expect(r.engine).toBe('js');
    const line = '1.2.3.4 - - [10/Mar/2024:04:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "curl/8"';
    expect(r.extract(line, NOW, () => undefined)).toMatchObject({ clientip: '1.2.3.4', response: 200, agent: '"curl/8"' });
  });

  it('disables a rule that exceeds its per-batch time budget and reports why', () => {
    const r = compileRule(rule({ id: 'slow', pattern: { kind: 'regex', source: '(?<a>x)' } }));
    const lines = Array.from({ length: 5 }, () => ({ line: 'x marks the spot' }));
    const { events, stats } = parseBatch(batch(lines), { rules: [r], ruleBudgetMs: 0 });
    expect(stats.ruleTimeouts).toEqual({ slow: 1 });
    expect(stats.rulesDisabled).toEqual([{ ruleId: 'slow', reason: expect.stringContaining('budget 0 ms') }]);
    expect(r.disabled?.reason).toContain('budget');
    // the event being matched when the budget ran out keeps its fields; later ones skip the rule
    expect(events.slice(1).every((e) => !('a' in e.fields))).toBe(true);
    const again = parseBatch(batch(lines), { rules: [r] });
    expect(again.stats.ruleMatches).toEqual({});
  });
});
