import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import axios from 'axios';
import { parseOutboundAllowlist } from './outbound-allowlist';
import {
  OUTBOUND_REFUSED,
  OutboundGuard,
  type OutboundResolver,
  OutboundRefusedError,
} from './outbound-guard';

/** A server on one loopback address that counts what reaches it. */
interface Listener {
  port: number;
  hits: number;
  close(): Promise<void>;
}

async function listen(host: string): Promise<Listener> {
  const state = { hits: 0 };
  const server: Server = createServer((_req, res) => {
    state.hits += 1;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get hits() {
      return state.hits;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Names this test invents, answered without /etc/hosts or DNS; each call may answer differently. */
function resolverOf(table: Record<string, string[][]>): OutboundResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = (hostname: string) => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) return Promise.reject(Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' }));
    const answer = answers[Math.min(calls.filter((c) => c === hostname).length - 1, answers.length - 1)];
    return Promise.resolve(answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return Object.assign(resolve, { calls });
}

function guardOf(allowlist: string, resolve?: OutboundResolver, requireHttps = false): OutboundGuard {
  const parsed = parseOutboundAllowlist(allowlist);
  expect(parsed.problems).toEqual([]);
  return new OutboundGuard({ allowlist: parsed.rules, requireHttps, resolve });
}

async function get(guard: OutboundGuard, url: string): Promise<string> {
  try {
    const res = await axios.get<string>(url, {
      httpAgent: guard.httpAgent,
      httpsAgent: guard.httpsAgent,
      proxy: false,
      maxRedirects: 0,
      timeout: 5000,
      responseType: 'text',
    });
    return `${res.status} ${res.data}`;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof OutboundRefusedError) return `refused: ${cause.message}`;
    throw error;
  }
}

describe('OutboundGuard (real connections on loopback)', () => {
  let allowed: Listener;
  let other: Listener;
  let ipv6: Listener;

  beforeAll(async () => {
    allowed = await listen('127.0.0.1');
    other = await listen('127.0.0.2');
    ipv6 = await listen('::1');
  });
  afterAll(async () => {
    await Promise.all([allowed.close(), other.close(), ipv6.close()]);
  });

  it('reaches an allowlisted address and refuses other loopback addresses before connecting', async () => {
    const guard = guardOf('127.0.0.1');
    const before = other.hits + ipv6.hits;
    expect(await get(guard, `http://127.0.0.1:${allowed.port}/`)).toBe('200 ok');
    expect(await get(guard, `http://127.0.0.2:${other.port}/`)).toMatch(
      /^refused: 127\.0\.0\.2:\d+ is a loopback address.*OUTBOUND_ALLOWLIST/,
    );
    expect(await get(guard, `http://[::1]:${ipv6.port}/`)).toMatch(
      /^refused: \[::1\]:\d+ is a loopback address/,
    );
    expect(await get(guard, `http://[::ffff:127.0.0.2]:${other.port}/`)).toMatch(/^refused: .*loopback/);
    expect(await get(guard, `https://127.0.0.2:${other.port}/`)).toMatch(/^refused: /);
    expect(other.hits + ipv6.hits).toBe(before);
  });

  it('checks the addresses a name resolves to, so localhost resolving to ::1 is refused when only 127.0.0.1 is listed', async () => {
    const resolve = resolverOf({ 'province.test': [['127.0.0.2']], localhost: [['::1']] });
    const guard = guardOf('127.0.0.1', resolve);
    const before = other.hits + ipv6.hits;
    expect(await get(guard, `http://province.test:${other.port}/`)).toMatch(
      /^refused: province\.test:\d+ resolves to 127\.0\.0\.2, a loopback address/,
    );
    expect(await get(guard, `http://localhost:${ipv6.port}/`)).toMatch(
      /^refused: localhost:\d+ resolves to ::1/,
    );
    expect(other.hits + ipv6.hits).toBe(before);
    expect(resolve.calls).toEqual(['province.test', 'localhost']);
  });

  it("uses the system's resolver by default: localhost, a loopback name, is refused unless listed", async () => {
    const before = allowed.hits;
    expect(await get(guardOf('127.0.0.2'), `http://localhost:${allowed.port}/`)).toMatch(
      /^refused: localhost:\d+ resolves to (127\.0\.0\.1|::1), a loopback address/,
    );
    expect(allowed.hits).toBe(before);
    expect(await get(guardOf('localhost'), `http://localhost:${allowed.port}/`)).toBe('200 ok');
  });

  it('checks every connection again, so a name rebound to another address is refused', async () => {
    const resolve = resolverOf({ 'rebind.test': [['127.0.0.1'], ['127.0.0.2']] });
    const guard = guardOf('127.0.0.1', resolve);
    expect(await get(guard, `http://rebind.test:${allowed.port}/`)).toBe('200 ok');
    const before = other.hits;
    expect(await get(guard, `http://rebind.test:${allowed.port}/`)).toMatch(
      /^refused: .*resolves to 127\.0\.0\.2/,
    );
    expect(other.hits).toBe(before);
  });

  it('refuses a name its resolver answers with something other than an address', async () => {
    const guard = guardOf('127.0.0.1', resolverOf({ 'odd.test': [['not-an-address']] }));
    expect(await get(guard, `http://odd.test:${allowed.port}/`)).toMatch(/^refused: .*not an IP address/);
  });

  it('connects only to the permitted addresses of a name that has several', async () => {
    const guard = guardOf('127.0.0.1', resolverOf({ 'mixed.test': [['127.0.0.2', '127.0.0.1']] }));
    const before = allowed.hits;
    expect(await get(guard, `http://mixed.test:${allowed.port}/`)).toBe('200 ok');
    expect(allowed.hits).toBe(before + 1);
  });

  it('lets a listed host name reach whatever it resolves to, and a port-limited entry only that port', async () => {
    const resolve = resolverOf({ 'vpn.province.test': [['127.0.0.2']] });
    expect(await get(guardOf('vpn.province.test', resolve), `http://vpn.province.test:${other.port}/`)).toBe(
      '200 ok',
    );
    expect(await get(guardOf(`127.0.0.1:${allowed.port}`), `http://127.0.0.1:${allowed.port}/`)).toBe(
      '200 ok',
    );
    expect(await get(guardOf(`127.0.0.1:${allowed.port + 1}`), `http://127.0.0.1:${allowed.port}/`)).toMatch(
      /^refused: /,
    );
    expect(await get(guardOf('127.0.0.0/8'), `http://127.0.0.2:${other.port}/`)).toBe('200 ok');
    expect(await get(guardOf(`[::1]:${ipv6.port}`), `http://[::1]:${ipv6.port}/`)).toBe('200 ok');
  });

  it('in production refuses plain http except to listed hosts, both before and at connect time', async () => {
    const resolve = resolverOf({ 'plain.test': [['127.0.0.1']] });
    const guard = guardOf('127.0.0.1', resolve, true);
    expect(guard.urlProblem(`http://127.0.0.1:${allowed.port}/`, 'The poll URL')).toBeNull();
    expect(guard.urlProblem('http://plain.test/', 'The poll URL')).toMatch(/must use https in production/);
    expect(guard.urlProblem('https://plain.test/', 'The poll URL')).toBeNull();
    expect(guard.urlProblem('ftp://plain.test/', 'The poll URL')).toMatch(/http:\/\/ or https:\/\//);
    expect(guardOf('', undefined, false).urlProblem('http://plain.test/', 'The poll URL')).toBeNull();
    expect(await get(guard, `http://127.0.0.1:${allowed.port}/`)).toBe('200 ok');
    expect(await get(guard, `http://plain.test:${allowed.port}/`)).toMatch(/^refused: .*plain http/);
  });

  it('refuses with a coded, permanent error', () => {
    const error = new OutboundRefusedError('x');
    expect(error).toMatchObject({ code: OUTBOUND_REFUSED, retryable: false, status: 400 });
  });
});
