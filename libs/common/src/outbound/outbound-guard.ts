import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type Duplex } from 'node:stream';
import { type HubConfig } from '../config/hub-config';
import { AppError } from '../errors/app-error';
import { type AddressClass, classifyAddress } from './address-class';
import { normaliseHost, OutboundAllowlist, type OutboundAllowRule } from './outbound-allowlist';

export const OUTBOUND_REFUSED = 'outbound_refused';

/**
 * The hub refused to call an address: not public and not in OUTBOUND_ALLOWLIST, or plain http where
 * https is required. Permanent: the same URL is refused again until the source or the list changes.
 */
export class OutboundRefusedError extends AppError {
  constructor(message: string) {
    super(OUTBOUND_REFUSED, message, { status: 400, retryable: false });
    this.name = 'OutboundRefusedError';
  }
}

/** Resolves a host name to every address it has (the default is the system resolver, as Node uses). */
export type OutboundResolver = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundGuardOptions {
  allowlist: readonly OutboundAllowRule[];
  /** Production: plain http only to allowlisted hosts. */
  requireHttps: boolean;
  resolve?: OutboundResolver;
}

const systemResolver: OutboundResolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

const CLASS_WORDS: Record<AddressClass, string> = {
  public: 'a public address',
  unspecified: 'an unspecified address',
  loopback: 'a loopback address',
  private: 'a private address',
  'link-local': 'a link-local address',
  multicast: 'a multicast address',
  documentation: 'a documentation address',
  reserved: 'a reserved address',
};

/**
 * Where the hub may send requests on behalf of a configured URL (a province's poll API, its token
 * endpoint, later its callbacks): public addresses, and loopback, private, link-local or other
 * special addresses only when OUTBOUND_ALLOWLIST names them. The check runs when a connection is
 * made, on the addresses the connection will use, so a name that resolves to a public address when
 * a source is saved and to 127.0.0.1 later (DNS rebinding) is refused then. Use `httpAgent` and
 * `httpsAgent` for every such request, with proxies off and redirects not followed (or each hop
 * made through these agents again).
 */
export class OutboundGuard {
  readonly allowlist: OutboundAllowlist;
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  private readonly requireHttps: boolean;
  private readonly resolve: OutboundResolver;

  constructor(options: OutboundGuardOptions) {
    this.allowlist = new OutboundAllowlist(options.allowlist);
    this.requireHttps = options.requireHttps;
    this.resolve = options.resolve ?? systemResolver;
    this.httpAgent = new GuardedHttpAgent(this);
    this.httpsAgent = new GuardedHttpsAgent(this);
  }

  /**
   * What is wrong with a URL the hub would call, before any connection: not http(s), or plain http
   * in production to a host the allowlist does not name. Null when nothing is. `what` names the URL
   * in the answer ("the poll URL").
   */
  urlProblem(value: string | URL, what: string): string | null {
    let url: URL;
    try {
      url = typeof value === 'string' ? new URL(value) : value;
    } catch {
      return `${what} is not a valid URL.`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `${what} must start with http:// or https://.`;
    if (
      url.protocol === 'http:' &&
      this.requireHttps &&
      !this.allowlist.permitsUrlHost(url.hostname, portOf(url))
    ) {
      return `${what} must use https in production; plain http is only for hosts in OUTBOUND_ALLOWLIST.`;
    }
    return null;
  }

  /**
   * Why a connection to `address` (reached through `host`, as written in the URL) at `port` is
   * refused, or null when it may be made.
   */
  refusal(host: string, address: string, port: number, tls: boolean): string | null {
    const named = isIP(normaliseHost(host)) === 0;
    const hostAllowed = named
      ? this.allowlist.permitsHost(host, port)
      : this.allowlist.permitsAddress(host, port);
    if (!tls && this.requireHttps && !hostAllowed) {
      return `${describeHost(host, port)} is plain http; production calls only https, or hosts in OUTBOUND_ALLOWLIST.`;
    }
    if (hostAllowed || this.allowlist.permitsAddress(address, port)) return null;
    if (isIP(address) === 0)
      return `${describeHost(host, port)} resolved to something that is not an IP address.`;
    const kind = classifyAddress(address);
    if (kind === 'public') return null;
    const where = named
      ? `${describeHost(host, port)} resolves to ${address}, `
      : `${describeHost(host, port)} is `;
    return `${where}${CLASS_WORDS[kind]}, which the hub does not call; if this system really is there, add it to OUTBOUND_ALLOWLIST.`;
  }

  /** Connection options with the guard in place: an IP literal checked now, a name at lookup. */
  prepare<T extends ClientRequestArgs>(options: T, tls: boolean): T | OutboundRefusedError {
    const host = normaliseHost(String(options.host ?? options.hostname ?? 'localhost'));
    const port = Number(options.port ?? (tls ? 443 : 80));
    if (options.socketPath)
      return new OutboundRefusedError('Outbound requests go to hosts, not to local sockets.');
    if (isIP(host) !== 0) {
      const refused = this.refusal(host, host, port, tls);
      return refused ? new OutboundRefusedError(refused) : options;
    }
    return { ...options, lookup: this.lookupFor(host, port, tls) };
  }

  private lookupFor(host: string, port: number, tls: boolean): LookupFunction {
    return (hostname, lookupOptions, callback) => {
      const wanted = familyOf(lookupOptions.family);
      this.resolve(hostname).then(
        (found) => {
          const usable = found.filter((a) => wanted === null || a.family === wanted);
          const permitted = usable.filter((a) => this.refusal(host, a.address, port, tls) === null);
          if (permitted.length === 0) {
            const first = usable[0];
            const why = first
              ? (this.refusal(host, first.address, port, tls) ?? '')
              : `${describeHost(host, port)} has no address.`;
            callback(new OutboundRefusedError(why), '', 0);
          } else if (lookupOptions.all) {
            callback(null, permitted);
          } else {
            callback(null, permitted[0].address, permitted[0].family);
          }
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 0),
      );
    };
  }
}

/** The guard a process runs with: its OUTBOUND_ALLOWLIST, and https required in production. */
export function outboundGuardFor(
  config: Pick<HubConfig, 'nodeEnv' | 'outboundAllowlist'>,
  resolve?: OutboundResolver,
): OutboundGuard {
  return new OutboundGuard({
    allowlist: config.outboundAllowlist,
    requireHttps: config.nodeEnv === 'production',
    resolve,
  });
}

/** The address family a lookup asks for (4, 6), or null for any; older callers spell it 'IPv4'. */
function familyOf(family: unknown): 4 | 6 | null {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return null;
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function describeHost(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

class GuardedHttpAgent extends HttpAgent {
  constructor(private readonly guard: OutboundGuard) {
    super({ keepAlive: false });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const prepared = this.guard.prepare(options, false);
    if (prepared instanceof Error) {
      // The agent turns this into the request's 'error' event; no socket is opened.
      callback?.(prepared, undefined as unknown as Duplex);
      return undefined;
    }
    return super.createConnection(prepared, callback);
  }
}

class GuardedHttpsAgent extends HttpsAgent {
  constructor(private readonly guard: OutboundGuard) {
    super({ keepAlive: false });
  }

  override createConnection(
    options: HttpsRequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const prepared = this.guard.prepare(options, true);
    if (prepared instanceof Error) {
      callback?.(prepared, undefined as unknown as Duplex);
      return undefined;
    }
    return super.createConnection(prepared, callback);
  }
}
