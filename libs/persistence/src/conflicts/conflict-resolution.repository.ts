import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditEvent, type AuditService } from '../audit/audit.service';
import { type PipelineFinding } from '../pipeline/pipeline-store.types';
import { byteOrder, recordKeyOrder, recordKeyOrderSql } from '../transaction';
import {
  type ConflictRef,
  type LockedRecord,
  type RecordHead,
  type StoredVersion,
} from './conflict-resolution.types';
import { ConflictsRead, type ConflictView } from './conflicts-read';

/**
 * The SQL of an operator's decision on a conflict (`conflict`, the versions and records it names,
 * eventIDs and serials that move): the adapter of libs/pipeline's `ConflictStore` port. What each
 * decision does, and in which order, is the pipeline's ConflictResolver; locks here follow the hub's
 * lock order (record rows sorted, then eventIDs, then serials).
 */
export class PgConflictResolutionRepository {
  private readonly read: ConflictsRead;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auditService: AuditService,
  ) {
    this.read = new ConflictsRead(dataSource);
  }

  async transaction<T>(fn: (tx: PgConflictResolutionTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((m) => fn(new PgConflictResolutionTx(m, this.auditService)));
  }

  /** The conflict with both sides, as the API answers it (the whole country's view). */
  async view(id: string): Promise<ConflictView | null> {
    return this.read.get(id);
  }
}

/** One resolution's transaction. */
export class PgConflictResolutionTx {
  constructor(
    private readonly m: EntityManager,
    private readonly auditService: AuditService,
  ) {}

  async conflict(id: string): Promise<ConflictRef | null> {
    const [c] = await this.m.query<
      Array<{
        id: string;
        code: string;
        kind: string;
        key: string;
        status: 'open' | 'resolved';
        existing_version_id: string | null;
        incoming_version_id: string;
      }>
    >(
      `SELECT id, code, kind, key, status, existing_version_id::text AS existing_version_id,
              incoming_version_id::text AS incoming_version_id
         FROM conflict WHERE id = $1`,
      [id],
    );
    if (!c) return null;
    return {
      id: c.id,
      code: c.code,
      kind: c.kind,
      key: c.key,
      status: c.status,
      existingVersionId: c.existing_version_id,
      incomingVersionId: c.incoming_version_id,
    };
  }

  /** A version a conflict names; it always exists (a foreign key), so its absence is a bug. */
  async version(id: string): Promise<StoredVersion> {
    const [row] = await this.m.query<
      Array<{
        id: string;
        kind: string;
        key: string;
        version: number | null;
        status: string;
        content_hash: string;
        claimant: string | null;
        event_id: string | null;
        source_key: string;
        data: unknown;
        findings: PipelineFinding[];
      }>
    >(
      `SELECT id::text AS id, kind, key, version, status, content_hash, claimant, event_id, source_key, data, findings
         FROM record_version WHERE id = $1`,
      [id],
    );
    if (!row) throw new Error(`record_version ${id} named by a conflict does not exist`);
    return {
      id: row.id,
      kind: row.kind,
      key: row.key,
      version: row.version,
      status: row.status,
      contentHash: row.content_hash,
      claimant: row.claimant,
      eventId: row.event_id,
      sourceKey: row.source_key,
      data: row.data,
      findings: row.findings,
    };
  }

  /** Locks these records in the lock order; answers those that exist. */
  async lockRecords(keys: Array<{ kind: string; key: string }>): Promise<LockedRecord[]> {
    const sorted = [...keys].sort(recordKeyOrder);
    const rows = await this.m.query<
      Array<{
        kind: string;
        key: string;
        latest_version: number;
        latest_version_id: string | null;
        latest_content_hash: string | null;
      }>
    >(
      `SELECT kind, key, latest_version, latest_version_id::text AS latest_version_id, latest_content_hash
         FROM record
        WHERE (kind, key) IN (SELECT kind, key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text))
        ORDER BY ${recordKeyOrderSql()}
        FOR UPDATE`,
      [JSON.stringify(sorted)],
    );
    return rows.map((r) => ({
      kind: r.kind,
      key: r.key,
      latestVersion: r.latest_version,
      latestVersionId: r.latest_version_id,
      latestContentHash: r.latest_content_hash,
    }));
  }

