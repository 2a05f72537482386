import { type PreviewRecord } from '@txng/mapping';
import {
  claimantOf,
  contentHash,
  hasGs1CompanyPrefix,
  isBlockingFinding,
  isRestrictedGtin,
} from '@txng/national-model';
import { declarationOf } from '@txng/persistence/pipeline/pipeline-store.types';
import { type Candidate, type PipelineFinding, type Provenance } from '../pipeline.types';
import { commissionedSerials } from './serials';

/** A quarantined record without a usable key gets one that says where it came from. */
export const unkeyedKey = (receiptId: string, index: number): string => `unkeyed:${receiptId}:${index}`;

/**
 * A mapped, normalised, validated record → what the pipeline judges. Any finding but a warning
 * quarantines it (warnings stay with the version it becomes);
 * the claimant is the owner tax code where the kind has one, else the source (national-model.md).
 */
export function toCandidate(record: PreviewRecord, index: number, provenance: Provenance): Candidate {
  const data = record.data;
  const fields = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const quarantined = record.findings.some(isBlockingFinding) || record.key === null;
  const findings: PipelineFinding[] = record.findings.map((f) => ({
    code: f.code,
    message: f.message,
    path: f.path,
    ...(f.severity ? { severity: f.severity } : {}),
  }));
  if (record.key === null && !findings.some(isBlockingFinding)) {
    findings.push({ code: 'REQUIRED_FIELD', message: `the ${record.kind} has no key`, path: '' });
  }
  const claimant = claimantOf(record.kind, data) ?? `source:${provenance.sourceKey}`;
  return {
    index,
    kind: record.kind,
    key: record.key ?? unkeyedKey(provenance.receiptId, index),
    data,
    contentHash: contentHash(data),
    findings,
    claimant,
    eventId:
      record.kind === 'event' && typeof fields.eventID === 'string' && fields.eventID !== ''
        ? fields.eventID
        : null,
    provinceCode:
      typeof fields.provinceCode === 'string' ? fields.provinceCode : provenance.sourceProvinceCode,
    quarantined,
    prefixDigits: record.kind === 'product' && !quarantined ? prefixDigitsOf(record.key!) : null,
    serials: record.kind === 'event' && !quarantined ? commissionedSerials(data, claimant) : null,
    declaration: record.kind === 'event' ? declarationOf(fields.errorDeclaration) : null,
  };
}

// What identifies an event's error declaration (the content hash of `errorDeclaration`) is defined
// beside the store's adapter, which reads it for the held version; the rules read it for the incoming.
export { declarationOf } from '@txng/persistence/pipeline/pipeline-store.types';

/**
 * The digits to ask the portal's GS1 company prefix registry about for a product key `gtin:{gtin14}`:
 * the GTIN-13 body without indicator and check digit (12 digits; the registry answers the longest
 * registered prefix they start with). Null for GTIN-8 (`000000…`: GS1-8 prefixes are allocated
 * per item by the GS1 office, not under a company prefix), restricted-circulation GTINs (internal
 * numbers, no company prefix; they are quarantined before this anyway) and ISSN/ISBN/ISMN GTINs
 * (977–979: allocated by the ISSN and ISBN agencies, never in a GS1 company prefix registry).
 */
export function prefixDigitsOf(productKey: string): string | null {
  const m = /^gtin:(\d{14})$/.exec(productKey);
  if (!m) return null;
  const gtin14 = m[1];
  if (gtin14.startsWith('000000') || isRestrictedGtin(gtin14) || !hasGs1CompanyPrefix(gtin14)) return null;
  return gtin14.slice(1, 13);
}

/**
 * A body that could not be parsed or mapped holds no records to name: it becomes one quarantined
 * `receipt` record carrying the finding, so operators see it and a replay after a fix finds it.
 */
export function receiptFailureCandidate(finding: PipelineFinding, provenance: Provenance): Candidate {
  const data = {
    receiptId: provenance.receiptId,
    sourceKey: provenance.sourceKey,
    mappingVersion: provenance.mappingVersion,
  };
  return {
    index: 0,
    kind: 'receipt',
    key: `receipt:${provenance.receiptId}`,
    data,
    contentHash: contentHash(data),
    findings: [finding],
    claimant: `source:${provenance.sourceKey}`,
    eventId: null,
    provinceCode: provenance.sourceProvinceCode,
    quarantined: true,
    prefixDigits: null,
    serials: null,
  };
}
