import { type RecordKind } from '@txng/national-model';
import { type DataSource, type EntityManager } from 'typeorm';
import { prepared } from '../database/prepared-statements';
import { byteOrder, recordKeyOrder, recordKeyOrderSql, retryingTransaction } from '../transaction';
import {
  type BatchPlan,
  declarationOf,
  type EventIdClaim,
  type HeldRecord,
  type KeyToLock,
  type OutcomeCounts,
  type PipelineFinding,
  type Provenance,
  quarantineRef,
  refOf,
  type ReplaySelection,
  type ReplayTarget,
  type SerialOwner,
} from './pipeline-store.types';

/**
 * The pipeline's store on PostgreSQL (the adapter of libs/pipeline's `PipelineStore` port: record,
 * record_version, conflict, event_identifier, commissioned_serial, receipt_record, held_item and a
 * receipt's outcome counts). Every statement takes a whole batch (a JSON array expanded with
 * jsonb_to_recordset), so a receipt of N records costs a fixed number of round trips, not N. What a
 * batch becomes is the pipeline's (libs/pipeline); this only reads, locks and writes it.
 */
export class PgPipelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  async transaction<T>(fn: (tx: PgPipelineTx) => Promise<T>): Promise<T> {
    return retryingTransaction(this.dataSource, (manager) => fn(new PgPipelineTx(manager)));
  }

  async finishReceipt(
    receiptId: string,
    result: { status: 'processed' | 'failed'; recordCount: number; error: string | null },
  ): Promise<OutcomeCounts> {
    const [rows]: [Array<{ counts: Partial<OutcomeCounts> | null }>, number] = await this.dataSource.query(
      prepared(`UPDATE receipt SET status = $2, record_count = $3, error = $4, processed_at = now(),
              counts = (SELECT coalesce(jsonb_object_agg(outcome, n), '{}'::jsonb)
                          FROM (SELECT outcome, count(*)::int AS n FROM receipt_record WHERE receipt_id = $1 GROUP BY outcome) s)
        WHERE id = $1
        RETURNING counts`),
      [receiptId, result.status, result.recordCount, result.error],
    );
    const counts = rows[0]?.counts ?? {};
    return { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0, ...counts };
  }
}

/** One transaction of the pipeline's store: its methods in the order the pipeline calls them (the lock order). */
export class PgPipelineTx {
  constructor(private readonly m: EntityManager) {}

  /**
   * Locks the receipts (in id order, so two transactions wanting overlapping receipts queue instead
   * of deadlocking) and answers, per receipt, the item indexes already judged: one statement.
   */
  async lockReceipts(receiptIds: string[]): Promise<Map<string, Set<number>>> {
    const done = new Map<string, Set<number>>(receiptIds.map((id) => [id, new Set<number>()]));
    if (receiptIds.length === 0) return done;
    const rows: Array<{ id: string; item_index: number | null }> = await this.m.query(
      prepared(`SELECT r.id::text AS id, rr.item_index
         FROM receipt r LEFT JOIN receipt_record rr ON rr.receipt_id = r.id
        WHERE r.id = ANY($1::uuid[])
        ORDER BY r.id
          FOR UPDATE OF r`),
      [receiptIds],
    );
    for (const r of rows) if (r.item_index !== null) done.get(r.id)?.add(r.item_index);
    return done;
  }

