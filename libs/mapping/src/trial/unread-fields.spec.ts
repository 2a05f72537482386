import { leafPaths, namesRead, unreadPaths } from './unread-fields';

describe('fields a mapping never reads', () => {
  const payload = { products: [{ gtin: '1', name: 'a', kg: 5, origin: 'x', net: { value: 1, uom: 'KGM' } }] };

  it('lists the leaves of a payload, arrays as []', () => {
    expect(leafPaths(payload)).toEqual([
      'products[].gtin',
      'products[].name',
      'products[].kg',
      'products[].origin',
      'products[].net.value',
      'products[].net.uom',
    ]);
  });

  it('reports the leaves whose names the expression never reads; an object read whole counts as read', () => {
    const read = namesRead('{ "products": products.{ "gtin": gtin, "name": name, "netContent": net } }');
    expect(read).not.toBe('all');
    expect(unreadPaths(leafPaths(payload), read as Set<string>)).toEqual([
      'products[].kg',
      'products[].origin',
    ]);
  });

  it('cannot tell for `$`, wildcards or key-listing functions', () => {
    expect(namesRead('$')).toBe('all');
    expect(namesRead('products.*')).toBe('all');
    expect(namesRead('$keys(products[0])')).toBe('all');
    expect(namesRead('')).toBe('all');
  });
});
