import { OutboundAllowlist, parseOutboundAllowlist } from './outbound-allowlist';

const listOf = (value: string): OutboundAllowlist => {
  const parsed = parseOutboundAllowlist(value);
  expect(parsed.problems).toEqual([]);
  return new OutboundAllowlist(parsed.rules);
};

describe('OUTBOUND_ALLOWLIST', () => {
  it('reads host names, addresses and CIDR ranges, each with or without a port', () => {
    const { rules, problems } = parseOutboundAllowlist(
      ' api.tayninh.gov.vn, API.Example.org.:8443 ,127.0.0.1:4201,10.20.0.0/16, [::1]:8080, fd00::/8, [fd12::/16]:443, 2001:db8::5 ',
    );
    expect(problems).toEqual([]);
    expect(
      rules.map((r) => (r.kind === 'host' ? [r.host, r.port] : [`${r.address}/${r.prefix}`, r.port])),
    ).toEqual([
      ['api.tayninh.gov.vn', null],
      ['api.example.org', 8443],
      ['127.0.0.1/32', 4201],
      ['10.20.0.0/16', null],
      ['::1/128', 8080],
      ['fd00::/8', null],
      ['fd12::/16', 443],
      ['2001:db8::5/128', null],
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseOutboundAllowlist('')).toEqual({ rules: [], problems: [] });
    expect(parseOutboundAllowlist(' , ')).toEqual({ rules: [], problems: [] });
  });

  it.each([
    ['bad host!'],
    ['host:0'],
    ['host:65536'],
    ['host:http'],
    ['10.0.0.0/33'],
    ['fd00::/129'],
    ['10.0.0.0/x'],
    ['999.1.1.1/8'],
    ['[example.org]:80'],
    ['-leading.example'],
    ['http://example.org'],
  ])('names the bad entry %s', (entry) => {
    const { problems } = parseOutboundAllowlist(`127.0.0.1, ${entry}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`"${entry}"`);
  });

  it('matches addresses inside a range, IPv4-mapped IPv6 included, at the given port only', () => {
    const list = listOf('127.0.0.1:4201, 10.20.0.0/16, [::1]:8080, fd00::/8');
    expect(list.permitsAddress('127.0.0.1', 4201)).toBe(true);
    expect(list.permitsAddress('127.0.0.1', 4202)).toBe(false);
    expect(list.permitsAddress('::ffff:127.0.0.1', 4201)).toBe(true);
    expect(list.permitsAddress('127.0.0.2', 4201)).toBe(false);
    expect(list.permitsAddress('10.20.255.1', 1)).toBe(true);
    expect(list.permitsAddress('10.21.0.1', 1)).toBe(false);
    expect(list.permitsAddress('::ffff:10.20.0.9', 443)).toBe(true);
    expect(list.permitsAddress('::1', 8080)).toBe(true);
    expect(list.permitsAddress('[::1]', 8080)).toBe(true);
    expect(list.permitsAddress('::1', 80)).toBe(false);
    expect(list.permitsAddress('fd99::1', 443)).toBe(true);
    expect(list.permitsAddress('fe80::1', 443)).toBe(false);
    expect(list.permitsAddress('not-an-ip', 443)).toBe(false);
  });

  it('matches host names whole and without case, never a suffix or an address they resolve to', () => {
    const list = listOf('api.tayninh.gov.vn, intranet.example:8443');
    expect(list.permitsHost('API.TayNinh.gov.vn.', 443)).toBe(true);
    expect(list.permitsHost('evil-api.tayninh.gov.vn', 443)).toBe(false);
    expect(list.permitsHost('tayninh.gov.vn', 443)).toBe(false);
    expect(list.permitsHost('intranet.example', 8443)).toBe(true);
    expect(list.permitsHost('intranet.example', 443)).toBe(false);
    expect(list.permitsUrlHost('127.0.0.1', 443)).toBe(false);
  });
});
