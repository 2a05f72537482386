import { provinceName } from '@txng/national-model';
import { type MappingVersionEntity, type PollSettings, type SourceEntity } from '@txng/persistence';
import { isCredentialName } from './poll-outbound.rules';

/** A source as the operator API shows it: never a secret, always where to send webhooks. */
export interface SourceView {
  key: string;
  provinceCode: string;
  provinceName: string | null;
  name: string;
  kind: SourceEntity['kind'];
  format: SourceEntity['format'];
  stage: SourceEntity['stage'];
  status: 'draft' | 'testing' | 'active' | 'paused' | 'unhealthy';
  health: SourceEntity['health'];
  mapping: { version: number; language: string; expression: string } | null;
  poll: SourceEntity['poll'];
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  rateLimitBytesPerMinute: number;
  policy: SourceEntity['policy'];
  webhookPath: string | null;
  /** Where the hub calls the province back, and for which events (never the secret). */
  callback: SourceEntity['callback'];
  expectedIntervalMinutes: number | null;
  lastReceiptAt: string | null;
  lastPollAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toSourceView(source: SourceEntity, mapping: MappingVersionEntity | null): SourceView {
  const running = source.stage === 'testing' || source.stage === 'active';
  return {
    key: source.key,
    provinceCode: source.provinceCode,
    provinceName: provinceName(source.provinceCode) ?? null,
    name: source.name,
    kind: source.kind,
    format: source.format,
    stage: source.stage,
    status: running && source.health === 'unhealthy' ? 'unhealthy' : source.stage,
    health: source.health,
    mapping: mapping
      ? { version: mapping.version, language: mapping.language, expression: mapping.expression }
      : null,
    poll: source.poll ? withoutUrlCredentials(source.poll) : null,
    maxBodyBytes: source.maxBodyBytes,
    rateLimitPerMinute: source.rateLimitPerMinute,
    rateLimitBytesPerMinute: source.rateLimitBytesPerMinute,
    policy: source.policy,
    webhookPath: source.kind === 'webhook' ? `/v1/webhooks/${source.key}` : null,
    callback: source.callback ?? null,
    expectedIntervalMinutes: source.expectedIntervalMinutes ?? null,
    lastReceiptAt: iso(source.lastReceiptAt),
    lastPollAt: iso(source.lastPollAt),
    consecutiveFailures: source.consecutiveFailures,
    lastError: source.lastError,
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}

/**
 * Sources saved before URLs were checked may carry credentials in them (user:password@, ?token=):
 * viewers see those URLs with the credentials masked. New definitions cannot have them.
 */
function withoutUrlCredentials(poll: PollSettings): PollSettings {
  const auth = poll.auth;
  return {
    ...poll,
    url: maskUrl(poll.url),
    auth: typeof auth.tokenUrl === 'string' ? { ...auth, tokenUrl: maskUrl(auth.tokenUrl) } : auth,
  };
}

function maskUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  const names = [...new Set(url.searchParams.keys())].filter(isCredentialName);
  if (!url.username && !url.password && names.length === 0) return value;
  if (url.username) url.username = '***';
  if (url.password) url.password = '***';
  for (const name of names) url.searchParams.set(name, '***');
  return url.toString();
}
