import { BlockList, isIP } from 'node:net';
import { withoutZone } from './address-class';

/**
 * One OUTBOUND_ALLOWLIST entry (hub-interface.md): a host name, an IP address or a CIDR range,
 * optionally limited to one port. An IP address is a range of one address.
 */
export type OutboundAllowRule =
  | { kind: 'host'; text: string; host: string; port: number | null }
  | { kind: 'network'; text: string; address: string; prefix: number; family: 4 | 6; port: number | null };

export interface ParsedAllowlist {
  rules: OutboundAllowRule[];
  /** One sentence per entry that could not be read, naming it. */
  problems: string[];
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Reads the comma-separated list. IPv6 takes a port only in brackets (`[::1]:8443`,
 * `[fd00::/8]:443`); a bare IPv6 address or range has no port.
 */
export function parseOutboundAllowlist(value: string): ParsedAllowlist {
  const rules: OutboundAllowRule[] = [];
  const problems: string[] = [];
  for (const raw of value.split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const rule = parseEntry(text);
    if (typeof rule === 'string') problems.push(`"${text}" ${rule}`);
    else rules.push(rule);
  }
  return { rules, problems };
}

function parseEntry(text: string): OutboundAllowRule | string {
  let target = text;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    target = bracketed[1];
    portText = bracketed[2] ?? null;
    if (!bracketed[1].includes(':')) return 'puts something other than an IPv6 address in brackets';
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [target, portText] = text.split(':');
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      return 'has a port that is not a whole number from 1 to 65535';
    port = Number(portText);
  }

  const slash = target.indexOf('/');
  const address = slash === -1 ? target : target.slice(0, slash);
  const family = isIP(address);
  if (family !== 0) {
    const max = family === 4 ? 32 : 128;
    const prefixText = slash === -1 ? String(max) : target.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max)
      return `has a prefix length that is not a whole number from 0 to ${max}`;
    return { kind: 'network', text, address, prefix: Number(prefixText), family: family === 6 ? 6 : 4, port };
  }
  if (slash !== -1) return 'is not a CIDR range (an IPv4 or IPv6 address, "/", a prefix length)';
  const host = normaliseHost(target);
  if (host.length > 253 || !host.split('.').every((label) => HOST_LABEL.test(label)))
    return 'is not a host name, an IP address or a CIDR range';
  return { kind: 'host', text, host, port };
}

/** A URL's host as the allowlist compares it: lower case, no brackets, no trailing dot. */
export function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** Answers whether an entry of the list lets the hub reach a host or an address at a port. */
export class OutboundAllowlist {
  private readonly hosts: Array<{ host: string; port: number | null }> = [];
  private readonly networks: Array<{ list: BlockList; port: number | null }> = [];

  constructor(readonly rules: readonly OutboundAllowRule[]) {
    for (const rule of rules) {
      if (rule.kind === 'host') {
        this.hosts.push({ host: rule.host, port: rule.port });
      } else {
        const list = new BlockList();
        list.addSubnet(rule.address, rule.prefix, rule.family === 6 ? 'ipv6' : 'ipv4');
        this.networks.push({ list, port: rule.port });
      }
    }
  }

  /** The host name (not an IP address) as written in the URL, at this port. */
  permitsHost(host: string, port: number): boolean {
    const name = normaliseHost(host);
    return this.hosts.some((h) => h.host === name && (h.port === null || h.port === port));
  }

  /** An IP address the connection would go to, at this port. */
  permitsAddress(ip: string, port: number): boolean {
    const address = withoutZone(normaliseHost(ip));
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 6 ? 'ipv6' : 'ipv4';
    return this.networks.some((n) => n.list.check(address, type) && (n.port === null || n.port === port));
  }

  /** A URL's host, whether a name or an IP literal, at this port. */
  permitsUrlHost(host: string, port: number): boolean {
    return isIP(normaliseHost(host)) === 0 ? this.permitsHost(host, port) : this.permitsAddress(host, port);
  }
}
