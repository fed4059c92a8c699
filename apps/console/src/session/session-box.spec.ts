import { SessionBox } from './session-box';

describe('SessionBox', () => {
  const box = new SessionBox('a secret of at least thirty-two characters');

  it('opens what it sealed', () => {
    const sealed = box.seal({ at: 'token', n: 1 });
    expect(box.open(sealed)).toEqual({ at: 'token', n: 1 });
  });

  it('seals the same value differently each time (random IV)', () => {
    expect(box.seal({ a: 1 })).not.toEqual(box.seal({ a: 1 }));
  });

  it('refuses an altered cookie', () => {
    const sealed = box.seal({ role: 'viewer' });
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    parts[4] = body.toString('base64url');
    expect(box.open(parts.join('.'))).toBeUndefined();
  });

  it('refuses a cookie sealed with another secret, garbage and nothing', () => {
    const other = new SessionBox('another secret of at least thirty-two characters');
    expect(box.open(other.seal({ a: 1 }))).toBeUndefined();
    expect(box.open('s2.000000000000.AAAA.AAAA.AAAA')).toBeUndefined();
    expect(box.open('hello')).toBeUndefined();
    expect(box.open(undefined)).toBeUndefined();
  });
});
