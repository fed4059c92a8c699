import fc from 'fast-check';
import { LIMITS, type RawBatch, type RawLine } from '@millrace/log-schema';
import { compileRedaction, luhn, parseBatch, RedactionConfigError, type RedactionConfig } from './index';

const NOW = Date.parse('2024-03-10T12:00:00Z');

function run(lines: Array<string | RawLine>, redaction: RedactionConfig = {}) {
  const batch: RawBatch = {
    v: 1, tenant: 'acme', batchId: '01HRZ8X7Q6V3M2K1J0H9G8F7E6', receivedAt: NOW, source: { protocol: 'http-text' },
    lines: lines.map((l) => (typeof l === 'string' ? { line: l } : l)),
  };
  return parseBatch(batch, { redaction });
}

describe('luhn', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4242424242424242'])('accepts %s', (n) => {
    expect(luhn(n)).toBe(true);
  });
  it.each(['4111111111111112', '1234567812345678', '378282246310006'])('rejects %s', (n) => {
    expect(luhn(n)).toBe(false);
  });
});

describe('redaction', () => {
  it('redacts e-mail addresses in the message and lists the detector', () => {
    const { events, stats } = run(['password reset sent to Jane.Doe+shop@mail.example.co.uk, cc ops@example.org.']);
    expect(events[0].message).toBe('password reset sent to [REDACTED:email], cc [REDACTED:email].');
    expect(events[0].fields.redacted).toEqual(['email']);
    expect(stats.redactions).toEqual({ email: 2 });
  });

  it('leaves things that only look like e-mail alone', () => {
    const { events } = run(['git@github or user@localhost or @mention or a@b.c1']);
    expect(events[0].message).toBe('git@github or user@localhost or @mention or a@b.c1');
    expect(events[0].fields.redacted).toBeUndefined();
  });

  it('redacts Luhn-valid card numbers with spaces or dashes, not invalid ones', () => {
    const line = 'card 4111 1111 1111 1111 ok; amex 3782-822463-10005; mc 5555555555554444; bad 4111 1111 1111 1112; order 1234567890123';
    const { events, stats } = run([line]);
    expect(events[0].message).toBe(
      'card [REDACTED:credit_card] ok; amex [REDACTED:credit_card]; mc [REDACTED:credit_card]; bad 4111 1111 1111 1112; order 1234567890123',
    );
    expect(stats.redactions).toEqual({ credit_card: 3 });
  });

  it('does not mistake timestamps, ids glued to letters, or long digit runs for cards', () => {
    const line = 'at 2024-03-10 11:04:05,678 id=x4111111111111111 trace 41111111111111110000 phone +1 555 010 9999';
    expect(run([line]).events[0].message).toBe(line);
  });

  it('finds a card next to other numbers', () => {
    expect(run(['qty 2 4111 1111 1111 1111 total 10']).events[0].message).toBe('qty 2 [REDACTED:credit_card] total 10');
  });

  it('redacts string fields at any depth, in arrays, and card-like numeric fields', () => {
    const line = JSON.stringify({
      msg: 'checkout', customer: { email: 'ann@example.com', cards: ['5555-5555-5555-4444'] }, pan: 4111111111111111, count: 4111,
    });
    const { events } = run([line]);
    expect(events[0].fields).toEqual({
      customer: { email: '[REDACTED:email]', cards: ['[REDACTED:credit_card]'] },
      pan: '[REDACTED:credit_card]',
      count: 4111,
      redacted: ['credit_card', 'email'],
    });
  });

  it('redacts line metadata too', () => {
    const { events } = run([{ line: 'hello', meta: { reporter: 'bob@example.net' } }]);
    expect(events[0].fields).toEqual({ reporter: '[REDACTED:email]', redacted: ['email'] });
  });

  it('IPv4 and IPv6 only when enabled', () => {
    const line = 'client 192.168.10.4 via 2001:db8::8a2e:370:7334 at 10:04:05; version 1.2.3.4.5; 999.1.1.1';
    expect(run([line]).events[0].message).toBe(line);
    expect(run([line], { ipv4: true, ipv6: true }).events[0].message).toBe(
      'client [REDACTED:ipv4] via [REDACTED:ipv6] at 10:04:05; version 1.2.3.4.5; 999.1.1.1',
    );
  });

  it('built-ins can be turned off', () => {
    expect(run(['ann@example.com 4111111111111111'], { email: false, creditCard: false }).events[0].message).toBe('ann@example.com 4111111111111111');
  });

  it('applies tenant patterns and counts them by name', () => {
    const { events, stats } = run(['token=sk_live_abc123XYZ and token=sk_live_zzz999'], { custom: [{ name: 'api_key', pattern: 'sk_live_[A-Za-z0-9]+' }] });
    expect(events[0].message).toBe('token=[REDACTED:api_key] and token=[REDACTED:api_key]');
    expect(events[0].fields.token).toBe('[REDACTED:api_key]');
    expect(stats.redactions).toEqual({ api_key: 3 });
  });

  it('refuses bad tenant patterns and names', () => {
    expect(() => compileRedaction({ custom: [{ name: 'Bad Name', pattern: 'x' }] })).toThrow(RedactionConfigError);
    expect(() => compileRedaction({ custom: [{ name: 'x', pattern: '(?=x)' }] })).toThrow(/look-around/);
    expect(() => compileRedaction({ custom: [{ name: 'x', pattern: '[' }] })).toThrow(RedactionConfigError);
  });

  it('redacts before truncating, so a cut never exposes part of a secret', () => {
    const value = `${'x'.repeat(LIMITS.maxValueLength - 10)} 4111111111111111 tail`;
    const { events } = run([JSON.stringify({ msg: 'big', blob: value })]);
    const blob = events[0].fields.blob as string;
    expect(blob).not.toMatch(/4111/);
    expect(Buffer.byteLength(blob)).toBeLessThanOrEqual(LIMITS.maxValueLength);
  });

  it('property: any generated valid card number inside text is redacted', () => {
    const card = fc
      .tuple(fc.constantFrom('4', '5', '3', '6'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }))
      .map(([first, rest]) => {
        const body = first + rest.join('');
        for (let d = 0; d <= 9; d++) if (luhn(body + d)) return body + d;
        return body + '0';
      });
    fc.assert(
      fc.property(card, fc.stringMatching(/^[a-z ]{0,20}$/), fc.stringMatching(/^[a-z ]{0,20}$/), (n, before, after) => {
        const text = `${before} ${n} ${after}`;
        const msg = run([text]).events[0].message;
        expect(msg).toContain('[REDACTED:credit_card]');
        expect(msg).not.toContain(n);
      }),
      { numRuns: 200 },
    );
  });
});
