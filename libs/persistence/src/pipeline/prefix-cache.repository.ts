import { type DataSource } from 'typeorm';

/** A cached answer of the portal's GS1 company prefix registry, as `prefix_registry_cache` holds it. */
export interface CachedPrefixRow {
  /** `prefix`: answers every GTIN under it; `digits`: the registry's answer for these 12 digits; `miss`: not registered. */
  kind: 'prefix' | 'digits' | 'miss';
  digits: string;
  prefix: string | null;
  status: 'active' | 'revoked' | null;
  ownerTaxCode: string | null;
}

/** A registered prefix as the registry answered it (national-portal-api.md), to be cached. */
export interface RegisteredPrefixAnswer {
  prefix: string;
  status: 'active' | 'revoked';
  owner: { taxCode: string; name?: string; gln?: string };
}

/**
 * The SQL of the prefix registry's cache (`prefix_registry_cache`, shared by every process). When an
 * answer is trusted, and which cached prefix answers which GTIN, is libs/pipeline's
 * `PrefixRegistryCache`, on its `PrefixCacheStore` port.
 */
export class PgPrefixCacheRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Unexpired answers: `prefix` rows for `prefixes`, `digits` and `miss` rows for `digits`. */
  async fresh(prefixes: readonly string[], digits: readonly string[]): Promise<CachedPrefixRow[]> {
    const rows: Array<{
      kind: CachedPrefixRow['kind'];
      digits: string;
      prefix: string | null;
      status: CachedPrefixRow['status'];
      owner_tax_code: string | null;
    }> = await this.dataSource.query(
      `SELECT kind, digits, prefix, status, owner_tax_code FROM prefix_registry_cache
        WHERE expires_at > now()
          AND ((kind = 'prefix' AND digits = ANY($1::text[])) OR (kind IN ('digits', 'miss') AND digits = ANY($2::text[])))`,
      [prefixes, digits],
    );
    return rows.map((r) => ({
      kind: r.kind,
      digits: r.digits,
      prefix: r.prefix,
      status: r.status,
      ownerTaxCode: r.owner_tax_code,
    }));
  }

  /** "Not registered" for these digits, trusted for `ttlSeconds`. */
  async storeMiss(digits: string, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO prefix_registry_cache (kind, digits, fetched_at, expires_at)
       VALUES ('miss', $1, now(), now() + make_interval(secs => $2))
       ON CONFLICT (kind, digits) DO UPDATE SET fetched_at = now(), expires_at = EXCLUDED.expires_at`,
      [digits, ttlSeconds],
    );
  }

  /** The answer for these digits, and for the prefix (which answers every GTIN under it that agrees). */
  async storeRegistered(digits: string, answer: RegisteredPrefixAnswer, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO prefix_registry_cache (kind, digits, prefix, status, owner_tax_code, owner, fetched_at, expires_at)
       VALUES ('digits', $1, $2, $3, $4, $5::jsonb, now(), now() + make_interval(secs => $6)),
              ('prefix', $2, $2, $3, $4, $5::jsonb, now(), now() + make_interval(secs => $6))
       ON CONFLICT (kind, digits) DO UPDATE SET prefix = EXCLUDED.prefix, status = EXCLUDED.status,
              owner_tax_code = EXCLUDED.owner_tax_code, owner = EXCLUDED.owner, fetched_at = now(),
              expires_at = EXCLUDED.expires_at`,
      [digits, answer.prefix, answer.status, answer.owner.taxCode, JSON.stringify(answer.owner), ttlSeconds],
    );
  }
}
