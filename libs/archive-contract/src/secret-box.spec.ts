import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('k'.repeat(40));

  it('seals so that only the same key and tenant open it', () => {
    const sealed = box.seal('acme', { secretAccessKey: 'wJalrXUtnFEMI' });
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('wJalrXUtnFEMI');
    expect(box.open('acme', sealed)).toEqual({ secretAccessKey: 'wJalrXUtnFEMI' });
    expect(() => box.open('other', sealed)).toThrow();
    expect(() => new SecretBox('z'.repeat(40)).open('acme', sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split('.');
    const altered = [v, iv, tag, Buffer.from(Buffer.from(body, 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b))).toString('base64url')].join('.');
    expect(() => box.open('acme', altered)).toThrow();
  });

  it('never seals the same value to the same text twice, and refuses short keys', () => {
    expect(box.seal('a', 'x')).not.toBe(box.seal('a', 'x'));
    expect(() => new SecretBox('short')).toThrow(/32 characters/);
  });
});
