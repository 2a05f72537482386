import { createHmac } from 'node:crypto';
import { type Delivery, type WebhookFeed, webhookId } from './feeds/feed';

export interface PushStats {
  sent: number;
  accepted: number;
  replayed: number;
  retries: number;
  failed: number;
}

/** Milestones one feed waits on and another announces (the KEY_CLAIMED plant waits for the owner). */
export class Milestones {
  private readonly reached = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  reach(name: string): void {
    if (this.reached.has(name)) return;
    this.reached.set(name, Date.now());
    for (const wake of this.waiters.get(name) ?? []) wake();
    this.waiters.delete(name);
  }

  async wait(name: string, delayMs: number, signal: AbortSignal): Promise<void> {
    if (!this.reached.has(name)) {
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(name) ?? [];
        list.push(resolve);
        this.waiters.set(name, list);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    const at = this.reached.get(name);
    if (at !== undefined) await sleep(Math.max(0, at + delayMs - Date.now()), signal);
  }
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Standard Webhooks signature headers, with node:crypto (the spec, not the hub's library). */
export function sign(secret: string, id: string, timestamp: number, body: Buffer): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

export interface PusherOptions {
  hubUrl: string;
  seed: number;
  secret: string;
  /** deliveries per second */
  rate: number;
  milestones: Milestones;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * A province's outbox: sends the feed's deliveries one after another at the given rate, signed, and
 * retries like a real webhook sender (same webhook-id, fresh timestamp and signature) on 429,
 * 5xx and connection errors. Refusals the sender cannot fix by waiting (400, 401, 413, 415…) are
 * logged and skipped.
 */
export class WebhookPusher {
  readonly stats: PushStats = { sent: 0, accepted: 0, replayed: 0, retries: 0, failed: 0 };
  private readonly warned = new Set<string>();

  constructor(
    private readonly feed: WebhookFeed,
    private readonly options: PusherOptions,
  ) {}

  async run(): Promise<void> {
    const { signal, rate } = this.options;
    const interval = 1000 / rate;
    let nextAt = Date.now();
    for (let index = 0; !signal.aborted; index++) {
      const delivery = this.feed.next(index);
      if (delivery.after)
        await this.options.milestones.wait(delivery.after.milestone, delivery.after.delayMs, signal);
      if (signal.aborted) break;
      const ok = await this.send(delivery);
      if (ok && delivery.milestone) this.options.milestones.reach(delivery.milestone);
      nextAt = Math.max(nextAt + interval, Date.now());
      await sleep(nextAt - Date.now(), signal);
    }
  }

  private async send(delivery: Delivery): Promise<boolean> {
    const { hubUrl, seed, secret, signal, log } = this.options;
    const source = this.feed.sourceKey;
    const idIndex = delivery.resendOf?.sameId ? delivery.resendOf.index : delivery.index;
    const id = webhookId(seed, source, idIndex);
    const body = Buffer.from(delivery.body, 'utf8');
    if (delivery.plant) log(`${source} #${delivery.index}: planted: ${delivery.plant} [${id}]`);
    this.stats.sent++;
    for (let attempt = 1; !signal.aborted; attempt++) {
      let status = 0;
      let retryAfter = 0;
      let replayed = false;
      let answer = '';
      try {
        const response = await fetch(`${hubUrl}/v1/webhooks/${source}`, {
          method: 'POST',
          headers: {
            'content-type': delivery.contentType,
            ...sign(secret, id, Math.floor(Date.now() / 1000), body),
          },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
        });
        status = response.status;
        retryAfter = Number(response.headers.get('retry-after') ?? 0);
        replayed = response.headers.get('webhook-replayed') === 'true';
        answer = await response.text();
      } catch (error) {
        if (signal.aborted) return false;
        answer = error instanceof Error ? error.message : String(error);
      }
      if (status === 202) {
        this.stats.accepted++;
        if (replayed) this.stats.replayed++;
        return true;
      }
      const temporary = status === 0 || status === 429 || status === 409 || status >= 500;
      if (!temporary || attempt >= 8) {
        this.stats.failed++;
        this.warnOnce(
          `${status}`,
          `${source} #${delivery.index}: the hub refused it (${status}): ${answer.slice(0, 300)}`,
        );
        return false;
      }
      this.stats.retries++;
      this.warnOnce(
        `retry-${status}`,
        `${source}: hub answered ${status || answer}; retrying with the same webhook-id`,
      );
      await sleep(retryAfter > 0 ? retryAfter * 1000 : Math.min(30_000, 500 * 2 ** attempt), signal);
    }
    return false;
  }

  private warnOnce(key: string, line: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.log(line);
  }
}
