import {
  ENVELOPE_FIELDS,
  type Envelope,
  type Finding,
  type RecordKind,
  type ValidationPolicy,
  normalizeRecord,
  validateRecord,
} from '@txng/national-model';

/** One record as the preview and the pipeline see it: normalised, keyed, with its findings. */
export interface PreviewRecord {
  kind: RecordKind;
  /** Null when the fields the key is built from are missing (a REQUIRED_FIELD finding says which). */
  key: string | null;
  data: unknown;
  /** Validation findings; paths are JSON Pointers into `data`. Empty: the record may be synced. */
  findings: Finding[];
}

export interface RecordOptions {
  /** The hub's clock for EVENT_TIME_FUTURE. */
  now?: Date;
  policy?: ValidationPolicy;
  /** Offset for events without one; +07:00 by default. */
  defaultOffset?: string;
}

/**
 * Envelope → records in envelope order (organizations, locations, products, lots, events), each
 * normalised (NFC text, GTIN-14, Rec 20 units, current province codes, default offset, key) and
 * validated after normalisation, exactly as the pipeline will judge it.
 */
export function envelopeToRecords(envelope: Envelope, options: RecordOptions = {}): PreviewRecord[] {
  const records: PreviewRecord[] = [];
  for (const [field, kind] of ENVELOPE_FIELDS) {
    const list = envelope[field] as unknown[] | undefined;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const normalized = normalizeRecord(kind, item, { defaultOffset: options.defaultOffset });
      const findings = [
        ...normalized.findings,
        ...validateRecord(kind, normalized.data, { now: options.now, policy: options.policy }),
      ];
      records.push({ kind, key: normalized.key ?? null, data: normalized.data, findings });
    }
  }
  return records;
}
