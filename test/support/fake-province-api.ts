import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** One record as a provincial traceability system might list it. */
export interface FakeRecord {
  id: string;
  updatedAt: string;
  name: string;
}

export type FakeAuth =
  | { type: 'none' }
  | { type: 'apiKey'; in: 'header' | 'query'; name: string; value: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'oauth2'; clientId: string; clientSecret: string };

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** What the fake answered (0 for a request left hanging). */
  status: number;
}

export interface FakeFault {
  /** Answer with this status (default 500) ... */
  status?: number;
  /** ... or never answer at all. */
  hang?: boolean;
  /** Sent as the body (text/html) instead of the usual JSON error. */
  body?: string;
  /** Sent as `Retry-After` (seconds) with the status. */
  retryAfterSeconds?: number;
  /** Only for requests this matches (default: every records request). */
  when?: (query: URLSearchParams, path: string) => boolean;
}

/**
 * A province's records API on 127.0.0.1, real HTTP, with every auth and pagination kind the hub
 * polls (hub-interface.md, "Sources"):
 * - `GET /page/records?page=&pageSize=` → `{"result":{"items":[…]},"page":N,"total":T}` (pages from 1;
 *   T is every record, for a source's `totalPath`)
 * - `GET /cursor/records?cursor=` → `{"data":[…],"next":"…"|null}`
 * - `GET /since/records?updatedSince=` → `{"data":[…]}`: records with updatedAt ≥ the value, oldest
 *   first, at most `pageSize`
 * - `POST /oauth/token` (client credentials in the form body) → `{"access_token","expires_in"}`
 * `records`, `auth`, `pageSize`, `fault` and `redirectTokenTo` may be changed between requests.
 */
export class FakeProvinceApi {
  records: FakeRecord[] = [];
  auth: FakeAuth = { type: 'none' };
  pageSize = 2;
  fault: FakeFault | null = null;
  /** When set, the token endpoint answers 307 to this URL instead of issuing a token. */
  redirectTokenTo: string | null = null;
  readonly requests: SeenRequest[] = [];
  tokenRequests = 0;
  private tokens = new Set<string>();
  private tokenCounter = 0;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /**
   * Listens on `host`, 127.0.0.1 unless a test needs another loopback address (127.0.0.2, ::1) that
   * the tests' OUTBOUND_ALLOWLIST leaves out.
   */
  static async start(host = '127.0.0.1'): Promise<FakeProvinceApi> {
    const api = new FakeProvinceApi();
    await new Promise<void>((resolve) => api.server.listen(0, host, resolve));
    return api;
  }

  /** `count` records r001… with one updatedAt per record, a minute apart from `start`. */
  static makeRecords(count: number, start = Date.UTC(2025, 6, 1, 8, 0, 0), from = 1): FakeRecord[] {
    return Array.from({ length: count }, (_, i) => ({
      id: `r${String(from + i).padStart(3, '0')}`,
      updatedAt: new Date(start + (from + i - 1) * 60_000).toISOString(),
      name: `Lô hàng ${from + i}`,
    }));
  }

  /** Requests to the records endpoints (not the token endpoint). */
  get recordRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/records'));
  }

  /** Every token issued so far stops working, as if the province rotated its signing key. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  reset(): void {
    this.requests.length = 0;
    this.tokenRequests = 0;
    this.fault = null;
    this.redirectTokenTo = null;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    this.requests.push(seen);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      seen.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };

    if (url.pathname === '/oauth/token' && req.method === 'POST') {
      this.tokenRequests += 1;
      if (this.redirectTokenTo) return send(307, { moved: true }, { Location: this.redirectTokenTo });
      const form = new URLSearchParams(await readBody(req));
      const a = this.auth;
      if (
        a.type !== 'oauth2' ||
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== a.clientId ||
        form.get('client_secret') !== a.clientSecret
      ) {
        return send(401, { error: 'invalid_client' });
      }
      const token = `tok-${++this.tokenCounter}`;
      this.tokens.add(token);
      return send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }

    if (!url.pathname.endsWith('/records')) return send(404, { error: 'not found' });
    if (!this.authorized(req, url)) return send(401, { error: 'unauthorized' });
    if (this.fault && (this.fault.when?.(url.searchParams, url.pathname) ?? true)) {
      if (this.fault.hang) return; // left open until the client gives up or the server closes
      const headers: Record<string, string> =
        this.fault.retryAfterSeconds === undefined
          ? {}
          : { 'Retry-After': String(this.fault.retryAfterSeconds) };
      if (this.fault.body !== undefined) {
        seen.status = this.fault.status ?? 500;
        res.writeHead(seen.status, { 'Content-Type': 'text/html', ...headers });
        return void res.end(this.fault.body);
      }
      return send(this.fault.status ?? 500, { error: 'province system failure' }, headers);
    }

    const size = Number(url.searchParams.get('pageSize') ?? this.pageSize);
    switch (url.pathname) {
      case '/page/records': {
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, {
          result: { items: this.records.slice((page - 1) * size, page * size) },
          page,
          total: this.records.length,
        });
      }
      case '/cursor/records': {
        const cursor = url.searchParams.get('cursor');
        const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
        const next =
          offset + size < this.records.length
            ? Buffer.from(String(offset + size)).toString('base64url')
            : null;
        return send(200, { data: this.records.slice(offset, offset + size), next });
      }
      case '/since/records': {
        const since = url.searchParams.get('updatedSince');
        const sorted = [...this.records].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
        const data = sorted
          .filter((r) => since === null || Date.parse(r.updatedAt) >= Date.parse(since))
          .slice(0, size);
        return send(200, { data });
      }
      default:
        return send(404, { error: 'not found' });
    }
  }

  private authorized(req: IncomingMessage, url: URL): boolean {
    const a = this.auth;
    const header = req.headers.authorization ?? '';
    switch (a.type) {
      case 'none':
        return true;
      case 'apiKey':
        return a.in === 'header'
          ? req.headers[a.name.toLowerCase()] === a.value
          : url.searchParams.get(a.name) === a.value;
      case 'basic':
        return header === `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}`;
      case 'oauth2':
        return header.startsWith('Bearer ') && this.tokens.has(header.slice('Bearer '.length));
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
