import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/**
 * `sha256:` + lowercase hex SHA-256 of the canonical JSON of a record. Call it on the normalised
 * record (normalizeRecord) so that two spellings of the same record hash alike.
 */
export function contentHash(data: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(data), 'utf8').digest('hex')}`;
}
