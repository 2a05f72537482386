import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** SQL that rewrites a text expression as the pipeline writes such findings now (exported for its test). */
export const withoutHolder = (text: string): string =>
  `regexp_replace(regexp_replace(${text},
     ' is held by claimant [^ ]+ \\(version [0-9]+\\);', ' is already claimed by another owner;', 'g'),
     '(was already commissioned by event [^ ]+) \\(readPoint [^()]*\\);', '\\1;', 'g')`;

/**
 * KEY_CLAIMED and SERIAL_RECOMMISSIONED findings used to name the side already holding the key: the
 * holder's tax code and version count, the first event's readPoint and owner. A finding belongs to
 * the incoming record, so it reaches the incoming province (receipts, callbacks, its record page),
 * which may see the other side's province and key but never its data (docs/security.md). The
 * pipeline no longer writes those parts; this rewrites the findings and history lines stored before.
 */
export class FindingsWithoutHolder1764299700000 implements MigrationInterface {
  name = 'FindingsWithoutHolder1764299700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE record_version SET findings = (${withoutHolder('findings::text')})::jsonb
        WHERE findings::text LIKE '%is held by claimant%' OR findings::text LIKE '%already commissioned by event % (readPoint %'`,
    );
    await q.query(
      `UPDATE record_status_history SET reason = ${withoutHolder('reason')}
        WHERE reason LIKE '%is held by claimant%' OR reason LIKE '%already commissioned by event % (readPoint %'`,
    );
  }

  /** What was removed named another province's data; it is not written back. */
  async down(): Promise<void> {}
}
