import { type OutboundAllowRule } from '../outbound/outbound-allowlist';
import { type IntakeOptions } from './intake-config';
import { type NotifyOptions } from './notify-config';
import { type SyncOptions } from './sync-config';

/** The validated configuration every process runs with (hub-interface.md, "Processes and configuration"). */
export interface PortalEndpoint {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export type NodeEnv = 'development' | 'production' | 'test';

export interface HubConfig {
  nodeEnv: NodeEnv;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Key prefix for every Redis key the hub writes (BullMQ queues included). */
  redisPrefix: string;
  logLevel: string;
  portal: PortalEndpoint;
  /** Where sources in `testing` sync; null means they run the pipeline but sync nowhere. */
  portalSandbox: PortalEndpoint | null;
  /** Bootstrap admin token; null only in development. */
  adminToken: string | null;
  /**
   * Source of the key that encrypts stored credentials and signs board sessions. When HUB_SECRET_KEY
   * is unset (never in production) it is random: runMain replaces it with the development key kept in
   * `.txng/secret-key` (development-secrets.ts), so every process of one working directory shares it.
   */
  secretKey: string;
  /** True when HUB_SECRET_KEY is unset and secretKey was generated. */
  secretKeyGenerated: boolean;
  /** HOST: the address the gateway listens on; null = every interface (loopback only on development defaults). */
  host: string | null;
  /** Requests per operator token to /v1/admin in each window (ADMIN_RATE_LIMIT, 0 = no limit). */
  adminRate: { limit: number; windowSeconds: number };
  /**
   * Check products against the portal's GS1 company prefix registry (GTIN_PREFIX_OWNER). On by
   * default; `PREFIX_REGISTRY_CHECK=off` is for test rigs that run without any portal.
   */
  prefixRegistryCheck: boolean;
  /**
   * DATABASE_PREPARED_STATEMENTS: send the main path's hot SQL as named prepared statements (on by
   * default). `off` for a connection pooler that cannot carry them (PgBouncer in transaction mode
   * before 1.21, or without `max_prepared_statements`).
   */
  databasePreparedStatements: boolean;
  /**
   * OUTBOUND_ALLOWLIST: non-public hosts and ranges that province URLs may reach (loopback for the
   * demo and tests, a province's VPN range). Empty by default: only public addresses.
   */
  outboundAllowlist: OutboundAllowRule[];
  /** Portal sync and reconciliation knobs (SYNC_* and RECONCILE_* variables, docs/sync.md). */
  sync: SyncOptions;
  /** Webhook intake's per-address limits and receipt body retention (WEBHOOK_* and RECEIPT_BODY_*). */
  intake: IntakeOptions;
  /** Signed callbacks and alerts (CALLBACK_* and ALERT_*, docs/operations.md). */
  notify: NotifyOptions;
}

/** Injection token for HubConfig. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
