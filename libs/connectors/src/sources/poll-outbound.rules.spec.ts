import { headerNameProblem, isCredentialName, urlCredentialProblems } from './poll-outbound.rules';
import { checkSourceDefinition, checkSourcePatch } from './source-definition.schema';

const POLL = {
  url: 'https://api.tayninh.gov.vn/records',
  intervalSeconds: 60,
  auth: { type: 'none' },
  pagination: { type: 'cursor', param: 'cursor', nextCursorPath: 'next' },
};
const definition = (poll: object) => ({
  key: 'tay-ninh',
  provinceCode: '80',
  name: 'Tây Ninh',
  kind: 'poll',
  format: 'epcis-json',
  poll: { ...POLL, ...poll },
});

describe('poll outbound rules', () => {
  it.each([
    'token',
    'key',
    'apikey',
    'api_key',
    'API-Key',
    'x_api_key',
    'secret',
    'client_secret',
    'password',
    'db-password',
    'access_token',
    'accessToken',
    'refresh_token',
    'sig',
    'signature',
  ])('takes ?%s= for a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each(['page', 'pageSize', 'cursor', 'province', 'format', 'pageToken', 'monkey', 'keyword', 'since'])(
    'takes ?%s= for an ordinary parameter',
    (name) => {
      expect(isCredentialName(name)).toBe(false);
    },
  );

  it('finds user info and credential parameters in a URL, naming the parameters but not their values', () => {
    expect(urlCredentialProblems('https://a:b@x.test/r', '/poll/url')).toEqual([
      { path: '/poll/url', message: expect.stringContaining('user:password@') },
    ]);
    const [problem] = urlCredentialProblems('https://x.test/r?page=1&Token=abc&token=def', '/poll/url');
    expect(problem.message).toContain('(Token, token)');
    expect(problem.message).not.toMatch(/abc|def/);
    expect(urlCredentialProblems('https://x.test/r?page=1', '/poll/url')).toEqual([]);
  });

  it.each([
    'Host',
    'AUTHORIZATION',
    'Cookie',
    'Keep-Alive',
    'TE',
    'Upgrade',
    'Proxy-Foo',
    'X-Forwarded-Host',
    'X API',
    'Ключ',
  ])('refuses %s as an API key header', (name) => {
    expect(headerNameProblem(name)).toEqual(expect.any(String));
  });

  it.each(['X-API-Key', 'apikey', 'X-Tay-Ninh-Token', 'Ocp-Apim-Subscription-Key'])(
    'accepts %s as an API key header',
    (name) => {
      expect(headerNameProblem(name)).toBeNull();
    },
  );

  it('is part of the definition and change checks (the API and `npm run source -- apply` alike)', () => {
    expect(checkSourceDefinition(definition({}))).toEqual([]);
    expect(checkSourceDefinition(definition({ url: 'https://x.test/r?apikey=k' }))).toEqual([
      { path: '/poll/url', message: expect.stringContaining('set "auth" instead') },
    ]);
    expect(
      checkSourcePatch({
        poll: { ...POLL, auth: { type: 'apiKey', in: 'header', name: 'Host', value: 'k' } },
      }),
    ).toEqual([{ path: '/poll/auth/name', message: expect.any(String) }]);
    // A query API key names a query parameter: that is where it belongs.
    expect(
      checkSourcePatch({
        poll: { ...POLL, auth: { type: 'apiKey', in: 'query', name: 'api_key', value: 'k' } },
      }),
    ).toEqual([]);
  });
});
