import { type DataSource } from 'typeorm';

/** Who claims one side of a conflict: a company, as the registry or the hub's records know it. */
export interface ConflictParty {
  taxCode: string;
  name: string | null;
  gln: string | null;
  provinceCode: string | null;
  /** The registry's status of the prefix (`active`, `revoked`), or null where no registry speaks. */
  status: string | null;
  /** Where the name and details come from: the portal's prefix registry, or the hub's organization record. */
  from: 'registry' | 'hub' | 'none';
}

/** Where one side came from. */
export interface ConflictOrigin {
  provinceCode: string | null;
  source: string;
  sourceName: string | null;
  receiptId: string;
  webhookId: string | null;
  at: Date;
}

/** The portal registry's answer about the GS1 company prefix of a GTIN_PREFIX_OWNER conflict. */
export interface RegistryOwner {
  prefix: string;
  status: 'active' | 'revoked';
  owner: { taxCode: string; name: string | null; gln: string | null };
  /** When the hub asked the registry (the cached answer the conflict was raised on). */
  fetchedAt: Date;
}

export interface ConflictSide {
  /** `record`: a stored version; `registry`: the prefix registry (GTIN_PREFIX_OWNER); `none`: neither is known. */
  what: 'record' | 'registry' | 'none';
  party: ConflictParty | null;
  origin: ConflictOrigin | null;
  registry?: RegistryOwner;
}

export interface ConflictSides {
  existing: ConflictSide;
  incoming: ConflictSide;
}

/** The part of a conflict's side the sides are worked out from. */
export interface SideInput {
  data: unknown;
  claimant: string | null;
  source: string;
  receiptId: string;
  webhookId: string | null;
  createdAt: Date;
}

export interface ConflictInput {
  code: string;
  kind: string;
  key: string;
  existing: SideInput | null;
  incoming: SideInput;
}

/** The digits the prefix registry is asked about: the GTIN-14 without indicator and check digit. */
const registryDigits = (key: string): string | null => /^gtin:\d(\d{12})\d$/.exec(key)?.[1] ?? null;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const field = (data: unknown, name: string): string | null =>
  data !== null && typeof data === 'object' ? str((data as Record<string, unknown>)[name]) : null;

/**
 * What each side of a conflict is and where it came from, so a person can decide: the claimant of
 * each side by name (the hub's organization record), the source with its province, the receipt and
 * the time; for GTIN_PREFIX_OWNER the existing side is the portal registry's owner of the prefix
 * (name, tax code, GLN, status, when asked), beside the owner the incoming record names.
 */
export class ConflictSidesRead {
  constructor(private readonly dataSource: DataSource) {}

