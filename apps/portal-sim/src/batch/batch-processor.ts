import {
  isBlockingFinding,
  type RecordKind,
  canonicalJson,
  companyPrefixCandidates,
  contentHash,
  isCurrentProvinceCode,
  normalizeRecord,
  validateRecord,
} from '@txng/national-model';
import { type RecordRejectCode as RejectCode } from '@txng/portal-client';
import { type PrefixRegistry } from '../state/prefix-registry';
import { type RecordStore } from '../state/record-store';
import { type BatchIn, type BatchRecordIn } from './batch-envelope';

/** The portal's answer for one record; unlike the client's view, it carries only the contract's codes. */
export interface RecordResult {
  key: string;
  status: 'accepted' | 'duplicate' | 'stale' | 'rejected';
  portalId?: string;
  currentVersion?: number;
  error?: { code: RejectCode; message: string };
}

export interface BatchResponse {
  batchId: string;
  results: RecordResult[];
}

interface Deps {
  records: RecordStore;
  registry: PrefixRegistry;
  now: () => number;
  /** Fault injection: a refusal to answer for this key regardless of its content. */
  injectedRejection?: (key: string) => RejectCode | undefined;
}

const reject = (key: string, code: RejectCode, message: string, currentVersion?: number): RecordResult => ({
  key,
  status: 'rejected',
  error: { code, message },
  ...(currentVersion === undefined ? {} : { currentVersion }),
});

/**
 * Applies a well-formed batch, record by record in order (so two versions of one key in the same
 * batch are applied one after the other). Synchronous on purpose: no other request can interleave
 * between reading a key's version and storing the next one.
 */
export function processBatch(batch: BatchIn, batchId: string, deps: Deps): BatchResponse {
  return {
    batchId,
    results: batch.records.map((r) => processRecord(batch.provinceCode, r, batchId, deps)),
  };
}

function processRecord(
  provinceCode: string,
  record: BatchRecordIn,
  batchId: string,
  deps: Deps,
): RecordResult {
  const { kind, key, data } = record;
  const injected = deps.injectedRejection?.(key);
  if (injected) return reject(key, injected, `${injected} (injected by the simulator's rejectKeys fault)`);
  if (!isCurrentProvinceCode(provinceCode)) {
    return reject(
      key,
      'UNKNOWN_PROVINCE',
      `batch province "${provinceCode}" is not one of the 34 provinces in force since 2025-07-01`,
    );
  }
  if (typeof data.provinceCode === 'string' && !isCurrentProvinceCode(data.provinceCode)) {
    return reject(
      key,
      'UNKNOWN_PROVINCE',
      `provinceCode "${data.provinceCode}" is not one of the 34 current codes; map pre-merger codes before sending`,
    );
  }
  const findings = validateRecord(kind, data, { now: new Date(deps.now()) }).filter(isBlockingFinding);
  if (findings.length > 0) {
    return reject(
      key,
      'INVALID_RECORD',
      findings.map((f) => `${f.code} at ${f.path || '/'}: ${f.message}`).join('; '),
    );
  }
  if (!isNormalForm(kind, data)) {
    return reject(
      key,
      'INVALID_RECORD',
      'the record is not in national-model normal form (NFC trimmed text, GTIN-14, Rec 20 units, current province codes); normalise it before sending',
    );
  }
  if (kind === 'product') {
    const problem = prefixOwnerProblem(data, deps.registry);
    if (problem) return reject(key, 'GTIN_PREFIX_OWNER', problem);
  }
  return applyVersion(provinceCode, record, batchId, deps);
}

function isNormalForm(kind: RecordKind, data: Record<string, unknown>): boolean {
  try {
    return canonicalJson(normalizeRecord(kind, data).data) === canonicalJson(data);
  } catch {
    return false;
  }
}

/** Branches (0301234567-001) share the company's prefix, so only the 10-digit tax code is compared. */
function prefixOwnerProblem(data: Record<string, unknown>, registry: PrefixRegistry): string | null {
  const gtin = String(data.gtin);
  const [longest] = companyPrefixCandidates(gtin);
  const entry = longest === undefined ? undefined : registry.lookup(longest);
  if (!entry) return null;
  if (entry.status === 'revoked') return `GS1 company prefix ${entry.prefix} of GTIN ${gtin} is revoked`;
  const owner = String(data.ownerTaxCode).slice(0, 10);
  if (entry.owner.taxCode.slice(0, 10) !== owner) {
    return `GS1 company prefix ${entry.prefix} of GTIN ${gtin} is registered to tax code ${entry.owner.taxCode}, not ${String(data.ownerTaxCode)}`;
  }
  return null;
}

function applyVersion(
  provinceCode: string,
  record: BatchRecordIn,
  batchId: string,
  { records: store, now }: Deps,
): RecordResult {
  const { kind, key, version, data } = record;
  const hash = contentHash(data);
  const held = store.get(kind, key);
  if (!held) {
    if (version !== 1)
      return reject(
        key,
        'VERSION_GAP',
        `the portal holds no version of ${key}; the first version sent must be 1, got ${version}`,
        0,
      );
  } else if (version < held.version) {
    return { key, status: 'stale', portalId: held.portalId, currentVersion: held.version };
  } else if (version === held.version) {
    if (held.contentHash === hash) return { key, status: 'duplicate', portalId: held.portalId };
    // Same number, other content: the hub's count of what it sent is off. Refusing (rather than
    // overwriting) keeps version numbers meaning one content each; the hub resends as held + 1.
    return reject(
      key,
      'VERSION_GAP',
      `version ${version} of ${key} is already held with other content (${held.contentHash}); send the change as version ${held.version + 1}`,
      held.version,
    );
  } else if (version > held.version + 1) {
    return reject(
      key,
      'VERSION_GAP',
      `the portal holds version ${held.version} of ${key}; the next version must be ${held.version + 1}, got ${version}`,
      held.version,
    );
  }
  const stored = store.accept({ kind, key, version, contentHash: hash, provinceCode, data }, batchId, now());
  return { key, status: 'accepted', portalId: stored.portalId };
}
