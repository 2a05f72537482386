import { randomBytes } from 'node:crypto';
import { type PollAuthInput } from './source-definition.schema';

/** A webhook secret and, once rotated away, the moment it stops being accepted. */
export interface WebhookSecret {
  secret: string;
  createdAt: string;
  expiresAt: string | null;
}

/** Everything secret about a source, stored only sealed (SecretBox) in `source.secrets_enc`. */
export interface SourceSecrets {
  webhookSecrets?: WebhookSecret[];
  /** What the hub signs callbacks with; during a rotation the old one signs too until it expires. */
  callbackSecrets?: WebhookSecret[];
  /** The secret fields of the poll auth: apiKey `value`, basic `password`, oauth2 `clientSecret`. */
  pollAuth?: { value?: string; password?: string; clientSecret?: string };
}

/** Standard Webhooks secret format: `whsec_` + base64 of the HMAC key. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const SECRET_FIELDS = ['value', 'password', 'clientSecret'] as const;

/** Splits poll auth into what may be shown (stored as plain JSON) and what must be sealed. */
export function splitPollAuth(auth: PollAuthInput): {
  visible: Record<string, unknown>;
  secret: SourceSecrets['pollAuth'];
} {
  const visible: Record<string, unknown> = {};
  const secret: Record<string, string> = {};
  for (const [field, value] of Object.entries(auth)) {
    if ((SECRET_FIELDS as readonly string[]).includes(field)) secret[field] = String(value);
    else visible[field] = value;
  }
  return { visible, secret };
}

export function activeWebhookSecrets(secrets: SourceSecrets, now: Date): string[] {
  return (secrets.webhookSecrets ?? [])
    .filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now)
    .map((s) => s.secret);
}

/** Every callback secret still in force: each signs a delivery, so either verifies during a rotation. */
export function activeCallbackSecrets(secrets: SourceSecrets, now: Date): string[] {
  return (secrets.callbackSecrets ?? [])
    .filter((s) => s.expiresAt === null || new Date(s.expiresAt) > now)
    .map((s) => s.secret);
}
