import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig, REDIS_CLIENT } from '@txng/common';
import { type SourceEntity } from '@txng/persistence';
import Redis from 'ioredis';
import { SOURCE_STORE, type SourceStore } from './source-store.port';

/** How long a definition is served from memory at most, should a change's message be missed. */
export const SOURCE_CACHE_TTL_MS = 5_000;

interface Entry {
  source: SourceEntity;
  at: number;
}

/**
 * Source definitions as webhook intake and the ingest worker read them: once per body before, now
 * from memory (docs/ingest.md, "The source's definition in memory"). Every change the hub makes to
 * a source (SourcesService: create, update, stage moves, delete, secret rotation) is published on
 * Redis after its commit, and every process drops its copy of that source on the message, the one
 * that made it at once. A process serves from memory only while it is subscribed: with Redis away,
 * or before the subscription is confirmed, every read goes to PostgreSQL as before; a copy is kept
 * at most SOURCE_CACHE_TTL_MS should a message be lost all the same. A read that began before a
 * change is not kept (its answer may be the old definition).
 */
@Injectable()
export class SourceCache implements OnApplicationShutdown {
  private readonly logger = new Logger(SourceCache.name);
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<SourceEntity | null>>();
  /** Moves at every change heard of: a read begun under another value is not kept. */
  private generation = 0;
  private subscriber: Redis | null = null;
  private listening = false;
  private readonly channel: string;

  constructor(
    @Inject(SOURCE_STORE) private readonly store: SourceStore,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    // Channels are not keys: the client's key prefix does not apply, so the hub's prefix is written out.
    this.channel = `${config.redisPrefix}:source-changed`;
  }

  /** The source, deleted or not (callers refuse or accept a deleted one), or null when there is none. */
  async findAny(key: string, now = Date.now()): Promise<SourceEntity | null> {
    this.subscribe();
    if (this.listening) {
      const entry = this.entries.get(key);
      if (entry && now - entry.at < SOURCE_CACHE_TTL_MS) return entry.source;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const load = this.store
      .findAny(key)
      .then((source) => {
        if (source && this.listening && generation === this.generation)
          this.entries.set(key, { source, at: Date.now() });
        return source;
      })
      .finally(() => {
        if (this.loading.get(key) === load) this.loading.delete(key);
      });
    this.loading.set(key, load);
    return load;
  }

  /**
   * A source was changed in this process (its transaction committed): this process forgets it now,
   * every other one when the message reaches it. Never throws; a message not sent is made up for by
   * the TTL.
   */
  async changed(key: string): Promise<void> {
    this.forget(key);
    try {
      await this.redis.publish(this.channel, key);
    } catch (error) {
      this.logger.warn(
        `source ${key} changed but not announced (${(error as Error).message}); other processes see it within ${SOURCE_CACHE_TTL_MS} ms`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.listening = false;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private forget(key: string | null): void {
    this.generation += 1;
    if (key === null) {
      this.entries.clear();
      this.loading.clear();
    } else {
      this.entries.delete(key);
      this.loading.delete(key);
    }
  }

  /** Subscribes once, at the first read (a process that never reads a source never connects). */
  private subscribe(): void {
    if (this.subscriber) return;
    const subscriber = new Redis(this.config.redisUrl, {
      connectTimeout: 2000,
      maxRetriesPerRequest: null,
      lazyConnect: true,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, key: string) => this.forget(key));
    // Messages missed while away are unknown: everything is forgotten, and nothing is served from
    // memory until subscribed again (ioredis subscribes again by itself on reconnecting).
    subscriber.on('close', () => {
      this.listening = false;
      this.forget(null);
    });
    // At the first connection and at every reconnection: subscribed (again, which is harmless when
    // ioredis did it already), and only then is memory trusted.
    subscriber.on('ready', () => {
      subscriber
        .subscribe(this.channel)
        .then(() => {
          if (this.subscriber !== subscriber) return;
          this.forget(null);
          this.listening = true;
        })
        .catch((error: Error) => this.logger.warn(`source changes not subscribed: ${error.message}`));
    });
    subscriber.on('error', (error: Error) =>
      this.logger.debug(`source-change subscription: ${error.message}`),
    );
    subscriber
      .connect()
      .catch((error: Error) => this.logger.warn(`source changes not subscribed: ${error.message}`));
  }
}
