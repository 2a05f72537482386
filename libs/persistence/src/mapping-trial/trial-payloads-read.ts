import { type DataSource } from 'typeorm';

export interface StoredPayload {
  receiptId: string;
  body: Buffer;
  /** `kind|key` → the status of the newest version this receipt made of that record. */
  stored: Map<string, string>;
}

export interface RecentPayloads {
  payloads: StoredPayload[];
  /** Bytes of the bodies read. */
  bytes: number;
  /** Of the newest `limit` receipts, how many have had their body purged (retention): not tried. */
  purged: number;
  /** True when the byte budget left some of the newest receipts out. */
  cutByBytes: boolean;
}

/**
 * A source's newest stored payloads whose bodies are still kept, newest first, at most `limit` of
 * them and at most `maxBytes` in all (the running total decides before any body is read), with what
 * the hub made of each record they brought: what a mapping trial runs the draft over.
 */
export class TrialPayloadsRead {
  constructor(private readonly dataSource: DataSource) {}

  async recent(sourceKey: string, options: { limit: number; maxBytes: number }): Promise<RecentPayloads> {
    const heads: Array<{ id: string; size_bytes: number; running: string; purged: boolean }> =
      await this.dataSource.query(
        `SELECT id::text AS id, size_bytes, body IS NULL AS purged,
                sum(CASE WHEN body IS NULL THEN 0 ELSE size_bytes END)
                  OVER (ORDER BY received_at DESC, id DESC)::text AS running
           FROM receipt WHERE source_key = $1 ORDER BY received_at DESC, id DESC LIMIT $2`,
        [sourceKey, options.limit],
      );
    const kept = heads.filter((h) => !h.purged);
    const within = kept.filter((h) => Number(h.running) <= options.maxBytes);
    const ids = within.map((h) => h.id);
    if (ids.length === 0) {
      return { payloads: [], bytes: 0, purged: heads.length - kept.length, cutByBytes: kept.length > 0 };
    }
    const [bodies, versions] = await Promise.all([
      this.dataSource.query<Array<{ id: string; body: Buffer }>>(
        `SELECT id::text AS id, body FROM receipt WHERE id = ANY($1::uuid[]) AND body IS NOT NULL`,
        [ids],
      ),
      this.dataSource.query<Array<{ receipt_id: string; kind: string; key: string; status: string }>>(
        `SELECT DISTINCT ON (receipt_id, kind, key) receipt_id::text AS receipt_id, kind, key, status
           FROM record_version WHERE receipt_id = ANY($1::uuid[])
          ORDER BY receipt_id, kind, key, id DESC`,
        [ids],
      ),
    ]);
    const bodyOf = new Map(bodies.map((b) => [b.id, b.body]));
    const stored = new Map<string, Map<string, string>>();
    for (const v of versions) {
      const m = stored.get(v.receipt_id) ?? new Map<string, string>();
      m.set(`${v.kind}|${v.key}`, v.status);
      stored.set(v.receipt_id, m);
    }
    const payloads = ids
      .filter((id) => bodyOf.has(id))
      .map((id) => ({
        receiptId: id,
        body: bodyOf.get(id)!,
        stored: stored.get(id) ?? new Map<string, string>(),
      }));
    return {
      payloads,
      bytes: payloads.reduce((n, p) => n + p.body.length, 0),
      purged: heads.length - kept.length,
      cutByBytes: within.length < kept.length,
    };
  }
}