  /**
   * Inserts the keys' records if missing and reads them, locked in the lock order, with the open
   * conflicts of each. A key whose incoming records all repeat its latest version's content
   * (`contentHashes`) is read without its lock: they are duplicates of that version, which is
   * committed and stays what they link to, whatever another transaction writes after it.
   */
  async lockRecords(keys: KeyToLock[]): Promise<Map<string, HeldRecord>> {
    const held = new Map<string, HeldRecord>();
    if (keys.length === 0) return held;
    const sorted = [...keys].sort(recordKeyOrder);
    const json = JSON.stringify(
      sorted.map((k) => ({
        kind: k.kind,
        key: k.key,
        province_code: k.provinceCode,
        source_key: k.sourceKey,
        hashes: k.kind === 'event' ? [] : (k.contentHashes ?? []),
      })),
    );
    // Insert-if-missing in sorted order, then lock in the same order: two transactions wanting the
    // same keys queue up on the first one they share instead of each holding what the other needs.
    await this.m.query(
      prepared(`INSERT INTO record (kind, key, province_code, source_key)
       SELECT kind, key, province_code, source_key
         FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text, province_code text, source_key text)
        ORDER BY ${recordKeyOrderSql()}
       ON CONFLICT (kind, key) DO NOTHING`),
      [json],
    );
    const rows: Array<{
      kind: RecordKind;
      key: string;
      latest_version: number;
      latest_version_id: string | null;
      latest_content_hash: string | null;
      claimant: string | null;
      error_declaration: unknown;
    }> = await this.m.query(
      // `settled`: keys whose incoming content is all the latest version's, read as of the
      // statement's snapshot, unlocked. `locked`: the others, locked in the lock order (after a
      // wait, PostgreSQL re-reads the row it locked). Every key is in exactly one of the two.
      // `NOT IN` (a hashed subplan) rather than `NOT EXISTS`, which PostgreSQL planned as a nested
      // loop over `settled`: 45 ms for a 500-record batch, against 4 ms.
      // An event's latest error declaration comes along: a correction is new content under the same key.
      prepared(`WITH wanted AS (
         SELECT kind, key, hashes FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text, hashes text[])
       ), settled AS (
         SELECT r.kind, r.key, r.latest_version, r.latest_version_id::text AS latest_version_id,
                r.latest_content_hash, r.claimant, NULL::jsonb AS error_declaration
           FROM record r JOIN wanted w ON w.kind = r.kind AND w.key = r.key
          WHERE r.kind <> 'event' AND r.latest_version > 0 AND r.latest_version_id IS NOT NULL
            AND cardinality(w.hashes) > 0 AND r.latest_content_hash = ALL (w.hashes)
       ), locked AS (
         SELECT r.kind, r.key, r.latest_version, r.latest_version_id::text AS latest_version_id,
                r.latest_content_hash, r.claimant,
                CASE WHEN r.kind = 'event' THEN v.data->'errorDeclaration' END AS error_declaration
           FROM record r LEFT JOIN record_version v ON v.id = r.latest_version_id
          WHERE (r.kind, r.key) IN (SELECT kind, key FROM wanted)
            AND (r.kind, r.key) NOT IN (SELECT s.kind, s.key FROM settled s)
          ORDER BY ${recordKeyOrderSql('r')}
            FOR UPDATE OF r
       )
       SELECT * FROM settled UNION ALL SELECT * FROM locked`),
      [json],
    );
    for (const r of rows) {
      held.set(refOf(r.kind, r.key), {
        kind: r.kind,
        key: r.key,
        latestVersion: r.latest_version,
        latestVersionId: r.latest_version_id,
        latestContentHash: r.latest_content_hash,
        claimant: r.claimant,
        heldConflicts: new Map(),
        latestDeclaration: r.kind === 'event' ? declarationOf(r.error_declaration) : null,
      });
    }
    const conflicts: Array<{ kind: string; key: string; content_hash: string; id: string }> =
      await this.m.query(
        prepared(`SELECT kind, key, content_hash, id::text AS id FROM record_version
        WHERE status = 'conflict' AND (kind, key) IN (SELECT kind, key FROM jsonb_to_recordset($1::jsonb) AS x(kind text, key text))
        ORDER BY id`),
        [json],
      );
    for (const c of conflicts) held.get(refOf(c.kind, c.key))?.heldConflicts.set(c.content_hash, c.id);
    return held;
  }

