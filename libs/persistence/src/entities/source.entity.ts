import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SourceKind = 'webhook' | 'poll';
export type SourceFormat = 'json' | 'xml' | 'csv' | 'epcis-json' | 'epcis-xml';
export type SourceStage = 'draft' | 'testing' | 'active' | 'paused';
export type SourceHealth = 'healthy' | 'unhealthy';

/** Poll settings without their secrets (those live encrypted in secretsEnc). */
export interface PollSettings {
  url: string;
  intervalSeconds: number;
  itemsPath?: string;
  /** A dotted path to the total number of items the province reports on a page (backfill progress). */
  totalPath?: string;
  timeoutSeconds?: number;
  auth: {
    type: 'none' | 'apiKey' | 'basic' | 'oauth2';
    in?: 'header' | 'query';
    name?: string;
    username?: string;
    tokenUrl?: string;
    clientId?: string;
    scope?: string;
  };
  pagination: {
    type: 'page' | 'cursor' | 'updatedSince';
    param: string;
    startAt?: number;
    sizeParam?: string;
    size?: number;
    nextCursorPath?: string;
    recordTimePath?: string;
  };
}

export interface SourcePolicy {
  /** Circular 02/2024 Art. 6.5: products must carry an image URL to publish. */
  requireProductImage?: boolean;
  /** Net content is required to publish (default true, as the national model's contract says). */
  requireNetContent?: boolean;
}

/** Where and for which events the hub calls a provincial system back (hub-interface.md, "v1 additions"). */
export interface SourceCallback {
  url: string;
  events: Array<'receipt.processed' | 'receipt.synced' | 'conflict.resolved'>;
}

@Entity('source')
export class SourceEntity {
  @PrimaryColumn('text') key!: string;
  @Column('text', { name: 'province_code' }) provinceCode!: string;
  @Column('text') name!: string;
  @Column('text') kind!: SourceKind;
  @Column('text') format!: SourceFormat;
  @Column('text') stage!: SourceStage;
  @Column('text', { name: 'stage_before_pause', nullable: true }) stageBeforePause!:
    'testing' | 'active' | null;
  @Column('integer', { name: 'mapping_version', nullable: true }) mappingVersion!: number | null;
  @Column('jsonb', { nullable: true }) poll!: PollSettings | null;
  @Column('text', { name: 'secrets_enc', nullable: true }) secretsEnc!: string | null;
  @Column('integer', { name: 'max_body_bytes' }) maxBodyBytes!: number;
  @Column('integer', { name: 'rate_limit_per_minute' }) rateLimitPerMinute!: number;
  @Column('integer', { name: 'rate_limit_bytes_per_minute' }) rateLimitBytesPerMinute!: number;
  @Column('jsonb') policy!: SourcePolicy;
  @Column('text') health!: SourceHealth;
  @Column('integer', { name: 'consecutive_failures' }) consecutiveFailures!: number;
  @Column('text', { name: 'last_error', nullable: true }) lastError!: string | null;
  @Column('timestamptz', { name: 'last_receipt_at', nullable: true }) lastReceiptAt!: Date | null;
  @Column('timestamptz', { name: 'last_poll_at', nullable: true }) lastPollAt!: Date | null;
  @Column('timestamptz', { name: 'next_poll_after', nullable: true }) nextPollAfter!: Date | null;
  @Column('jsonb', { nullable: true }) checkpoint!: Record<string, string | number | null> | null;
  @Column('jsonb', { nullable: true }) callback!: SourceCallback | null;
  /** When the callback was set: events from before it are not sent. */
  @Column('timestamptz', { name: 'callback_since', nullable: true }) callbackSince!: Date | null;
  @Column('integer', { name: 'expected_interval_minutes', nullable: true }) expectedIntervalMinutes!:
    | number
    | null;
  @Column('timestamptz', { name: 'activated_at', nullable: true }) activatedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
}
