import { type PipelineFinding } from '../pipeline/pipeline-store.types';

/** A record as every answer of the operator API shows it (hub-interface.md, "Records and pipeline"). */
export interface RecordView {
  /** The record_version id (for duplicates: the id of the version it matched). */
  id: string;
  kind: string;
  key: string;
  version: number | null;
  status: string;
  findings: PipelineFinding[];
  data: unknown;
  contentHash: string;
  claimant: string | null;
  source: string;
  receiptId: string;
  webhookId: string | null;
  pollPage: Record<string, unknown> | null;
  mappingVersion: number | null;
  createdAt: Date;
}

/** The columns of record_version a RecordView is built from, as SQL selects them. */
export const VERSION_COLUMNS = `v.id::text AS id, v.kind, v.key, v.version, v.status, v.findings, v.data, v.content_hash,
  v.claimant, v.source_key, v.receipt_id, v.webhook_id, v.poll_page, v.mapping_version, v.created_at`;

export interface VersionSqlRow {
  id: string;
  kind: string;
  key: string;
  version: number | null;
  status: string;
  findings: PipelineFinding[];
  data: unknown;
  content_hash: string;
  claimant: string | null;
  source_key: string;
  receipt_id: string;
  webhook_id: string | null;
  poll_page: Record<string, unknown> | null;
  mapping_version: number | null;
  created_at: Date;
}

export function toRecordView(r: VersionSqlRow): RecordView {
  return {
    id: r.id,
    kind: r.kind,
    key: r.key,
    version: r.version,
    status: r.status,
    findings: r.findings,
    data: r.data,
    contentHash: r.content_hash,
    claimant: r.claimant,
    source: r.source_key,
    receiptId: r.receipt_id,
    webhookId: r.webhook_id,
    pollPage: r.poll_page,
    mappingVersion: r.mapping_version,
    createdAt: r.created_at,
  };
}