  async claimEventIds(
    claims: Array<{ eventId: string; eventKey: string }>,
  ): Promise<Map<string, EventIdClaim>> {
    const owners = new Map<string, EventIdClaim>();
    if (claims.length === 0) return owners;
    const first = new Map<string, string>();
    for (const c of claims) if (!first.has(c.eventId)) first.set(c.eventId, c.eventKey);
    const sorted = [...first]
      .sort((a, b) => byteOrder(a[0], b[0]))
      .map(([event_id, event_key]) => ({ event_id, event_key }));
    await this.m.query(
      prepared(`INSERT INTO event_identifier (event_id, event_key)
       SELECT event_id, event_key FROM jsonb_to_recordset($1::jsonb) AS x(event_id text, event_key text)
        ORDER BY event_id COLLATE "C"
       ON CONFLICT (event_id) DO NOTHING`),
      [JSON.stringify(sorted)],
    );
    const rows: Array<{ event_id: string; event_key: string; version_id: string | null }> =
      await this.m.query(
        prepared(`SELECT e.event_id, e.event_key, r.latest_version_id::text AS version_id
         FROM event_identifier e LEFT JOIN record r ON r.kind = 'event' AND r.key = e.event_key
        WHERE e.event_id = ANY($1::text[])`),
        [sorted.map((s) => s.event_id)],
      );
    for (const r of rows) owners.set(r.event_id, { eventKey: r.event_key, versionId: r.version_id });
    return owners;
  }

  async claimSerials(
    claims: Array<{ sgtin: string; eventKey: string; readPoint: string | null; owner: string }>,
  ): Promise<Map<string, SerialOwner>> {
    const owners = new Map<string, SerialOwner>();
    if (claims.length === 0) return owners;
    const first = new Map<string, (typeof claims)[number]>();
    for (const c of claims) if (!first.has(c.sgtin)) first.set(c.sgtin, c);
    const sorted = [...first.values()]
      .sort((a, b) => byteOrder(a.sgtin, b.sgtin))
      .map((c) => ({ sgtin: c.sgtin, event_key: c.eventKey, read_point: c.readPoint, owner: c.owner }));
    // Same manner as eventIDs, and after them: insert-if-free in sorted order, then read the owners.
    await this.m.query(
      prepared(`INSERT INTO commissioned_serial (sgtin, event_key, read_point, owner)
       SELECT sgtin, event_key, read_point, owner
         FROM jsonb_to_recordset($1::jsonb) AS x(sgtin text, event_key text, read_point text, owner text)
        ORDER BY sgtin COLLATE "C"
       ON CONFLICT (sgtin) DO NOTHING`),
      [JSON.stringify(sorted)],
    );
    const rows: Array<{
      sgtin: string;
      event_key: string;
      read_point: string | null;
      owner: string;
      version_id: string | null;
    }> = await this.m.query(
      prepared(`SELECT s.sgtin, s.event_key, s.read_point, s.owner, r.latest_version_id::text AS version_id
         FROM commissioned_serial s LEFT JOIN record r ON r.kind = 'event' AND r.key = s.event_key
        WHERE s.sgtin = ANY($1::text[])`),
      [sorted.map((c) => c.sgtin)],
    );
    for (const r of rows)
      owners.set(r.sgtin, {
        sgtin: r.sgtin,
        eventKey: r.event_key,
        readPoint: r.read_point,
        owner: r.owner,
        versionId: r.version_id,
      });
    return owners;
  }

  async findQuarantined(
    refs: Array<{ kind: string; key: string; contentHash: string }>,
  ): Promise<Map<string, { id: string; findings: PipelineFinding[] }>> {
    const found = new Map<string, { id: string; findings: PipelineFinding[] }>();
    if (refs.length === 0) return found;
    const rows: Array<{
      id: string;
      kind: string;
      key: string;
      content_hash: string;
      findings: PipelineFinding[];
    }> = await this.m.query(
      prepared(`SELECT v.id::text AS id, v.kind, v.key, v.content_hash, v.findings
           FROM record_version v
           JOIN jsonb_to_recordset($1::jsonb) AS x(kind text, key text, content_hash text)
             ON v.kind = x.kind AND v.key = x.key AND v.content_hash = x.content_hash
          WHERE v.status = 'quarantined'
          ORDER BY v.id`),
      [JSON.stringify(refs.map((r) => ({ kind: r.kind, key: r.key, content_hash: r.contentHash })))],
    );
    for (const r of rows) {
      const ref = quarantineRef(r.kind, r.key, r.content_hash);
      if (!found.has(ref)) found.set(ref, { id: r.id, findings: r.findings });
    }
    return found;
  }

