import { BlockList, isIP } from 'node:net';

/**
 * What kind of address an IP is, for deciding whether the hub may call it. Only `public` addresses
 * are reachable without an OUTBOUND_ALLOWLIST entry.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'documentation'
  | 'reserved';

/**
 * The IANA special-purpose registries (IPv4 and IPv6) that are not globally reachable, by class.
 * Order matters only where ranges nest (`::/96` holds `::` and `::1`): the first class that matches wins.
 * IPv4-mapped IPv6 (`::ffff:a.b.c.d`) needs no row: BlockList checks it against the IPv4 rows.
 */
const SPECIAL_RANGES: ReadonlyArray<readonly [AddressClass, string]> = [
  ['unspecified', '0.0.0.0/8'],
  ['unspecified', '::/128'],
  ['loopback', '127.0.0.0/8'],
  ['loopback', '::1/128'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['private', '100.64.0.0/10'], // carrier-grade NAT, shared address space
  ['private', 'fc00::/7'], // unique local
  ['private', 'fec0::/10'], // site local (deprecated)
  ['private', '64:ff9b:1::/48'], // local-use NAT64
  ['link-local', '169.254.0.0/16'],
  ['link-local', 'fe80::/10'],
  ['multicast', '224.0.0.0/4'],
  ['multicast', 'ff00::/8'],
  ['documentation', '192.0.2.0/24'],
  ['documentation', '198.51.100.0/24'],
  ['documentation', '203.0.113.0/24'],
  ['documentation', '2001:db8::/32'],
  ['documentation', '3fff::/20'],
  ['reserved', '192.0.0.0/24'], // IETF protocol assignments
  ['reserved', '192.88.99.0/24'], // 6to4 relay anycast (deprecated)
  ['reserved', '198.18.0.0/15'], // benchmarking
  ['reserved', '240.0.0.0/4'], // future use, and 255.255.255.255
  ['reserved', '::/96'], // IPv4-compatible (deprecated)
  ['reserved', '100::/64'], // discard only
  ['reserved', '2001::/23'], // IETF protocol assignments: Teredo, benchmarking, ORCHID
  ['reserved', '5f00::/16'], // SRv6 SIDs
];

const LISTS: ReadonlyArray<readonly [AddressClass, BlockList]> = (() => {
  const byClass = new Map<AddressClass, BlockList>();
  for (const [kind, cidr] of SPECIAL_RANGES) {
    const list = byClass.get(kind) ?? new BlockList();
    const [network, prefix] = cidr.split('/');
    list.addSubnet(network, Number(prefix), isIP(network) === 6 ? 'ipv6' : 'ipv4');
    byClass.set(kind, list);
  }
  return [...byClass];
})();

/** Prefixes that carry an IPv4 address inside an IPv6 one: the embedded address decides. */
const NAT64 = new BlockList();
NAT64.addSubnet('64:ff9b::', 96, 'ipv6');
const SIX_TO_FOUR = new BlockList();
SIX_TO_FOUR.addSubnet('2002::', 16, 'ipv6');

/**
 * The class of an IP address (IPv4, IPv6, IPv4-mapped IPv6, with or without a zone id). Throws for
 * a string that is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  const address = withoutZone(ip);
  const family = isIP(address);
  if (family === 0) throw new TypeError(`"${ip}" is not an IP address`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (type === 'ipv6') {
    // NAT64 and 6to4 reach the IPv4 address they embed: 2002:7f00:1:: is 127.0.0.1.
    if (NAT64.check(address, 'ipv6')) return classifyAddress(embeddedIpv4(address, 6));
    if (SIX_TO_FOUR.check(address, 'ipv6')) return classifyAddress(embeddedIpv4(address, 1));
  }
  for (const [kind, list] of LISTS) if (list.check(address, type)) return kind;
  return 'public';
}

/** Removes an IPv6 zone id (`fe80::1%eth0`), which BlockList does not take. */
export function withoutZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** The IPv4 address in hextets `at` and `at + 1` of an IPv6 address. */
function embeddedIpv4(ipv6: string, at: number): string {
  const h = ipv6Hextets(ipv6);
  return [h[at] >> 8, h[at] & 0xff, h[at + 1] >> 8, h[at + 1] & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail read). */
export function ipv6Hextets(ipv6: string): number[] {
  let text = withoutZone(ipv6).toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  if (tail === null) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
