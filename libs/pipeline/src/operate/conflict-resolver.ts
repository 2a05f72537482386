import { AppError, ErrorCode, notFound } from '@txng/common';
import { byteOrder, recordKeyOrder, recordKeyOrderSql } from '@txng/persistence';
import { type DataSource, type EntityManager } from 'typeorm';
import { type PipelineFinding } from '../pipeline.types';
import { type ConflictSqlRow, ConflictsRead, type ConflictView } from '../read/conflicts-read';
import { commissionedSerials } from '../rules/serials';

export const CONFLICT_DECISIONS = ['keep-existing', 'accept-incoming', 'reject-both'] as const;
export type ConflictDecision = (typeof CONFLICT_DECISIONS)[number];

/** Writes the audit entry inside the resolution's transaction (so both commit or neither). */
export type AuditWriter = (
  event: { actor: string; action: string; target: string; details: Record<string, unknown> },
  manager: EntityManager,
) => Promise<void>;

export interface ResolveInput {
  id: string;
  decision: ConflictDecision;
  note: string;
  actor: string;
}

interface VersionRow {
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
}

interface LockedRecord {
  kind: string;
  key: string;
  latest_version: number;
  latest_version_id: string | null;
  latest_content_hash: string | null;
}

/**
 * An operator's decision on an open conflict (docs/pipeline.md, "Resolving conflicts"). One
 * transaction under the key's row lock, taken in the hub's lock order (libs/persistence lock-order.ts:
 * record rows sorted, then eventIDs, then serials), so a resolution and a batch touching the same key run one after the
 * other. The conflict row is locked after the record rows and re-read: of two concurrent
 * resolutions exactly one finds it open; the other gets 409.
 */