  async replayTargets(
    receiptId: string,
    selection: ReplaySelection,
    from: number,
    to: number,
  ): Promise<ReplayTarget[]> {
    // A link to a `replayed` version belongs to an item whose twin (the same invalid record in
    // another receipt) was replayed first: it is re-judged too. `all` takes every item but open
    // conflicts and arrivals an operator rejected (unnumbered `rejected`): their decision stands.
    const rows: Array<{
      item_index: number;
      kind: ReplayTarget['kind'];
      outcome: ReplayTarget['outcome'];
      version_id: string;
      version: number | null;
      status: string;
      superseded: boolean;
    }> = await this.m.query(
      `SELECT rr.item_index, rr.kind, rr.outcome, v.id::text AS version_id, v.version, v.status,
              (v.version IS NOT NULL AND EXISTS (
                 SELECT 1 FROM record_version l
                  WHERE l.kind = v.kind AND l.key = v.key AND l.version > v.version)) AS superseded
         FROM receipt_record rr JOIN record_version v ON v.id = rr.record_version_id
        WHERE rr.receipt_id = $1 AND rr.item_index >= $2 AND rr.item_index < $3
          AND (v.status = $4 OR v.status = 'replayed'
               OR ($4 = 'all' AND (v.status = 'quarantined' OR v.version IS NOT NULL)))
          AND ($5::text IS NULL OR rr.kind = $5)
          AND rr.replay_run IS DISTINCT FROM $6::uuid
        ORDER BY rr.item_index`,
      [receiptId, from, to, selection.status, selection.kind ?? null, selection.runId],
    );
    return rows.map((r) => ({
      index: r.item_index,
      kind: r.kind,
      outcome: r.outcome,
      versionId: r.version_id,
      version: r.version,
      status: r.status,
      superseded: r.superseded,
    }));
  }

  async releaseLinks(receiptId: string, indexes: number[]): Promise<void> {
    if (indexes.length === 0) return;
    await this.m.query(`DELETE FROM receipt_record WHERE receipt_id = $1 AND item_index = ANY($2::int[])`, [
      receiptId,
      indexes,
    ]);
  }

  async setStatus(versionIds: string[], status: string, reason: string): Promise<void> {
    if (versionIds.length === 0) return;
    await this.m.query(
      `UPDATE record_version SET status = $2, updated_at = now() WHERE id = ANY($1::bigint[])`,
      [versionIds, status],
    );
    await this.m.query(
      `INSERT INTO record_status_history (record_version_id, status, reason)
       SELECT id, $2, $3 FROM unnest($1::bigint[]) AS id`,
      [versionIds, status, reason],
    );
  }

  async note(versionIds: string[], reason: string): Promise<void> {
    if (versionIds.length === 0) return;
    await this.m.query(
      `INSERT INTO record_status_history (record_version_id, status, reason)
       SELECT id, status, $2 FROM record_version WHERE id = ANY($1::bigint[])`,
      [versionIds, reason],
    );
  }

  async finishReceipts(
    receipts: Array<{ receiptId: string; recordCount: number }>,
  ): Promise<Map<string, OutcomeCounts>> {
    const out = new Map<string, OutcomeCounts>();
    if (receipts.length === 0) return out;
    const [rows]: [Array<{ id: string; counts: Partial<OutcomeCounts> | null }>, number] = await this.m.query(
      prepared(`UPDATE receipt r SET status = 'processed', record_count = x.record_count, error = NULL, processed_at = now(),
              counts = (SELECT coalesce(jsonb_object_agg(outcome, n), '{}'::jsonb)
                          FROM (SELECT outcome, count(*)::int AS n FROM receipt_record WHERE receipt_id = r.id GROUP BY outcome) s)
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, record_count int)
        WHERE r.id = x.id
        RETURNING r.id::text AS id, r.counts`),
      [JSON.stringify(receipts.map((r) => ({ id: r.receiptId, record_count: r.recordCount })))],
    );
    for (const r of rows)
      out.set(r.id, { new: 0, version: 0, duplicate: 0, quarantined: 0, conflict: 0, ...(r.counts ?? {}) });
    return out;
  }

