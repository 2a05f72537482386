import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * SQL that rewrites a text expression (a GTIN_PREFIX_OWNER finding or history line) so that it no
 * longer names `holder`, the tax code holding the key, as the prefix's registered owner: as the
 * pipeline writes such findings now (exported for its test).
 */
export const prefixWithoutHolder = (text: string, holder: string): string =>
  `replace(replace(${text},
     'belongs to tax code ' || ${holder} || ' in the portal''s registry', 'belongs to the owner already holding this key in the portal''s registry'),
     '(it was registered to ' || ${holder} || ')', '(it was registered to the owner already holding this key)')`;

/** The incoming versions of GTIN_PREFIX_OWNER conflicts, with the claimant of the side holding the key. */
const HELD_BY = `SELECT c.incoming_version_id AS version_id, ev.claimant AS holder
                   FROM conflict c JOIN record_version ev ON ev.id = c.existing_version_id
                  WHERE c.code = 'GTIN_PREFIX_OWNER' AND ev.claimant IS NOT NULL`;

/**
 * A GTIN_PREFIX_OWNER finding names the prefix's owner in the portal's registry. When that owner is
 * the one already holding the key, the finding named the holder's tax code to the incoming province;
 * the receipts and conflicts APIs used to rewrite it when read, and the record page and callbacks did
 * not. The pipeline now writes it without (findings name no holder, whoever reads them: docs/security.md);
 * this rewrites the findings and history lines stored before.
 */
export class PrefixFindingsWithoutHolder1796437879609 implements MigrationInterface {
  name = 'PrefixFindingsWithoutHolder1796437879609';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE record_version v SET findings = (${prefixWithoutHolder('v.findings::text', 'h.holder')})::jsonb
         FROM (${HELD_BY}) h
        WHERE v.id = h.version_id AND v.findings::text LIKE '%' || h.holder || '%'`,
    );
    await q.query(
      `UPDATE record_status_history r SET reason = ${prefixWithoutHolder('r.reason', 'h.holder')}
         FROM (${HELD_BY}) h
        WHERE r.record_version_id = h.version_id AND r.reason LIKE '%' || h.holder || '%'`,
    );
  }

  /** What was removed named another province's holder; it is not written back. */
  async down(): Promise<void> {}
}