  /** Locks the conflict row (after the records); answers its status now, null if it is gone. */
  async lockConflict(id: string): Promise<string | null> {
    const [again] = await this.m.query<Array<{ status: string }>>(
      `SELECT status FROM conflict WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return again?.status ?? null;
  }

  /** The held arrival becomes version `version` of its key: ready, without findings. */
  async acceptVersion(versionId: string, version: number): Promise<void> {
    await this.m.query(
      `UPDATE record_version SET version = $2, status = 'ready', findings = '[]'::jsonb, updated_at = now() WHERE id = $1`,
      [versionId, version],
    );
  }

  /** A version rejected in conflict, with the finding that says why. */
  async rejectVersion(versionId: string, findings: PipelineFinding[]): Promise<void> {
    await this.m.query(
      `UPDATE record_version SET status = 'rejected', findings = $2::jsonb, updated_at = now() WHERE id = $1`,
      [versionId, JSON.stringify(findings)],
    );
  }

  async history(versionId: string, status: string, reason: string): Promise<void> {
    await this.m.query(
      `INSERT INTO record_status_history (record_version_id, status, reason) VALUES ($1, $2, $3)`,
      [versionId, status, reason],
    );
  }

  /**
   * The record's latest version, claimant, source and province move to the accepted arrival: its
   * data's province, else its source's, as the pipeline sets it (never the former holder's).
   */
  async moveHead(kind: string, key: string, head: RecordHead): Promise<void> {
    await this.m.query(
      `UPDATE record SET latest_version = $3, latest_version_id = $4, latest_content_hash = $5, claimant = $6,
              source_key = $7,
              province_code = coalesce($8, (SELECT s.province_code FROM source s WHERE s.key = $7), province_code),
              status = 'ready', updated_at = now()
        WHERE kind = $1 AND key = $2`,
      [
        kind,
        key,
        head.version,
        head.versionId,
        head.contentHash,
        head.claimant,
        head.sourceKey,
        head.provinceCode,
      ],
    );
  }

  /** Other open conflicts on the key now stand against `versionId`. */
  async standAgainst(kind: string, key: string, versionId: string, exceptConflictId: string): Promise<void> {
    await this.m.query(
      `UPDATE conflict SET existing_version_id = $3
        WHERE kind = $1 AND key = $2 AND status = 'open' AND id <> $4`,
      [kind, key, versionId, exceptConflictId],
    );
  }

  /** The eventID moves to `eventKey`; other open EVENT_ID_REUSED conflicts on it stand against `versionId`. */
  async moveEventId(
    eventId: string,
    eventKey: string,
    versionId: string,
    exceptConflictId: string,
  ): Promise<void> {
    await this.m.query(`SELECT event_id FROM event_identifier WHERE event_id = $1 FOR UPDATE`, [eventId]);
    await this.m.query(`UPDATE event_identifier SET event_key = $2 WHERE event_id = $1`, [eventId, eventKey]);
    await this.m.query(
      `UPDATE conflict c SET existing_version_id = $2
         FROM record_version v
        WHERE c.status = 'open' AND c.code = 'EVENT_ID_REUSED' AND c.incoming_version_id = v.id
          AND v.event_id = $1 AND c.id <> $3`,
      [eventId, versionId, exceptConflictId],
    );
  }

  /** The SGTINs' first commissioning becomes this event's (locked, then written, in byte order). */
  async moveSerials(
    sgtins: readonly string[],
    claim: { eventKey: string; readPoint: string | null; owner: string },
  ): Promise<void> {
    const sorted = [...sgtins].sort(byteOrder);
    if (sorted.length === 0) return;
    await this.m.query(
      `SELECT sgtin FROM commissioned_serial WHERE sgtin = ANY($1::text[]) ORDER BY sgtin COLLATE "C" FOR UPDATE`,
      [sorted],
    );
    await this.m.query(
      `INSERT INTO commissioned_serial (sgtin, event_key, read_point, owner)
       SELECT s, $2, $3, $4 FROM unnest($1::text[]) AS s ORDER BY s COLLATE "C"
       ON CONFLICT (sgtin) DO UPDATE SET event_key = EXCLUDED.event_key, read_point = EXCLUDED.read_point,
              owner = EXCLUDED.owner, updated_at = now()`,
      [sorted, claim.eventKey, claim.readPoint, claim.owner],
    );
  }

  /** The record stands rejected (its latest version was rejected). */
  async rejectRecord(kind: string, key: string): Promise<void> {
    await this.m.query(
      `UPDATE record SET status = 'rejected', updated_at = now() WHERE kind = $1 AND key = $2`,
      [kind, key],
    );
  }

  /** The record stands rejected unless another conflict on it is still open. */
  async rejectRecordUnlessOpen(kind: string, key: string, exceptConflictId: string): Promise<void> {
    await this.m.query(
      `UPDATE record SET status = 'rejected', updated_at = now()
        WHERE kind = $1 AND key = $2
          AND NOT EXISTS (SELECT 1 FROM conflict WHERE kind = $1 AND key = $2 AND status = 'open' AND id <> $3)`,
      [kind, key, exceptConflictId],
    );
  }

  async closeConflict(
    id: string,
    resolution: { decision: string; note: string; actor: string },
  ): Promise<void> {
    await this.m.query(
      `UPDATE conflict SET status = 'resolved', decision = $2, note = $3, resolved_by = $4, resolved_at = now()
        WHERE id = $1`,
      [id, resolution.decision, resolution.note, resolution.actor],
    );
  }

  /** The audit entry, in this transaction (both commit or neither). */
  async audit(event: AuditEvent): Promise<void> {
    await this.auditService.record(event, this.m);
  }
}
