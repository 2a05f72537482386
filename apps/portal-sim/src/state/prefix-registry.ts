import { readFileSync } from 'node:fs';
import seed from '../data/prefix-registry.json';

export interface PrefixEntry {
  prefix: string;
  status: 'active' | 'revoked';
  owner: { taxCode: string; gln: string; name: string };
}

/** The GS1 company prefix registry the portal answers from (seeded, read-only at runtime). */
export class PrefixRegistry {
  private readonly byPrefix: Map<string, PrefixEntry>;

  constructor(entries: PrefixEntry[]) {
    this.byPrefix = new Map(entries.map((e) => [e.prefix, e]));
  }

  /** From a JSON file `{prefixes: [...]}`, or the seed bundled with the simulator when null. */
  static load(file: string | null): PrefixRegistry {
    const raw: unknown = file === null ? seed : JSON.parse(readFileSync(file, 'utf8'));
    return new PrefixRegistry(parseEntries(raw, file ?? 'bundled prefix-registry.json'));
  }

  /** The longest registered prefix `digits` starts with. */
  lookup(digits: string): PrefixEntry | undefined {
    for (let len = digits.length; len >= 6; len--) {
      const entry = this.byPrefix.get(digits.slice(0, len));
      if (entry) return entry;
    }
    return undefined;
  }

  get size(): number {
    return this.byPrefix.size;
  }
}

function parseEntries(raw: unknown, source: string): PrefixEntry[] {
  const list = typeof raw === 'object' && raw !== null ? (raw as { prefixes?: unknown }).prefixes : undefined;
  if (!Array.isArray(list)) throw new Error(`${source}: expected {"prefixes": [...]}`);
  return list.map((item: unknown, i): PrefixEntry => {
    const e = item as Partial<PrefixEntry> | null;
    const owner = e?.owner;
    if (
      typeof e?.prefix !== 'string' ||
      !/^\d{6,12}$/.test(e.prefix) ||
      (e.status !== 'active' && e.status !== 'revoked') ||
      typeof owner?.taxCode !== 'string' ||
      typeof owner.gln !== 'string' ||
      typeof owner.name !== 'string'
    ) {
      throw new Error(
        `${source}: prefixes[${i}] must be {prefix: 6-12 digits, status: active|revoked, owner: {taxCode, gln, name}}`,
      );
    }
    return {
      prefix: e.prefix,
      status: e.status,
      owner: { taxCode: owner.taxCode, gln: owner.gln, name: owner.name },
    };
  });
}
