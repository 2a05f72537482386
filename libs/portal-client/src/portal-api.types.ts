import { type RecordKind } from '@txng/national-model';

/** One record as pushed (national-portal-api.md, "Push a batch"). */
export interface PortalRecord {
  kind: RecordKind;
  key: string;
  version: number;
  data: unknown;
}

export type RecordRejectCode = 'INVALID_RECORD' | 'GTIN_PREFIX_OWNER' | 'UNKNOWN_PROVINCE' | 'VERSION_GAP';

export interface RecordResult {
  key: string;
  status: 'accepted' | 'duplicate' | 'stale' | 'rejected';
  portalId?: string;
  currentVersion?: number;
  /** `code` is one of RecordRejectCode for a contract-conforming portal; kept as string so a new code is not lost. */
  error?: { code: RecordRejectCode | (string & {}); message: string };
}

/** What was sent for one chunk of a pushBatch call. */
export interface BatchReceipt {
  batchId: string;
  idempotencyKey: string;
  recordCount: number;
  /** The portal answered from its idempotency store (a retry of a batch it had processed). */
  replayed: boolean;
}

export interface PushBatchResult {
  /** One per record, in the order given. */
  results: RecordResult[];
  batches: BatchReceipt[];
}

export interface PortalRecordInfo {
  kind: RecordKind;
  key: string;
  version: number;
  portalId: string;
  contentHash: string;
  provinceCode: string;
}

export interface ProvinceSummary {
  provinceCode: string;
  counts: Partial<Record<RecordKind, number>>;
  digest: string;
}

export interface PrefixAnswer {
  prefix: string;
  owner: { taxCode: string; gln: string; name: string };
  status: 'active' | 'revoked';
}
