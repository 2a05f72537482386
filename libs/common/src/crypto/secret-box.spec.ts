import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-hub-secret-key-of-at-least-32-characters');

  it('round-trips Vietnamese text and JSON', () => {
    expect(box.open(box.seal('mật khẩu Cần Thơ'))).toBe('mật khẩu Cần Thơ');
    expect(box.openJson(box.sealJson({ apiKey: 'k-123' }))).toEqual({ apiKey: 'k-123' });
  });

  it('never stores the plaintext and uses a fresh IV each time', () => {
    const a = box.seal('whsec_abc');
    const b = box.seal('whsec_abc');
    expect(a).not.toContain('whsec_abc');
    expect(a).not.toBe(b);
  });

  it('refuses to open with another key or after tampering', () => {
    const sealed = box.seal('secret');
    expect(() => new SecretBox('another-hub-secret-key-of-32-characters!').open(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('derives different keys for different purposes', () => {
    const other = new SecretBox('a-hub-secret-key-of-at-least-32-characters', 'other');
    expect(() => other.open(box.seal('x'))).toThrow();
  });
});
