/**
 * Paths pino must never print. Headers carry bearer tokens and webhook signatures; bodies of the
 * operator API carry source credentials and webhook secrets.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.webhookSecret',
  '*.token',
  '*.access_token',
  '*.value',
  'auth.password',
  'auth.value',
  'auth.clientSecret',
];
