import { createHash } from 'node:crypto';

export interface DigestEntry {
  kind: string;
  key: string;
  version: number;
}

/**
 * The portal's province summary digest: SHA-256 over the lines `<kind>\t<key>\t<version>\n`,
 * sorted (by UTF-16 code units, i.e. JavaScript's default sort, which equals byte order for the
 * ASCII keys the model produces), as `sha256:<hex>`.
 */
export function summaryDigest(entries: Iterable<DigestEntry>): string {
  const lines: string[] = [];
  for (const e of entries) lines.push(`${e.kind}\t${e.key}\t${e.version}\n`);
  lines.sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line, 'utf8');
  return `sha256:${hash.digest('hex')}`;
}
