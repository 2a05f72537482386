import { type ConflictView } from '@txng/persistence';
import { commissionedSerials } from '../rules/serials';
import {
  type ConflictRef,
  type ConflictStore,
  type ConflictTx,
  type LockedRecord,
  type StoredVersion,
} from './conflict-store.port';
import {
  ConflictAlreadyResolvedError,
  ConflictOutdatedError,
  ConflictStaleError,
  NotFoundError,
} from './operation-errors';

export const CONFLICT_DECISIONS = ['keep-existing', 'accept-incoming', 'reject-both'] as const;
export type ConflictDecision = (typeof CONFLICT_DECISIONS)[number];

export interface ResolveInput {
  id: string;
  decision: ConflictDecision;
  note: string;
  actor: string;
  /** More the audit entry says (a bulk decision names its operation). */
  auditDetails?: Record<string, unknown>;
}

/**
 * An operator's decision on an open conflict (docs/pipeline.md, "Resolving conflicts"). One
 * transaction under the key's row lock, taken in the hub's lock order (libs/persistence lock-order.ts:
 * record rows sorted, then eventIDs, then serials), so a resolution and a batch touching the same key
 * run one after the other. The conflict row is locked after the record rows and re-read: of two
 * concurrent resolutions exactly one finds it open; the other gets ConflictAlreadyResolvedError.
 */
export class ConflictResolver {
  constructor(private readonly store: ConflictStore) {}

  async resolve(input: ResolveInput): Promise<ConflictView> {
    await this.store.transaction(async (tx) => {
      const conflict = await tx.conflict(input.id);
      if (!conflict) throw new NotFoundError(`Conflict ${input.id}`);
      if (conflict.status !== 'open') throw new ConflictAlreadyResolvedError(input.id);
      const incoming = await tx.version(conflict.incomingVersionId);
      // reject-both on an event conflict also touches the other event: lock both keys, sorted.
      const existing = conflict.existingVersionId ? await tx.version(conflict.existingVersionId) : null;
      const keys = [{ kind: conflict.kind, key: conflict.key }];
      if (existing && (existing.kind !== conflict.kind || existing.key !== conflict.key))
        keys.push({ kind: existing.kind, key: existing.key });
      const locked = await tx.lockRecords(keys);
      if ((await tx.lockConflict(input.id)) !== 'open') throw new ConflictAlreadyResolvedError(input.id);
      const record = locked.find((r) => r.kind === conflict.kind && r.key === conflict.key);
      if (!record || incoming.status !== 'conflict') {
        throw new ConflictOutdatedError(input.id, incoming.status);
      }
      const outcome =
        input.decision === 'accept-incoming'
          ? await this.accept(tx, conflict, record, incoming, input)
          : await this.reject(tx, conflict, record, incoming, input, locked);
      await tx.closeConflict(input.id, { decision: input.decision, note: input.note, actor: input.actor });
      await tx.audit({
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
          ...input.auditDetails,
        },
      });
    });
    const view = await this.store.view(input.id);
    if (!view) throw new NotFoundError(`Conflict ${input.id}`);
    return view;
  }

  /** The held arrival becomes the next version; the claimant (or eventID, or serial) moves to it. */
  private async accept(
    tx: ConflictTx,
    conflict: ConflictRef,
    record: LockedRecord,
    incoming: StoredVersion,
    input: ResolveInput,
  ): Promise<Record<string, unknown>> {
    if (record.latestContentHash !== null && record.latestContentHash === incoming.contentHash) {
      throw new ConflictStaleError(conflict.id, conflict.kind, conflict.key, record.latestVersion);
    }
    const version = record.latestVersion + 1;
    await tx.acceptVersion(incoming.id, version);
    await tx.history(
      incoming.id,
      'ready',
      `${conflict.code} resolved accept-incoming by ${input.actor}: version ${version}. Note: ${input.note}`,
    );
    const fields = isObject(incoming.data) ? incoming.data : {};
    await tx.moveHead(record.kind, record.key, {
      version,
      versionId: incoming.id,
      contentHash: incoming.contentHash,
      claimant: incoming.claimant,
      sourceKey: incoming.sourceKey,
      provinceCode: typeof fields.provinceCode === 'string' ? fields.provinceCode : null,
    });
    // Other open conflicts on the key now stand against the new holder.
    await tx.standAgainst(record.kind, record.key, incoming.id, conflict.id);
    if (conflict.code === 'EVENT_ID_REUSED' && incoming.eventId !== null) {
      await tx.moveEventId(incoming.eventId, incoming.key, incoming.id, conflict.id);
    }
    if (conflict.code === 'SERIAL_RECOMMISSIONED') {
      const claim = commissionedSerials(incoming.data, incoming.claimant ?? `source:${incoming.sourceKey}`);
      if (claim && claim.sgtins.length > 0) {
        await tx.moveSerials(claim.sgtins, {
          eventKey: incoming.key,
          readPoint: claim.readPoint,
          owner: claim.owner,
        });
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
    tx: ConflictTx,
    conflict: ConflictRef,
    record: LockedRecord,
    incoming: StoredVersion,
    input: ResolveInput,
    locked: LockedRecord[],
  ): Promise<Record<string, unknown>> {
    const both = input.decision === 'reject-both';
    const message = both
      ? `rejected in conflict: ${input.actor} rejected both sides. Note: ${input.note}`
      : `rejected in conflict: ${input.actor} kept the existing record. Note: ${input.note}`;
    const path = incoming.findings[0]?.path ?? '';
    await tx.rejectVersion(incoming.id, [{ code: conflict.code, message, path }]);
    await tx.history(incoming.id, 'rejected', `${conflict.code} resolved ${input.decision}: ${message}`);
    const outcome: Record<string, unknown> = { rejectedVersionId: incoming.id };
    if (both) {
      // The side that stands against the arrival now: the key's latest version, or (event codes)
      // the event that holds the eventID or serial.
      const existingId =
        conflict.code === 'EVENT_ID_REUSED' || conflict.code === 'SERIAL_RECOMMISSIONED'
          ? conflict.existingVersionId
          : record.latestVersionId;
      if (existingId !== null) {
        const existing = await tx.version(existingId);
        if (existing.status === 'ready') {
          await tx.rejectVersion(existing.id, [{ code: conflict.code, message, path }]);
          await tx.history(existing.id, 'rejected', `${conflict.code} resolved reject-both: ${message}`);
          const holder = locked.find((r) => r.kind === existing.kind && r.key === existing.key);
          if (holder?.latestVersionId === existing.id) await tx.rejectRecord(existing.kind, existing.key);
          outcome.existingRejectedVersionId = existing.id;
        } else {
          await tx.history(
            existing.id,
            existing.status,
            `${conflict.code} resolved reject-both by ${input.actor}, but this version is ${existing.status}: it stays (the portal has no withdrawal). Note: ${input.note}`,
          );
          outcome.existingKeptVersionId = existing.id;
          outcome.existingStatus = existing.status;
        }
      }
    }
    if (record.latestVersion === 0) {
      // Nothing was ever accepted for the key: once no conflict is left open, nothing stands.
      await tx.rejectRecordUnlessOpen(record.kind, record.key, conflict.id);
    }
    return outcome;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
