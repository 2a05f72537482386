import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { contentHash } from './content-hash';
import { summaryDigest } from './summary-digest';

describe('canonical JSON and content hash', () => {
  it('follows RFC 8785 (sorted keys, ECMAScript numbers)', () => {
    expect(canonicalJson({ b: 1.0, a: [1e21, 'Cần Thơ'], c: undefined })).toBe(
      '{"a":[1e+21,"Cần Thơ"],"b":1}',
    );
  });

  it('hashes equal records equally whatever the key order', () => {
    const a = contentHash({ gtin: '08935049500018', name: 'Gạo' });
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentHash({ name: 'Gạo', gtin: '08935049500018' })).toBe(a);
    expect(contentHash({ name: 'Gao', gtin: '08935049500018' })).not.toBe(a);
  });
});

describe('summary digest', () => {
  it('hashes the sorted lines, independent of input order', () => {
    const entries = [
      { kind: 'product', key: 'gtin:08935049500018', version: 2 },
      { kind: 'event', key: 'ni:///sha-256;ab?ver=CBV2.0', version: 1 },
    ];
    const expected = createHash('sha256')
      .update('event\tni:///sha-256;ab?ver=CBV2.0\t1\nproduct\tgtin:08935049500018\t2\n')
      .digest('hex');
    expect(summaryDigest(entries)).toBe(`sha256:${expected}`);
    expect(summaryDigest([...entries].reverse())).toBe(`sha256:${expected}`);
    expect(summaryDigest([])).toBe(`sha256:${createHash('sha256').digest('hex')}`);
  });
});