export class ConflictResolver {
  private readonly read: ConflictsRead;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
  ) {
    this.read = new ConflictsRead(dataSource);
  }

  async resolve(input: ResolveInput): Promise<ConflictView> {
    await this.dataSource.transaction(async (m) => {
      const [conflict] = await m.query<ConflictSqlRow[]>(
        `SELECT id, code, kind, key, status, existing_version_id::text AS existing_version_id,
                incoming_version_id::text AS incoming_version_id
           FROM conflict WHERE id = $1`,
        [input.id],
      );
      if (!conflict) throw notFound(`Conflict ${input.id}`);
      if (conflict.status !== 'open') throw alreadyResolved(input.id);
      const incoming = await this.version(m, conflict.incoming_version_id);
      // reject-both on an event conflict also touches the other event: lock both keys, sorted.
      const existing = conflict.existing_version_id
        ? await this.version(m, conflict.existing_version_id)
        : null;
      const keys = [{ kind: conflict.kind, key: conflict.key }];
      if (existing && (existing.kind !== conflict.kind || existing.key !== conflict.key))
        keys.push({ kind: existing.kind, key: existing.key });
      keys.sort(recordKeyOrder);
      const locked = await m.query<LockedRecord[]>(
        `SELECT kind, key, latest_version, latest_version_id::text AS latest_version_id, latest_content_hash
           FROM record
          WHERE (kind, key) IN (SELECT kind, key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text))
          ORDER BY ${recordKeyOrderSql()}
          FOR UPDATE`,
        [JSON.stringify(keys)],
      );
      const [again] = await m.query<Array<{ status: string }>>(
        `SELECT status FROM conflict WHERE id = $1 FOR UPDATE`,
        [input.id],
      );
      if (again?.status !== 'open') throw alreadyResolved(input.id);
      const record = locked.find((r) => r.kind === conflict.kind && r.key === conflict.key);
      if (!record || incoming.status !== 'conflict') {
        throw new AppError(
          ErrorCode.Conflict,
          `Conflict ${input.id} no longer matches what the hub holds (its incoming record is ${incoming.status}).`,
          { status: 409 },
        );
      }
      const outcome =
        input.decision === 'accept-incoming'
          ? await this.accept(m, conflict, record, incoming, input)
          : await this.reject(m, conflict, record, incoming, input, locked);
      await m.query(
        `UPDATE conflict SET status = 'resolved', decision = $2, note = $3, resolved_by = $4, resolved_at = now()
          WHERE id = $1`,
        [input.id, input.decision, input.note, input.actor],
      );
      await this.audit(
        {
          actor: input.actor,
          action: 'conflict.resolve',
          target: input.id,
          details: {
            code: conflict.code,
            kind: conflict.kind,
            key: conflict.key,
            decision: input.decision,
            note: input.note,
            ...outcome,
          },
        },
        m,
      );
    });
    const view = await this.read.get(input.id);
    if (!view) throw notFound(`Conflict ${input.id}`);
    return view;
  }

  /** The held arrival becomes the next version; the claimant (or eventID, or serial) moves to it. */
  private async accept(
    m: EntityManager,
    conflict: ConflictSqlRow,
    record: LockedRecord,
    incoming: VersionRow,
    input: ResolveInput,
  ): Promise<Record<string, unknown>> {
    if (record.latest_content_hash !== null && record.latest_content_hash === incoming.content_hash) {
      throw new AppError(
        ErrorCode.Conflict,
        `Conflict ${conflict.id} is stale: ${conflict.kind} ${conflict.key} already holds this content as version ${record.latest_version}. Resolve it keep-existing.`,
        { status: 409 },
      );
    }
    const version = record.latest_version + 1;
    await m.query(
      `UPDATE record_version SET version = $2, status = 'ready', findings = '[]'::jsonb, updated_at = now() WHERE id = $1`,
      [incoming.id, version],
    );
    await history(
      m,
      incoming.id,
      'ready',
      `${conflict.code} resolved accept-incoming by ${input.actor}: version ${version}. Note: ${input.note}`,
    );
    const fields = isObject(incoming.data) ? incoming.data : {};
    await m.query(
      `UPDATE record SET latest_version = $3, latest_version_id = $4, latest_content_hash = $5, claimant = $6,
              source_key = $7, province_code = coalesce($8, province_code), status = 'ready', updated_at = now()
        WHERE kind = $1 AND key = $2`,
      [
        record.kind,
        record.key,
        version,
        incoming.id,
        incoming.content_hash,
        incoming.claimant,
        incoming.source_key,
        typeof fields.provinceCode === 'string' ? fields.provinceCode : null,
      ],
    );
    // Other open conflicts on the key now stand against the new holder.
    await m.query(
      `UPDATE conflict SET existing_version_id = $3
        WHERE kind = $1 AND key = $2 AND status = 'open' AND id <> $4`,
      [record.kind, record.key, incoming.id, conflict.id],
    );
    if (conflict.code === 'EVENT_ID_REUSED' && incoming.event_id !== null) {
      await m.query(`SELECT event_id FROM event_identifier WHERE event_id = $1 FOR UPDATE`, [
        incoming.event_id,
      ]);
      await m.query(`UPDATE event_identifier SET event_key = $2 WHERE event_id = $1`, [
        incoming.event_id,
        incoming.key,
      ]);
      await m.query(
        `UPDATE conflict c SET existing_version_id = $2
           FROM record_version v
          WHERE c.status = 'open' AND c.code = 'EVENT_ID_REUSED' AND c.incoming_version_id = v.id
            AND v.event_id = $1 AND c.id <> $3`,
        [incoming.event_id, incoming.id, conflict.id],
      );
    }
    if (conflict.code === 'SERIAL_RECOMMISSIONED') {
      const claim = commissionedSerials(incoming.data, incoming.claimant ?? `source:${incoming.source_key}`);
      const sgtins = [...(claim?.sgtins ?? [])].sort(byteOrder);
      if (claim && sgtins.length > 0) {
        await m.query(
          `SELECT sgtin FROM commissioned_serial WHERE sgtin = ANY($1::text[]) ORDER BY sgtin COLLATE "C" FOR UPDATE`,
          [sgtins],
        );
        await m.query(
          `INSERT INTO commissioned_serial (sgtin, event_key, read_point, owner)
           SELECT s, $2, $3, $4 FROM unnest($1::text[]) AS s ORDER BY s COLLATE "C"
           ON CONFLICT (sgtin) DO UPDATE SET event_key = EXCLUDED.event_key, read_point = EXCLUDED.read_point,
                  owner = EXCLUDED.owner, updated_at = now()`,
          [sgtins, incoming.key, claim.readPoint, claim.owner],
        );
      }
    }
    return { version, versionId: incoming.id };
  }

  /**
   * keep-existing: the arrival is rejected in conflict (never numbered, never sent). reject-both:
   * the same, and the existing side too when it has not gone to the portal yet (status ready);
   * a version already synced stays (the portal has no withdrawal), and says so in its history.
   */
  private async reject(
    m: EntityManager,
    conflict: ConflictSqlRow,
    record: LockedRecord,
    incoming: VersionRow,
    input: ResolveInput,
    locked: LockedRecord[],
  ): Promise<Record<string, unknown>> {
    const both = input.decision === 'reject-both';
    const message = both
      ? `rejected in conflict: ${input.actor} rejected both sides. Note: ${input.note}`
      : `rejected in conflict: ${input.actor} kept the existing record. Note: ${input.note}`;
    const path = incoming.findings[0]?.path ?? '';
    await m.query(
      `UPDATE record_version SET status = 'rejected', findings = $2::jsonb, updated_at = now() WHERE id = $1`,
      [incoming.id, JSON.stringify([{ code: conflict.code, message, path }])],
    );
    await history(m, incoming.id, 'rejected', `${conflict.code} resolved ${input.decision}: ${message}`);
    const outcome: Record<string, unknown> = { rejectedVersionId: incoming.id };
    if (both) {
      // The side that stands against the arrival now: the key's latest version, or (event codes)
      // the event that holds the eventID or serial.
      const existingId =
        conflict.code === 'EVENT_ID_REUSED' || conflict.code === 'SERIAL_RECOMMISSIONED'
          ? conflict.existing_version_id
          : record.latest_version_id;
      if (existingId !== null) {
        const existing = await this.version(m, existingId);
        if (existing.status === 'ready') {
          await m.query(
            `UPDATE record_version SET status = 'rejected', findings = $2::jsonb, updated_at = now() WHERE id = $1`,
            [existing.id, JSON.stringify([{ code: conflict.code, message, path }])],
          );
          await history(m, existing.id, 'rejected', `${conflict.code} resolved reject-both: ${message}`);
          const holder = locked.find((r) => r.kind === existing.kind && r.key === existing.key);
          if (holder?.latest_version_id === existing.id) {
            await m.query(
              `UPDATE record SET status = 'rejected', updated_at = now() WHERE kind = $1 AND key = $2`,
              [existing.kind, existing.key],
            );
          }
          outcome.existingRejectedVersionId = existing.id;
        } else {
          await history(
            m,
            existing.id,
            existing.status,
            `${conflict.code} resolved reject-both by ${input.actor}, but this version is ${existing.status}: it stays (the portal has no withdrawal). Note: ${input.note}`,
          );
          outcome.existingKeptVersionId = existing.id;
          outcome.existingStatus = existing.status;
        }
      }
    }
    if (record.latest_version === 0) {
      // Nothing was ever accepted for the key: once no conflict is left open, nothing stands.
      await m.query(
        `UPDATE record SET status = 'rejected', updated_at = now()
          WHERE kind = $1 AND key = $2
            AND NOT EXISTS (SELECT 1 FROM conflict WHERE kind = $1 AND key = $2 AND status = 'open' AND id <> $3)`,
        [record.kind, record.key, conflict.id],
      );
    }
    return outcome;
  }

  private async version(m: EntityManager, id: string): Promise<VersionRow> {
    const [row] = await m.query<VersionRow[]>(
      `SELECT id::text AS id, kind, key, version, status, content_hash, claimant, event_id, source_key, data, findings
         FROM record_version WHERE id = $1`,
      [id],
    );
    if (!row) throw new Error(`record_version ${id} named by a conflict does not exist`);
    return row;
  }
}

function alreadyResolved(id: string): AppError {
  return new AppError(ErrorCode.Conflict, `Conflict ${id} is already resolved.`, { status: 409 });
}

async function history(m: EntityManager, versionId: string, status: string, reason: string): Promise<void> {
  await m.query(`INSERT INTO record_status_history (record_version_id, status, reason) VALUES ($1, $2, $3)`, [
    versionId,
    status,
    reason,
  ]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
