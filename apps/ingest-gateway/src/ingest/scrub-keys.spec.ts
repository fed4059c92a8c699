import type { RawLine } from '@millrace/log-schema';
import { scrubKeys } from './scrub-keys';

const ik = `mlr_ik_${'A'.repeat(40)}x-_`;
const sk = `mlr_sk_${'b'.repeat(43)}`;

describe('scrubbing keys from received lines', () => {
  it('replaces ingestion and service keys in the message, fields at any depth, field names, app, host, level and tags', () => {
    const lines: RawLine[] = [
      { line: `<13>1 - h app - - [millrace@53595 key="${ik}"] login with ${sk}!`, app: `a${ik}`, host: ik, level: ik, tags: [`t:${ik}`],
        meta: { token: ik, nested: { list: [1, `Bearer ${sk}`, { deep: ik }] }, [`k_${ik}`]: 'v' } },
      { line: 'nothing to see, mlr_ik_short and mlr_ about' },
    ];
    expect(scrubKeys(lines, 'http-json')).toBe(10);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(ik);
    expect(text).not.toContain(sk);
    expect(lines[0].line).toBe('<13>1 - h app - - [millrace@53595 key="mlr_ik_[redacted]"] login with mlr_sk_[redacted]!');
    expect(lines[0].meta).toEqual({ token: 'mlr_ik_[redacted]', nested: { list: [1, 'Bearer mlr_sk_[redacted]', { deep: 'mlr_ik_[redacted]' }] }, 'k_mlr_ik_[redacted]': 'v' });
    expect(lines[1].line).toBe('nothing to see, mlr_ik_short and mlr_ about');
  });

  it('errs on the side of removing: a key glued to more text is removed too', () => {
    const lines: RawLine[] = [{ line: `${ik}EXTRA` }];
    expect(scrubKeys(lines, 'syslog')).toBe(1);
    expect(lines[0].line).toBe('mlr_ik_[redacted]EXTRA');
  });
});