  async sides(conflicts: readonly ConflictInput[]): Promise<ConflictSides[]> {
    if (conflicts.length === 0) return [];
    const sides = conflicts.flatMap((c) => (c.existing ? [c.existing, c.incoming] : [c.incoming]));
    const sourceKeys = [...new Set(sides.map((s) => s.source))];
    const taxCodes = [...new Set(sides.map((s) => s.claimant).filter((t): t is string => t !== null))];
    const digits = [
      ...new Set(
        conflicts
          .filter((c) => c.code === 'GTIN_PREFIX_OWNER')
          .map((c) => registryDigits(c.key))
          .filter((d): d is string => d !== null),
      ),
    ];
    const prefixes = [...new Set(digits.flatMap((d) => leadingParts(d)))];

    const [sources, organizations, registry] = await Promise.all([
      this.dataSource.query<Array<{ key: string; name: string; province_code: string }>>(
        `SELECT key, name, province_code FROM source WHERE key = ANY($1::text[])`,
        [sourceKeys],
      ),
      this.dataSource.query<Array<{ key: string; data: unknown; province_code: string | null }>>(
        `SELECT r.key, v.data, r.province_code FROM record r JOIN record_version v ON v.id = r.latest_version_id
          WHERE r.kind = 'organization' AND r.key = ANY($1::text[])`,
        [taxCodes.map((t) => `org:${t}`)],
      ),
      digits.length === 0
        ? Promise.resolve([])
        : this.dataSource.query<
            Array<{
              kind: 'digits' | 'prefix';
              digits: string;
              prefix: string | null;
              status: 'active' | 'revoked';
              owner_tax_code: string;
              owner: { taxCode?: string; name?: string; gln?: string } | null;
              fetched_at: Date;
            }>
          >(
            // Expired answers count too: they are what the hub knew when it raised the conflict.
            `SELECT kind, digits, prefix, status, owner_tax_code, owner, fetched_at FROM prefix_registry_cache
              WHERE (kind = 'digits' AND digits = ANY($1::text[])) OR (kind = 'prefix' AND digits = ANY($2::text[]))`,
            [digits, prefixes],
          ),
    ]);
    const sourceBy = new Map(sources.map((s) => [s.key, s]));
    const orgBy = new Map(organizations.map((o) => [o.key.slice('org:'.length), o]));

    const party = (taxCode: string | null): ConflictParty | null => {
      if (taxCode === null) return null;
      const org = orgBy.get(taxCode);
      if (!org) return { taxCode, name: null, gln: null, provinceCode: null, status: null, from: 'none' };
      return {
        taxCode,
        name: field(org.data, 'name'),
        gln: field(org.data, 'gln'),
        provinceCode: org.province_code ?? field(org.data, 'provinceCode'),
        status: null,
        from: 'hub',
      };
    };
    const origin = (s: SideInput): ConflictOrigin => {
      const source = sourceBy.get(s.source);
      return {
        provinceCode: field(s.data, 'provinceCode') ?? source?.province_code ?? null,
        source: s.source,
        sourceName: source?.name ?? null,
        receiptId: s.receiptId,
        webhookId: s.webhookId,
        at: s.createdAt,
      };
    };
    const registryOf = (key: string): RegistryOwner | undefined => {
      const d = registryDigits(key);
      if (d === null) return undefined;
      const row =
        registry.find((r) => r.kind === 'digits' && r.digits === d) ??
        registry
          .filter((r) => r.kind === 'prefix' && d.startsWith(r.digits))
          .sort((a, b) => b.digits.length - a.digits.length)[0];
      if (!row) return undefined;
      return {
        prefix: row.prefix ?? row.digits,
        status: row.status,
        owner: {
          taxCode: row.owner?.taxCode ?? row.owner_tax_code,
          name: str(row.owner?.name),
          gln: str(row.owner?.gln),
        },
        fetchedAt: row.fetched_at,
      };
    };

    return conflicts.map((c) => {
      const incoming: ConflictSide = {
        what: 'record',
        party: party(c.incoming.claimant),
        origin: origin(c.incoming),
      };
      if (c.code === 'GTIN_PREFIX_OWNER') {
        const registered = registryOf(c.key);
        // The registry's owner, described by the registry; the hub's own organization record of
        // that tax code fills only what the registry leaves out (its province).
        const known = registered ? party(registered.owner.taxCode) : null;
        return {
          existing: {
            what: registered ? 'registry' : 'none',
            party: registered
              ? {
                  taxCode: registered.owner.taxCode,
                  name: registered.owner.name ?? known?.name ?? null,
                  gln: registered.owner.gln ?? known?.gln ?? null,
                  provinceCode: known?.provinceCode ?? null,
                  status: registered.status,
                  from: 'registry',
                }
              : null,
            origin: c.existing ? origin(c.existing) : null,
            registry: registered,
          },
          incoming,
        };
      }
      return {
        existing: c.existing
          ? { what: 'record', party: party(c.existing.claimant), origin: origin(c.existing) }
          : { what: 'none', party: null, origin: null },
        incoming,
      };
    });
  }
}

/** Every leading part of 6 to 12 digits (GS1 company prefixes are 6-12 digits long). */
function leadingParts(digits: string): string[] {
  const parts: string[] = [];
  for (let len = Math.min(12, digits.length); len >= 6; len--) parts.push(digits.slice(0, len));
  return parts;
}
