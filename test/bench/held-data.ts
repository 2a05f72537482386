import { type Client } from 'pg';

/**
 * `npm run bench -- --held=N`: N records already held before the scenarios run, seeded directly in
 * SQL the way years of synced data would sit in the hub (#13, "held data"). Each is a record with
 * one version that reached the portal: its `record`, `record_version` (status synced), three
 * status-history rows (received, ready, synced), its `receipt_record` link, its `record_sync` row,
 * and one processed receipt per 500 records whose body the retention already purged. Kinds come in
 * thirds (products, lots, events), their data copied from what the warm-up judged (so shapes and
 * sizes are the real mapping's) with the identifiers changed, in a key space the scenarios never
 * use (GTIN prefix 8939…), spread over the last 90 days. Then VACUUM (ANALYZE), as autovacuum would
 * have left a long-lived database.
 */
export async function seedHeld(
  db: Client,
  n: number,
  sourceKey: string,
  progress: (line: string) => void,
): Promise<void> {
  const templates = await db.query<{ kind: string; data: unknown; claimant: string | null }>(
    `SELECT DISTINCT ON (kind) kind, data, claimant FROM record_version
      WHERE kind IN ('product', 'lot', 'event') AND source_key = $1 ORDER BY kind, id`,
    [sourceKey],
  );
  const byKind = new Map(templates.rows.map((t) => [t.kind, t]));
  for (const kind of ['product', 'lot', 'event'])
    if (!byKind.has(kind)) throw new Error(`--held: the warm-up judged no ${kind} of ${sourceKey} to copy`);
  const chunk = 100_000;
  const t0 = Date.now();
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk) - 1;
    await db.query(
      `INSERT INTO receipt (id, source_key, origin, webhook_id, content_type, body, body_sha256, size_bytes,
                            record_count, mapping_version, status, received_at, queued_at, processed_at,
                            counts, body_purged_at)
       SELECT md5('held-receipt-' || r)::uuid, $3, 'webhook', 'held-' || r, 'application/json', NULL,
              encode(sha256(('held-receipt-' || r)::bytea), 'hex'), 71000, 500, 1, 'processed',
              now() - make_interval(secs => (r * 500) % 7776000), now() - make_interval(secs => (r * 500) % 7776000),
              now() - make_interval(secs => (r * 500) % 7776000), '{"new": 500}'::jsonb, now()
         FROM generate_series($1::bigint / 500, $2::bigint / 500) AS r
       ON CONFLICT (id) DO NOTHING`,
      [from, to, sourceKey],
    );
    await db.query(
      `WITH item AS (
         SELECT i,
                CASE i % 3 WHEN 0 THEN 'product' WHEN 1 THEN 'lot' ELSE 'event' END AS kind,
                '08939' || lpad((i / 3)::text, 9, '0') AS gtin,
                now() - make_interval(secs => i % 7776000) AS at
           FROM generate_series($1::bigint, $2::bigint) AS i
       ), shaped AS (
         SELECT i, kind, at, md5('held-receipt-' || (i / 500))::uuid AS receipt_id, (i % 500)::int AS item_index,
                CASE kind
                  WHEN 'product' THEN 'gtin:' || gtin
                  WHEN 'lot' THEN 'lot:' || gtin || '/H' || i
                  ELSE 'ni:///sha-256;' || encode(sha256(('held-event-' || i)::bytea), 'hex') || '?ver=CBV2.0'
                END AS key,
                CASE kind
                  WHEN 'product' THEN jsonb_set(jsonb_set($4::jsonb, '{gtin}', to_jsonb(gtin)), '{name}', to_jsonb('Sản phẩm lưu giữ ' || i))
                  WHEN 'lot' THEN jsonb_set(jsonb_set($5::jsonb, '{gtin}', to_jsonb(gtin)), '{lot}', to_jsonb('H' || i))
                  ELSE jsonb_set($6::jsonb, '{eventTime}', to_jsonb(to_char(at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')))
                END AS data,
                CASE kind WHEN 'product' THEN $7 WHEN 'lot' THEN $8 ELSE $9 END AS claimant
           FROM item
       ), version AS (
         INSERT INTO record_version (kind, key, version, content_hash, data, status, claimant, source_key,
                                     receipt_id, item_index, mapping_version, webhook_id, created_at, updated_at,
                                     portal_version, portal_id, sync_target, synced_at)
         SELECT kind, key, 1, encode(sha256(data::text::bytea), 'hex'), data, 'synced', claimant, $3,
                receipt_id, item_index, 1, 'held-' || (i / 500), at, at + interval '3 seconds',
                1, 'P-' || i, 'production', at + interval '3 seconds'
           FROM shaped
         RETURNING id, kind, key, content_hash, claimant, receipt_id, item_index, created_at
       ), history AS (
         INSERT INTO record_status_history (record_version_id, status, reason, at)
         SELECT v.id, h.status, h.reason, v.created_at + h.after
           FROM version v CROSS JOIN (VALUES ('received', 'webhook received', interval '0'),
                                             ('ready', 'new record, version 1', interval '1 second'),
                                             ('synced', 'accepted by the portal (version 1)', interval '3 seconds'))
                AS h(status, reason, after)
       ), link AS (
         INSERT INTO receipt_record (receipt_id, item_index, kind, key, outcome, record_version_id, created_at)
         SELECT receipt_id, item_index, kind, key, 'new', id, created_at FROM version
       ), synced AS (
         INSERT INTO record_sync (kind, key, target, province_code, portal_version, portal_id, synced_version,
                                  content_hash, synced_at)
         SELECT kind, key, 'production', '92', 1, 'P-' || id, 1, content_hash, created_at + interval '3 seconds'
           FROM version
       )
       INSERT INTO record (kind, key, province_code, latest_version, latest_version_id, latest_content_hash,
                           claimant, source_key, status, synced_version, portal_version, portal_id,
                           created_at, updated_at)
       SELECT kind, key, '92', 1, id, content_hash, claimant, $3, 'synced', 1, 1, 'P-' || id,
              created_at, created_at + interval '3 seconds'
         FROM version`,
      [
        from,
        to,
        sourceKey,
        JSON.stringify(byKind.get('product')!.data),
        JSON.stringify(byKind.get('lot')!.data),
        JSON.stringify(byKind.get('event')!.data),
        byKind.get('product')!.claimant,
        byKind.get('lot')!.claimant,
        byKind.get('event')!.claimant,
      ],
    );
    const done = to + 1;
    progress(
      `held: ${done.toLocaleString('en')} of ${n.toLocaleString('en')} records seeded (${Math.round(done / ((Date.now() - t0) / 1000)).toLocaleString('en')}/s)`,
    );
  }
  const v0 = Date.now();
  await db.query('VACUUM (ANALYZE)');
  progress(`held: VACUUM (ANALYZE) in ${((Date.now() - v0) / 1000).toFixed(0)} s`);
}
