import { PrefixRegistry } from './prefix-registry';

describe('PrefixRegistry', () => {
  it('answers the longest registered prefix from the bundled seed', () => {
    const registry = PrefixRegistry.load(null);
    expect(registry.size).toBe(12);
    expect(registry.lookup('893610055123')?.prefix).toBe('893610055');
    expect(registry.lookup('893610099999')?.prefix).toBe('8936100');
    expect(registry.lookup('8935999')?.status).toBe('revoked');
    expect(registry.lookup('8939876000')).toBeUndefined();
  });

  it('refuses a malformed registry file', () => {
    expect(() => new PrefixRegistry([]).lookup('8935049')).not.toThrow();
    expect(() => PrefixRegistry.load('/nonexistent/registry.json')).toThrow();
  });
});
