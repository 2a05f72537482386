import { type SchemaProblem } from './source-definition.schema';

/**
 * Rules on a poll definition that JSON Schema cannot say well: no credentials in URLs (they would
 * be stored in clear and shown to every viewer; they belong in `auth`, which is sealed), and an API
 * key header that cannot take over a header the HTTP exchange depends on.
 */
export function pollOutboundProblems(poll: unknown, at = '/poll'): SchemaProblem[] {
  if (typeof poll !== 'object' || poll === null) return [];
  const { url, auth } = poll as { url?: unknown; auth?: Record<string, unknown> };
  const problems: SchemaProblem[] = [];
  if (typeof url === 'string') problems.push(...urlCredentialProblems(url, `${at}/url`));
  if (auth && typeof auth.tokenUrl === 'string')
    problems.push(...urlCredentialProblems(auth.tokenUrl, `${at}/auth/tokenUrl`));
  if (auth && auth.type === 'apiKey' && auth.in === 'header' && typeof auth.name === 'string') {
    const problem = headerNameProblem(auth.name);
    if (problem) problems.push({ path: `${at}/auth/name`, message: problem });
  }
  return problems;
}

/** Query parameter names (lower case, without `-` and `_`) that carry a credential. */
const CREDENTIAL_NAMES = new Set([
  'token',
  'key',
  'apikey',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'signature',
  'sig',
  'jwt',
  'bearer',
  'session',
  'sessionid',
]);
/** …and endings that do (`x_api_key`, `client_secret`, `access_token`, `db-password`). */
const CREDENTIAL_ENDINGS = [
  'apikey',
  'secret',
  'password',
  'passwd',
  'accesstoken',
  'authtoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'privatekey',
  'accesskey',
  'secretkey',
  'signature',
];

export function urlCredentialProblems(value: string, path: string): SchemaProblem[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ path, message: 'is not a valid URL' }];
  }
  const problems: SchemaProblem[] = [];
  if (url.username || url.password) {
    problems.push({
      path,
      message:
        'carries credentials (user:password@); remove them and set "auth" instead (basic, apiKey or oauth2), where they are kept sealed',
    });
  }
  const named = [...new Set([...url.searchParams.keys()])].filter(isCredentialName);
  if (named.length > 0) {
    problems.push({
      path,
      message: `carries credentials in its query (${named.join(', ')}); remove them and set "auth" instead (an apiKey "in": "query" is sent as a query parameter but kept sealed)`,
    });
  }
  return problems;
}

export function isCredentialName(name: string): boolean {
  const plain = name.toLowerCase().replace(/[-_.\s]/g, '');
  return CREDENTIAL_NAMES.has(plain) || CREDENTIAL_ENDINGS.some((ending) => plain.endsWith(ending));
}

/** RFC 9110 field-name token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/**
 * Headers an API key may not be sent as: routing (Host), authentication of the hub or a proxy,
 * cookies, hop-by-hop and framing headers, and headers proxies and servers trust for the client's
 * address or origin.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'authorization',
  'proxy-authorization',
  'proxy-authenticate',
  'www-authenticate',
  'cookie',
  'set-cookie',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
  'content-type',
  'content-encoding',
  'expect',
  'accept',
  'accept-encoding',
  'range',
  'via',
  'forwarded',
  'origin',
  'referer',
  'x-real-ip',
  'x-http-method-override',
]);
const RESERVED_PREFIXES = ['proxy-', 'sec-', 'x-forwarded-'];

export function headerNameProblem(name: string): string | null {
  if (!HEADER_NAME.test(name)) return "is not an HTTP header name (letters, digits and !#$%&'*+.^_`|~- only)";
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return `cannot be "${name}": that header belongs to the HTTP exchange itself; use the header the province's API names for its key (such as X-API-Key), or "type": "basic" / "oauth2"`;
  }
  return null;
}
