import { SecretBox } from './encryption';

describe('SecretBox', () => {
  const box = new SecretBox('an encryption key of at least 32 characters');

  it('round-trips, with a fresh IV each time', () => {
    const a = box.seal(Buffer.from('private key'), 'kid-1');
    const b = box.seal(Buffer.from('private key'), 'kid-1');
    expect(a).not.toBe(b);
    expect(box.open(a, 'kid-1').toString()).toBe('private key');
    expect(a).not.toContain(Buffer.from('private key').toString('base64url'));
  });

  it('refuses another key, another row, or a changed ciphertext', () => {
    const sealed = box.seal(Buffer.from('private key'), 'kid-1');
    expect(() => new SecretBox('a different encryption key, also long enough').open(sealed, 'kid-1')).toThrow();
    expect(() => box.open(sealed, 'kid-2')).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'kid-1')).toThrow();
  });

  it('names the encryption key by a stable fingerprint', () => {
    expect(new SecretBox('an encryption key of at least 32 characters').keyId).toBe(box.keyId);
    expect(new SecretBox('a different encryption key, also long enough').keyId).not.toBe(box.keyId);
    expect(box.keyId).toMatch(/^[0-9a-f]{16}$/);
  });
});
