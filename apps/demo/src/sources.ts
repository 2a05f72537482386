import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSourceFile } from '@txng/connectors/sources/source-file';
import { CALLBACK_PATH, CALLBACK_SOURCE } from '@txng/simulators';
import { adminApi } from './admin-api';
import { type DemoOptions } from './options';
import { say } from './output';

interface SourceView {
  key: string;
  stage: string;
  webhookSecret?: string;
  callbackSecret?: string;
}

/** What the province simulators need to play their part: shown by the hub once, never printed. */
export interface DemoSecrets {
  /** Each webhook source's secret, to sign what it sends. */
  webhookSecrets: Map<string, string>;
  /** Cần Thơ's callback secret, to verify what the hub tells it. */
  callbackSecret: string;
}

/** Every event a callback may carry (hub-interface.md, "v1 additions"). */
const CALLBACK_EVENTS = ['receipt.processed', 'receipt.synced', 'conflict.resolved'];

/**
 * Sources of a demo database are sealed with the key of the hub that made them. A database from
 * before development kept its own key in .txng/secret-key (or from another clone) cannot be opened.
 */
const OLD_KEY_HINT =
  ' (if this demo database was made with another HUB_SECRET_KEY or development key, its source secrets ' +
  'cannot be opened: start again with npm run demo -- --reset)';

/**
 * Creates or updates each example source from config/sources/*.yaml through the operator API,
 * activates it, and answers the webhook secrets (new, or rotated when the source already existed:
 * a secret is shown only once). The poll source is pointed at the local Tây Ninh simulator, and
 * Cần Thơ's source calls back to the simulator's callback endpoint, with a callback secret made
 * (or rotated) the same way.
 */
export async function applySources(root: string, options: DemoOptions, apiKey: string): Promise<DemoSecrets> {
  const api = adminApi(`http://127.0.0.1:${options.port}`, options.adminToken);
  const secrets = new Map<string, string>();
  let callbackSecret: string | undefined;
  const files = readdirSync(join(root, 'config/sources'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  for (const file of files) {
    const definition = readSourceFile(join(root, 'config/sources', file), {
      ...process.env,
      TAY_NINH_API_KEY: apiKey,
    });
    const key = String(definition.key);
    if (definition.kind === 'poll') {
      const poll = definition.poll as Record<string, unknown>;
      poll.url = `http://127.0.0.1:${options.pollPort}/api/records`;
      poll.intervalSeconds = options.pollIntervalSeconds;
    }
    if (key === CALLBACK_SOURCE)
      definition.callback = {
        url: `http://127.0.0.1:${options.callbackPort}${CALLBACK_PATH}`,
        events: CALLBACK_EVENTS,
      };
    const existing = await api<SourceView>('GET', `/v1/admin/sources/${key}`);
    let view: SourceView;
    if (existing.status === 404) {
      const created = await api<SourceView & { message?: string }>('POST', '/v1/admin/sources', definition);
      if (created.status !== 201)
        throw new Error(`could not create ${key}: ${created.status} ${JSON.stringify(created.body)}`);
      view = created.body;
      if (view.webhookSecret) secrets.set(key, view.webhookSecret);
      if (view.callbackSecret) callbackSecret = view.callbackSecret;
      say(`source ${key}: created from config/sources/${file}`);
    } else if (existing.status === 200) {
      const patch = Object.fromEntries(
        Object.entries(definition).filter(([f]) => !['key', 'kind', 'provinceCode'].includes(f)),
      );
      const current = existing.body as SourceView & { mapping?: { expression?: string } | null };
      if (
        (definition.mapping as { expression?: string } | undefined)?.expression ===
        current.mapping?.expression
      )
        delete patch.mapping;
      const patched = await api<SourceView>('PATCH', `/v1/admin/sources/${key}`, patch);
      if (patched.status !== 200)
        throw new Error(
          `could not update ${key}: ${patched.status} ${JSON.stringify(patched.body)}${patched.status >= 500 ? OLD_KEY_HINT : ''}`,
        );
      view = patched.body;
      if (definition.kind === 'webhook') {
        const rotated = await api<SourceView>('POST', `/v1/admin/sources/${key}/rotate-secret`);
        if (rotated.status !== 200 || !rotated.body.webhookSecret)
          throw new Error(
            `could not rotate the secret of ${key}: ${rotated.status}${rotated.status >= 500 ? OLD_KEY_HINT : ''}`,
          );
        secrets.set(key, rotated.body.webhookSecret);
      }
      if (key === CALLBACK_SOURCE) {
        // A callback set for the first time comes with its secret; an existing one's is rotated
        // (the old one keeps signing beside it for a while, so nothing in flight fails to verify).
        callbackSecret = patched.body.callbackSecret;
        if (!callbackSecret) {
          const rotated = await api<SourceView>('POST', `/v1/admin/sources/${key}/rotate-callback-secret`);
          if (rotated.status !== 200 || !rotated.body.callbackSecret)
            throw new Error(
              `could not rotate the callback secret of ${key}: ${rotated.status}${rotated.status >= 500 ? OLD_KEY_HINT : ''}`,
            );
          callbackSecret = rotated.body.callbackSecret;
        }
      }
      say(
        `source ${key}: updated from config/sources/${file}${definition.kind === 'webhook' ? ' (new secret)' : ''}`,
      );
    } else {
      throw new Error(`could not read source ${key}: ${existing.status} ${JSON.stringify(existing.body)}`);
    }
    const action = view.stage === 'paused' ? 'resume' : view.stage === 'active' ? null : 'activate';
    if (action) {
      const moved = await api<SourceView>('POST', `/v1/admin/sources/${key}/${action}`);
      if (moved.status !== 200 && moved.status !== 201)
        throw new Error(`could not ${action} ${key}: ${moved.status} ${JSON.stringify(moved.body)}`);
      if (action === 'resume' && moved.body.stage !== 'active') {
        const activated = await api<SourceView>('POST', `/v1/admin/sources/${key}/activate`);
        if (activated.status >= 300) throw new Error(`could not activate ${key}: ${activated.status}`);
      }
    }
  }
  if (!callbackSecret) throw new Error(`the hub gave no callback secret for ${CALLBACK_SOURCE}`);
  return { webhookSecrets: secrets, callbackSecret };
}