  async allocateVersionIds(count: number): Promise<string[]> {
    if (count === 0) return [];
    const rows: Array<{ id: string }> = await this.m.query(
      prepared(
        `SELECT nextval(pg_get_serial_sequence('record_version', 'id'))::text AS id FROM generate_series(1, $1)`,
      ),
      [count],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Writes what a batch became in ONE statement (data-modifying CTEs, each a multi-row statement
   * over a JSON array, an empty array being a no-op): new versions and their history rows (and the
   * notes on versions kept), conflicts, the receipt's links, held items released and held, and the
   * record rows. One round trip instead of up to eight; the foreign keys are checked at the end of
   * the statement, when every row of it is there. The rows it touches are those the transaction
   * already locked or inserts, so one statement waits for nothing more than the eight did.
   */
  async write(p: Provenance, plan: BatchPlan): Promise<void> {
    await this.writeMany([{ provenance: p, plan }]);
  }

  /**
   * `write` for the plans of several receipts judged in one transaction (a run), in the same one
   * statement: every row carries its own receipt's provenance. The plans' record rows must be of
   * distinct keys (one UPDATE cannot apply two changes of one row in order): the caller writes
   * plans that share a key one by one.
   */
  async writeMany(items: Array<{ provenance: Provenance; plan: BatchPlan }>): Promise<void> {
    const rows = (pick: (plan: BatchPlan) => number) => items.reduce((n, i) => n + pick(i.plan), 0);
    const empty =
      rows((p) => p.versions.length + p.notes.length + p.conflicts.length) +
        rows((p) => p.links.length + p.held.length + p.records.length) ===
      0;
    if (empty) return;
    const versions = items.flatMap(({ provenance: p, plan }) =>
      plan.versions.map((v) => ({
        id: v.id,
        kind: v.candidate.kind,
        key: v.candidate.key,
        version: v.version,
        content_hash: v.candidate.contentHash,
        data: v.candidate.data ?? null,
        status: v.status,
        findings: v.findings,
        claimant: v.candidate.claimant,
        event_id: v.candidate.eventId,
        item_index: v.candidate.index,
        receipt_id: p.receiptId,
        source_key: p.sourceKey,
        mapping_version: p.mappingVersion,
        webhook_id: p.webhookId,
        poll_page: p.pollPage,
      })),
    );
    // A version's history first, then the notes on versions kept: the order the rows get their ids in.
    const history = [
      ...items.flatMap(({ plan }) =>
        plan.versions.flatMap((v) =>
          v.history.map((h) => ({ record_version_id: v.id, status: h.status, reason: h.reason })),
        ),
      ),
      ...items.flatMap(({ plan }) =>
        plan.notes.map((n) => ({ record_version_id: n.versionId, status: n.status, reason: n.reason })),
      ),
    ];
    const conflicts = items.flatMap(({ plan }) =>
      plan.conflicts.map((c) => ({
        code: c.code,
        kind: c.kind,
        key: c.key,
        existing_version_id: c.existingVersionId,
        incoming_version_id: c.incomingVersionId,
      })),
    );
    // `ord`: the links get their ids in receipt order, then item order (replay walks them so).
    const links = items
      .flatMap(({ provenance: p, plan }) =>
        plan.links.map((l) => ({
          receipt_id: p.receiptId,
          item_index: l.index,
          kind: l.kind,
          key: l.key,
          outcome: l.outcome,
          record_version_id: l.recordVersionId,
          replay_run: p.replayRunId ?? null,
        })),
      )
      .map((l, ord) => ({ ...l, ord }));
    const held = items.flatMap(({ provenance: p, plan }) =>
      plan.held.map((h) => ({
        receipt_id: p.receiptId,
        item_index: h.candidate.index,
        kind: h.candidate.kind,
        key: h.candidate.key,
        content_hash: h.candidate.contentHash,
        data: h.candidate.data ?? null,
        claimant: h.candidate.claimant,
        reason: h.reason,
      })),
    );
    const records = items.flatMap(({ plan }) =>
      plan.records.map((u) => ({
        kind: u.kind,
        key: u.key,
        latest_version: u.latestVersion,
        latest_version_id: u.latestVersionId,
        latest_content_hash: u.latestContentHash,
        claimant: u.claimant,
        province_code: u.provinceCode,
        source_key: u.sourceKey,
        versioned: u.versioned,
      })),
    );
    const refs = new Set(records.map((r) => `${r.kind}\u0000${r.key}`));
    if (refs.size !== records.length)
      throw new Error('writeMany: two plans change the same record; write them one by one');
    await this.m.query(
      prepared(`WITH new_version AS (
         INSERT INTO record_version (id, kind, key, version, content_hash, data, status, findings, claimant, event_id,
                                     source_key, receipt_id, item_index, mapping_version, webhook_id, poll_page)
         SELECT id, kind, key, version, content_hash, data, status, findings, claimant, event_id,
                source_key, receipt_id, item_index, mapping_version, webhook_id, poll_page
           FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, kind text, key text, version int, content_hash text, data jsonb,
                status text, findings jsonb, claimant text, event_id text, item_index int, receipt_id uuid,
                source_key text, mapping_version int, webhook_id text, poll_page jsonb)
       ), new_history AS (
         INSERT INTO record_status_history (record_version_id, status, reason)
         SELECT record_version_id, status, reason
           FROM jsonb_to_recordset($2::jsonb) AS x(record_version_id bigint, status text, reason text)
       ), new_conflict AS (
         INSERT INTO conflict (code, kind, key, existing_version_id, incoming_version_id)
         SELECT code, kind, key, existing_version_id, incoming_version_id
           FROM jsonb_to_recordset($3::jsonb) AS x(code text, kind text, key text, existing_version_id bigint, incoming_version_id bigint)
       ), new_link AS (
         INSERT INTO receipt_record (receipt_id, item_index, kind, key, outcome, record_version_id, replay_run)
         SELECT receipt_id, item_index, kind, key, outcome, record_version_id, replay_run
           FROM jsonb_to_recordset($4::jsonb) AS x(receipt_id uuid, item_index int, kind text, key text, outcome text,
                record_version_id bigint, replay_run uuid, ord int)
          ORDER BY ord
       ), judged AS (
         -- Judged now: no longer waiting (docs/pipeline.md, "Held back").
         DELETE FROM held_item h
          USING jsonb_to_recordset($4::jsonb) AS x(receipt_id uuid, item_index int)
          WHERE h.receipt_id = x.receipt_id AND h.item_index = x.item_index
       ), new_held AS (
         INSERT INTO held_item (receipt_id, item_index, kind, key, content_hash, data, claimant, reason)
         SELECT receipt_id, item_index, kind, key, content_hash, data, claimant, reason
           FROM jsonb_to_recordset($5::jsonb) AS x(receipt_id uuid, item_index int, kind text, key text, content_hash text,
                data jsonb, claimant text, reason text)
         ON CONFLICT (receipt_id, item_index) DO UPDATE SET reason = EXCLUDED.reason, checked_at = now()
       )
       UPDATE record r SET
            latest_version = CASE WHEN x.versioned THEN x.latest_version ELSE r.latest_version END,
            latest_version_id = CASE WHEN x.versioned THEN x.latest_version_id ELSE r.latest_version_id END,
            latest_content_hash = CASE WHEN x.versioned THEN x.latest_content_hash ELSE r.latest_content_hash END,
            claimant = CASE WHEN x.versioned OR r.claimant IS NULL THEN x.claimant ELSE r.claimant END,
            province_code = CASE WHEN x.versioned OR r.province_code IS NULL THEN x.province_code ELSE r.province_code END,
            source_key = CASE WHEN x.versioned OR r.latest_version = 0 THEN x.source_key ELSE r.source_key END,
            status = CASE WHEN x.versioned THEN 'ready' WHEN r.latest_version = 0 THEN 'conflict' ELSE r.status END,
            updated_at = now()
           FROM jsonb_to_recordset($6::jsonb) AS x(kind text, key text, latest_version int, latest_version_id bigint,
                latest_content_hash text, claimant text, province_code text, source_key text, versioned boolean)
          WHERE r.kind = x.kind AND r.key = x.key`),
      [
        JSON.stringify(versions),
        JSON.stringify(history),
        JSON.stringify(conflicts),
        JSON.stringify(links),
        JSON.stringify(held),
        JSON.stringify(records),
      ],
    );
  }
}
