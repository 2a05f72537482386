import { type RecordKind, summaryDigest } from '@txng/national-model';
import { type PortalRecordInfo } from '@txng/portal-client';
import { AcceptanceLog } from './acceptance-log';

/**
 * The version held of one key: what the read-back answers (`provinceCode` being that of the batch
 * that brought it) and the record's data.
 */
export interface StoredRecord extends PortalRecordInfo {
  data: unknown;
}

/** What the portal holds: the latest version of each kind + key. In memory; lost on restart. */
export class RecordStore {
  private readonly records = new Map<string, StoredRecord>();
  private nextPortalId = 1;
  /** Every version accepted from a batch, per key (`GET /__sim/accepted`). */
  readonly accepted = new AcceptanceLog();

  get(kind: string, key: string): StoredRecord | undefined {
    return this.records.get(id(kind, key));
  }

  /** Stores a version; a key keeps the portalId its first version got. */
  put(record: Omit<StoredRecord, 'portalId'>): StoredRecord {
    const existing = this.records.get(id(record.kind, record.key));
    const portalId = existing?.portalId ?? `P-${String(this.nextPortalId++).padStart(6, '0')}`;
    const stored = { ...record, portalId };
    this.records.set(id(record.kind, record.key), stored);
    return stored;
  }

  /** Stores a version a batch brought, and logs the acceptance. */
  accept(record: Omit<StoredRecord, 'portalId'>, batchId: string, at: number): StoredRecord {
    const stored = this.put(record);
    this.accepted.append(record.kind, record.key, {
      version: record.version,
      contentHash: record.contentHash,
      batchId,
      provinceCode: record.provinceCode,
      acceptedAt: new Date(at).toISOString(),
      data: record.data,
    });
    return stored;
  }

  /** Test and demo control (`DELETE /__sim/records/...`): forgets a key; false when none was held. */
  delete(kind: string, key: string): boolean {
    return this.records.delete(id(kind, key));
  }

  summary(provinceCode: string): { counts: Record<RecordKind, number>; digest: string } {
    const counts: Record<RecordKind, number> = { product: 0, location: 0, organization: 0, lot: 0, event: 0 };
    const held: StoredRecord[] = [];
    for (const r of this.records.values()) {
      if (r.provinceCode !== provinceCode) continue;
      counts[r.kind] += 1;
      held.push(r);
    }
    return { counts, digest: summaryDigest(held) };
  }

  get size(): number {
    return this.records.size;
  }

  clear(): void {
    this.records.clear();
    this.accepted.clear();
    this.nextPortalId = 1;
  }
}

const id = (kind: string, key: string): string => `${kind}\u0000${key}`;
